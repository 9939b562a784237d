#!/usr/bin/env bash
# `samsa experiment run` with clock faults (issue 11): every broker under libfaketime with an offset file of
# its own, a fault rewrites it, the heal sets it back to +0; the monotonic clock stays real. Needs Debian's
# libfaketime; skips without it (exit 0, "SKIP").
#   1. clock-skew for 25 s (the leader of t-0 2 h ahead, killed with -9 and restarted meanwhile, then the
#      leader of t-1 2 h behind): while the first fault is on, the target's broker has libfaketime mapped and
#      the run's FAKETIME_* settings in its environment, its offset file says +7200, and the broker itself
#      stamps its producers' last writes 2 h ahead (DescribeProducers of t-0 on it); restarted by the kill, it
#      runs under libfaketime again and its log lines are dated 2 h ahead; after the heal the file says +0
#      again. The run passes (no anomaly), every fault applied, the clock faults healed and in the history
#      with what `date` under libfaketime showed, and the target rolled t-0's segment (segment.ms 1 h) when
#      its clock jumped; the report renders; no broker is left.
#   2. no libfaketime (SAMSA_LIBFAKETIME names a missing file): the runner says why and skips the clock fault.
# Usage: experiment_clock.sh /path/to/samsa (samsa_experiment next to it)
set -euo pipefail
SAMSA=${1:?usage: $0 PATH_TO_SAMSA}
compgen -G "/usr/lib/*/faketime/libfaketimeMT.so.1" >/dev/null || [ -n "${SAMSA_LIBFAKETIME:-}" ] \
  || { echo "SKIP: experiment_clock needs libfaketime (tools/install-deps.sh)"; exit 0; }
source "$(dirname "$0")/experiment_lib.sh"
experiment_setup clock
SCEN="$SRC/config/experiments/clock-skew.toml"

# -- 1. clock-skew ------------------------------------------------------------------------------------------
"$SAMSA" experiment run "$SCEN" --duration 25 --keep --out "$WORK/skew" >"$WORK/skew.out" 2>&1 &
RUNNER=$!
wait_for "$WORK/skew.out" "inject clock #1"
line=$(grep "inject clock #1" "$WORK/skew.out")
node=$(sed -n 's/.*inject clock #1: node \([0-9]\) (leader of t-0): clock +2h (date under libfaketime: +7200\.[0-9] s)$/\1/p' <<<"$line")
[ -n "$node" ] || fail "cannot tell the shifted node from: $line"
port=$(sed -n 's/.*bootstrap \([^ ]*\).*/\1/p' "$WORK/skew.out" | tr ',' '\n' | sed -n "${node}p" | cut -d: -f2)
[ -n "$port" ] || fail "no Kafka port for node $node: $(grep bootstrap "$WORK/skew.out")"
check_preload() { # the broker of node $node runs under libfaketime with the run's settings
  local pid
  pid=$(pgrep -f -- "log.dirs=$WORK/skew/node$node/data" | head -1)
  [ -n "$pid" ] || fail "no broker process of node $node"
  grep -q "libfaketime" "/proc/$pid/maps" || fail "node $node's broker (pid $pid) has no libfaketime mapped"
  env_of() { tr '\0' '\n' <"/proc/$pid/environ"; }
  for kv in "FAKETIME_TIMESTAMP_FILE=$WORK/skew/node$node/faketime.rc" FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1; do
    env_of | grep -qxF "$kv" || fail "node $node's broker lacks $kv in its environment: $(env_of | grep -i faketime)"
  done
  env_of | grep -q "^LD_PRELOAD=.*libfaketime" || fail "node $node's broker was not started with LD_PRELOAD of libfaketime"
}
check_preload
[ "$(cat "$WORK/skew/node$node/faketime.rc")" = "+7200" ] || fail "offset file: $(cat "$WORK/skew/node$node/faketime.rc")"
# The broker's own wall clock: the leader stamps each producer's last write with it (DescribeProducers).
ahead=$(PYTHONPATH="$SRC/tests/e2e" /usr/bin/python3 - "$port" <<'PY'
import sys, time
import admin_wire as aw
c = aw.Conn(int(sys.argv[1]))
err, producers = aw.describe_producers(c, b"t", [0])[0]
now = time.time()
print(err, len(producers), int(max(p[3] for p in producers) / 1000 - now) if producers else "none")
PY
) || fail "DescribeProducers on node $node failed"
read -r err count secs <<<"$ahead"
[ "$err" = 0 ] && [ "$count" -ge 1 ] || fail "DescribeProducers of t-0 on node $node: error $err, $count producer(s)"
# 2 h ahead, give or take far more than any delay: the shift is in the broker, not only in the file.
[ "$secs" -gt 3600 ] && [ "$secs" -lt 10800 ] || fail "node $node's last write stamped $secs s from now, expected about +7200"
# The kill hits the same node (a clock fault leaves it eligible); it restarts with its clock still 2 h ahead.
wait_for "$WORK/skew.out" "inject kill #2: node $node (leader of t-0)"
wait_for "$WORK/skew.out" "heal kill #2"
check_preload
wait_for "$WORK/skew/node$node/broker.log" "^==== runner: start 2 of node $node under libfaketime"
for _ in $(seq 1 100); do
  first=$(sed -n "/^==== runner: start 2 of node $node/{n;p;q}" "$WORK/skew/node$node/broker.log")
  [ -n "$first" ] && break
  sleep 0.1
