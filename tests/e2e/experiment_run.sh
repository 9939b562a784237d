#!/usr/bin/env bash
# `samsa experiment list|run` end to end (issue 11): real brokers, librdkafka clients, faults, the checker.
#   1. list: every shipped scenario, one line each, no broker.
#   2. a scenario that does not validate is refused with FILE:LINE before anything starts (exit 2).
#   3. follower-pause, 15 s: exit 0, history.jsonl + check.txt + summary.json + node logs written, the history
#      checks valid on its own, the fault is in it, no process of the run is left; report.html rendered by
#      headless Chromium shows the verdict, the timeline and one band per applied fault.
#   4. unsafe-unclean-acks1 (acks=1, min ISR 1, unclean election; follower then leader killed): the checker
#      must report lost writes, so the run exits 1; the rendered report says so.
#   5. SIGINT during the workload: the runner stops every broker it started and exits non-zero.
# Usage: experiment_run.sh /path/to/samsa (samsa_experiment next to it)
set -euo pipefail
SAMSA=${1:?usage: $0 PATH_TO_SAMSA}
source "$(dirname "$0")/experiment_lib.sh"
experiment_setup exp

# -- 1. list ----------------------------------------------------------------------------------------------
out=$("$SAMSA" experiment list --dir "$SRC/config/experiments") || fail "experiment list: exit $?"
for s in leader-kill quorum-leader-kill follower-pause leader-pause rolling-restart coordinator-loss disk-full clock-skew random-mix unsafe-unclean-acks1; do
  grep -q "^$s  (" <<<"$out" || fail "experiment list lacks $s: $out"
done
echo "1. list: $(grep -c '^[a-z]' <<<"$out") scenarios"

# -- 2. validation -----------------------------------------------------------------------------------------
printf '[[topic]]\nname = "t"\n\n[[producer]]\nacks = "all"\nrate = "fast"\n' >"$WORK/bad.toml"
rc=0; err=$("$SAMSA" experiment run "$WORK/bad.toml" 2>&1) || rc=$?
[ "$rc" = 2 ] || fail "bad scenario: exit $rc, expected 2: $err"
grep -qF "$WORK/bad.toml:6: [[producer]]: \"rate\" must be a number" <<<"$err" || fail "bad scenario message: $err"
echo "2. refused: $err"

# -- 3. a safe scenario passes ------------------------------------------------------------------------------
rc=0
"$SAMSA" experiment run "$SRC/config/experiments/follower-pause.toml" --duration 15 --out "$WORK/safe" \
  >"$WORK/safe.out" 2>&1 || rc=$?
tail -1 "$WORK/safe.out"
[ "$rc" = 0 ] || { tail -30 "$WORK/safe.out" >&2; fail "follower-pause: exit $rc, expected 0"; }
for f in history.jsonl check.txt summary.json runner.log node1/broker.log node2/broker.log node3/broker.log; do
  [ -s "$WORK/safe/$f" ] || fail "follower-pause wrote no $f"
done
grep -q '"passed":true' "$WORK/safe/summary.json" || fail "summary: $(cat "$WORK/safe/summary.json")"
grep -q '"f":"fault","time":[0-9]*,"name":"pause #1","phase":"start"' "$WORK/safe/history.jsonl" \
  || fail "no fault start in the history"
grep -q "phase workload" "$WORK/safe.out" || fail "no progress lines"
grep -q "^summary: follower-pause seed 1: PASS" "$WORK/safe.out" || fail "summary line: $(tail -1 "$WORK/safe.out")"
"$SAMSA" experiment check "$WORK/safe/history.jsonl" >/dev/null || fail "the history does not check valid on its own"
[ ! -d "$WORK/safe/node1/data" ] || fail "a passing run keeps its data directories without --keep"
[ -z "$(leftovers)" ] || fail "processes left after the run: $(leftovers)"
check_report "$WORK/safe" "valid: no anomaly"
echo "3. follower-pause: $(head -1 "$WORK/safe/check.txt")"

# -- 4. the unsafe scenario loses acknowledged writes, and the checker says so ------------------------------
rc=0
"$SAMSA" experiment run "$SRC/config/experiments/unsafe-unclean-acks1.toml" --out "$WORK/unsafe" \
  >"$WORK/unsafe.out" 2>&1 || rc=$?
tail -1 "$WORK/unsafe.out"
[ "$rc" = 1 ] || { tail -30 "$WORK/unsafe.out" >&2; fail "unsafe-unclean-acks1: exit $rc, expected 1"; }
grep -q "^summary: unsafe-unclean-acks1 seed 1: ANOMALIES (.*lost-write x" "$WORK/unsafe.out" \
  || fail "no lost-write reported: $(tail -1 "$WORK/unsafe.out")"
grep -q '"anomaly_types":\[[^]]*"lost-write"' "$WORK/unsafe/summary.json" || fail "summary.json lacks lost-write"
[ -z "$(leftovers)" ] || fail "processes left after the unsafe run: $(leftovers)"
check_report "$WORK/unsafe" "anomalies:.*lost-write"
echo "4. unsafe: $(head -1 "$WORK/unsafe/check.txt")"

# -- 5. Ctrl-C ------------------------------------------------------------------------------------------------
"$SAMSA" experiment run "$SRC/config/experiments/leader-kill.toml" --out "$WORK/int" >"$WORK/int.out" 2>&1 &
RUNNER=$!
for _ in $(seq 1 600); do grep -q "phase workload" "$WORK/int.out" 2>/dev/null && break; sleep 0.1; done
grep -q "phase workload" "$WORK/int.out" || fail "the interrupted run never reached its workload: $(cat "$WORK/int.out")"
[ -n "$(leftovers)" ] || fail "no broker of the run found while it runs"
kill -INT "$RUNNER"
wait_runner
[ "$rc" != 0 ] || fail "an interrupted run exited 0"
grep -q "interrupted" "$WORK/int.out" || fail "no word of the interruption: $(tail -5 "$WORK/int.out")"
[ -z "$(leftovers)" ] || fail "processes left after SIGINT: $(leftovers)"
echo "5. SIGINT: exit $rc, no process left"
echo "PASS"
