# Sourced by the experiment e2e tests that drive `samsa experiment run` themselves (experiment_run.sh,
# experiment_disk_full.sh, experiment_clock.sh): the test's directory, a runner in the background, cleanup,
# the failure output, waiting for the runner's lines and its exit. Sources experiment_report_lib.sh too.
#   experiment_setup NAME  sets SRC (the source tree), WORK (a new /tmp/samsa-e2e-NAME.XXXXXX, deleted at exit
#                          unless SAMSA_KEEP is set) and RUNNER (set it to a runner started with &: killed at exit)
#   fail MESSAGE           the message, then the last lines of every node's broker.log of the runs; exit 1
#   leftovers              processes whose command line names WORK (the brokers of its runs), none expected
#   wait_for FILE PATTERN  until the runner printed it (60 s at most), else fail
#   wait_runner            waits for RUNNER; rc is its exit status
experiment_setup() {
  SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  WORK=$(mktemp -d "/tmp/samsa-e2e-$1.XXXXXX")
  RUNNER=""
  trap experiment_cleanup EXIT
}
experiment_cleanup() {
  [ -n "$RUNNER" ] && { kill -9 "$RUNNER" 2>/dev/null || true; wait "$RUNNER" 2>/dev/null || true; }
  [ -n "${SAMSA_KEEP:-}" ] || rm -rf "$WORK"
}
fail() { # a node that exited on its own says why in its log
  echo "FAIL: $*" >&2
  for log in "$WORK"/*/node*/broker.log "$WORK"/*/seed-*/node*/broker.log; do
    [ -f "$log" ] || continue
    echo "--- ${log#"$WORK"/}: last lines" >&2
    tail -8 "$log" >&2
  done
  exit 1
}
leftovers() { pgrep -f -- "$WORK/" | grep -v "^$$\$" || true; }
wait_for() {
  for _ in $(seq 1 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  fail "never saw '$2' in $1: $(tail -5 "$1")"
}
wait_runner() {
  rc=0
  wait "$RUNNER" || rc=$?
  RUNNER=""
}
source "$(dirname "${BASH_SOURCE[0]}")/experiment_report_lib.sh"