done
logged=$(date -d "$(cut -c1-19 <<<"$first")" +%s) || fail "no date in node $node's first line after its restart: $first"
logged_ahead=$((logged - $(date +%s)))
[ "$logged_ahead" -gt 3600 ] && [ "$logged_ahead" -lt 10800 ] \
  || fail "node $node's restarted broker logged at $logged_ahead s from now, expected about +7200: $first"
wait_for "$WORK/skew.out" "heal clock #1"
[ "$(cat "$WORK/skew/node$node/faketime.rc")" = "+0" ] || fail "offset file after the heal: $(cat "$WORK/skew/node$node/faketime.rc")"
wait_runner
tail -1 "$WORK/skew.out"
[ "$rc" = 0 ] || { tail -40 "$WORK/skew.out" >&2; fail "clock-skew: exit $rc, expected 0 (no anomaly)"; }
grep -q "^summary: clock-skew seed 1: PASS (no anomaly; .*faults 3 applied, 0 skipped" "$WORK/skew.out" \
  || fail "summary: $(tail -1 "$WORK/skew.out")"
grep -q "clocks: every node under libfaketime" "$WORK/skew.out" || fail "the runner did not say the nodes run under libfaketime"
grep -q '"name":"clock #1","phase":"start","target":"node '"$node"' (leader of t-0): clock +2h (date under libfaketime: +7200.0 s)"' \
  "$WORK/skew/history.jsonl" || fail "no clock #1 start in the history: $(grep 'clock #1' "$WORK/skew/history.jsonl" | head -2)"
grep -q '"name":"clock #3","phase":"start","target":"node [0-9] (leader of t-1): clock -2h (date under libfaketime: -7200.0 s)"' \
  "$WORK/skew/history.jsonl" || fail "no clock #3 start in the history: $(grep 'clock #3' "$WORK/skew/history.jsonl" | head -2)"
for k in 1 3; do
  grep -q '"name":"clock #'$k'","phase":"stop"' "$WORK/skew/history.jsonl" || fail "clock #$k never healed in the history"
  grep -q "heal clock #$k: .*; now clock +0 (date under libfaketime: +0.0 s)" "$WORK/skew.out" || fail "heal clock #$k: $(grep "heal clock #$k" "$WORK/skew.out")"
done
[ "$(grep -c '^ok:' "$WORK/skew/clocks.log")" = 4 ] || fail "clocks.log: $(cat "$WORK/skew/clocks.log")"
for n in 1 2 3; do [ "$(cat "$WORK/skew/node$n/faketime.rc")" = "+0" ] || fail "node $n's clock left shifted"; done
segments=$(ls "$WORK/skew/node$node/data/t-0/"*.log | wc -l)
[ "$segments" -ge 2 ] || fail "node $node never rolled t-0 by segment.ms when its clock jumped 2 h: $(ls "$WORK/skew/node$node/data/t-0/")"
[ -z "$(leftovers)" ] || fail "processes left after the run: $(leftovers)"
check_report "$WORK/skew" "valid: no anomaly"
echo "1. clock-skew: node $node 2 h ahead (its producers' last writes stamped +${secs} s, its log after the restart +${logged_ahead} s, $segments segments of t-0); $(head -1 "$WORK/skew/check.txt")"
rm -rf "$WORK"/skew/node*/data

# -- 2. without libfaketime --------------------------------------------------------------------------------
rc=0
SAMSA_LIBFAKETIME="$WORK/missing.so" "$SAMSA" experiment run "$SCEN" --duration 8 --out "$WORK/none" >"$WORK/none.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { tail -20 "$WORK/none.out" >&2; fail "a run without libfaketime: exit $rc"; }
grep -qF "fault at 5.0 s for 14.0 s: clock +2h leader of t-0  (skipped: SAMSA_LIBFAKETIME=$WORK/missing.so cannot be read)" \
  "$WORK/none.out" || fail "no word of the missing libfaketime: $(head -6 "$WORK/none.out")"
grep -q "skipped clock #1 leader of t-0: SAMSA_LIBFAKETIME=" "$WORK/none.out" || fail "clock #1 not skipped"
grep -q "faults 0 applied, 1 skipped" "$WORK/none.out" || fail "summary: $(tail -1 "$WORK/none.out")"
! grep -q "under libfaketime" "$WORK/none/node1/broker.log" || fail "a broker started under libfaketime without it"
[ -z "$(leftovers)" ] || fail "processes left after the run without libfaketime: $(leftovers)"
echo "2. without libfaketime: the clock fault skipped, said why"
echo "PASS"
