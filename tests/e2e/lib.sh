# Helpers for end-to-end tests: start/stop real `samsa broker` processes on loopback with a private data
# directory and free ports, and clean up every process on exit. Sourced by the tests.
set -euo pipefail
# SAMSA_CLUSTER=1: the same helpers run a 3-node replicated cluster instead (cluster_mode_lib.sh).
if [ -n "${SAMSA_CLUSTER:-}" ]; then source "$(dirname "${BASH_SOURCE[0]}")/cluster_mode_lib.sh"; return; fi
SAMSA=${1:?usage: $0 PATH_TO_SAMSA}
WORK=$(mktemp -d /tmp/samsa-e2e.XXXXXX)
BROKER_PID=""

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
NATIVE_PORT=$(free_port)
KAFKA_PORT=$(free_port)
HTTP_PORT=$(free_port) # samsa.http.listener (/metrics): never the default 9644, tests run side by side
B="--broker 127.0.0.1:$NATIVE_PORT"
DATA=$WORK/data     # the broker's log.dirs
NODE_IDS=1          # the brokers' node ids and Kafka addresses, comma-separated
KAFKA_ADDRS=127.0.0.1:$KAFKA_PORT
RF=1                # the replication factor of the topics tests create
BROKER_WRAPPER=()  # a command to run the broker under, e.g. (prlimit --as=BYTES): it must exec the broker

cleanup() {
  if [ -n "$BROKER_PID" ]; then kill -9 "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
[ -n "${SAMSA_KEEP:-}" ] && trap - EXIT

fail() { echo "FAIL: $*" >&2; [ -f "$WORK/broker.log" ] && tail -20 "$WORK/broker.log" >&2; exit 1; }

# run WORDS...: runs samsa (no broker started here) bounded in time; sets RC, OUT, ERR.
run() {
  RC=0
  timeout 20 "$SAMSA" "$@" >"$WORK/out" 2>"$WORK/err" || RC=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
}
# expect_rc CODE WHAT: the last run's exit status.
expect_rc() { [ "$RC" -eq "$1" ] || fail "samsa $2: exit $RC, expected $1; stdout: $OUT; stderr: $ERR"; }

start_broker() {
  "${BROKER_WRAPPER[@]}" "$SAMSA" broker --set "log.dirs=$DATA" --set "samsa.native.listener=127.0.0.1:$NATIVE_PORT" \
    --set "listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT" --set "samsa.http.listener=127.0.0.1:$HTTP_PORT" "$@" \
    >>"$WORK/broker.log" 2>&1 &
  BROKER_PID=$!
  # Up to 30 s: on a loaded 2-core machine (parallel builds, ctest -j2) a start can take several seconds.
  for _ in $(seq 1 600); do
    if "$SAMSA" topics list $B >/dev/null 2>&1; then return 0; fi
    kill -0 "$BROKER_PID" 2>/dev/null || fail "broker exited at start"
    sleep 0.05
  done
  fail "broker did not start"
}

broker_alive() { kill -0 "$BROKER_PID" 2>/dev/null; }
check_spread() { :; } # TOPIC...: one broker leads every partition (cluster mode checks they are spread)

crash_broker() { kill -9 "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; BROKER_PID=""; }

stop_broker() {
  kill -TERM "$BROKER_PID"
  local rc=0
  wait "$BROKER_PID" || rc=$?
  BROKER_PID=""
  [ "$rc" -eq 0 ] || fail "broker exited with $rc on SIGTERM"
}
