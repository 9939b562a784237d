#!/usr/bin/env bash
# `samsa experiment run` with a consumer group (issue 11): coordinator-loss for 20 s, i.e. three librdkafka
# members of group g subscribed to t, committing what they read, while the node coordinating g is killed with
# -9 (resolved at fire time through FindCoordinator) and restarted.
#   - exit 0: the checker found no anomaly (double-ownership and backwards-commit included), every file written;
#     KNOWN BUG (docs/experiments.md "Found by the runner"): a new coordinator starts group g at generation 1
#     again (the generation is not in the offsets log), so the checker reports double-ownership of members of
#     different coordinators' "generation 1". Until that is fixed the test also accepts exit 1 when the only
#     anomaly is double-ownership and every example's rebalance lines are separated by a kill of g's
#     coordinator (one generation number handed out by two coordinators); it says KNOWN BUG when it does.
#   - the history holds what the group checks need: rebalance lines of at least two members with their
#     generation (>= 1) and the committed offsets they fetched, ok commits with their offsets, the group's
#     committed offsets fetched at the end (member "final"), and the kill aimed at "coordinator of g";
#   - leader lines (the runner's Metadata probe), and the report rendered by headless Chromium with one fault
#     band per applied fault and one leader mark per leader line (experiment_report_lib.sh).
# About 50 s. Usage: experiment_group.sh /path/to/samsa (samsa_experiment next to it)
set -euo pipefail
SAMSA=${1:?usage: $0 PATH_TO_SAMSA}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/samsa-e2e-expgroup.XXXXXX)
cleanup() { [ -n "${SAMSA_KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$(dirname "$0")/experiment_report_lib.sh"
leftovers() { pgrep -f -- "$WORK/" | grep -v "^$$\$" || true; }

rc=0
"$SAMSA" experiment run "$SRC/config/experiments/coordinator-loss.toml" --duration 20 --out "$WORK/run" \
  >"$WORK/run.out" 2>&1 || rc=$?
tail -1 "$WORK/run.out"
H="$WORK/run/history.jsonl"
if [ "$rc" = 1 ] && [ -s "$WORK/run/summary.json" ]; then
  # The known bug and nothing else: exit 1 with double-ownership only, each example's owners on both sides of
  # a coordinator kill.
  known=$(/usr/bin/python3 - "$WORK/run/summary.json" "$H" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
kills = [i + 1 for i, line in enumerate(open(sys.argv[2]))
         if '"f":"fault"' in line and '"phase":"start"' in line and "(coordinator of g)" in line]
check = summary.get("check") or {}
if summary.get("errors") or check.get("anomaly_types") != ["double-ownership"]:
    print("no: " + json.dumps(check.get("anomaly_types")) + " errors " + json.dumps(summary.get("errors")))
    sys.exit()
for ex in check["anomalies"]["double-ownership"]["examples"]:
    lines = sorted(op["invoke_line"] for op in ex["ops"])
    for a, b in zip(lines, lines[1:]):
        if not any(a < k < b for k in kills):
            print("no: lines %d and %d own %s in one generation without a coordinator kill between them" % (a, b, ex["partition"]))
            sys.exit()
print("yes: %d double-ownership, each across a coordinator kill" % check["anomalies"]["double-ownership"]["count"])
PY
)
  [[ "$known" == yes* ]] || { tail -40 "$WORK/run.out" >&2; fail "coordinator-loss: exit 1 beyond the known bug: $known"; }
  echo "KNOWN BUG (generation restarts at a new coordinator): $known"
  verdict="anomalies: double-ownership"
else
  [ "$rc" = 0 ] || { tail -40 "$WORK/run.out" >&2; fail "coordinator-loss: exit $rc, expected 0"; }
  verdict="valid: no anomaly"
fi
need() { grep -q -- "$1" "$H" || fail "$2"; } # a line of the history matching $1, or fail with $2
need '"name":"kill #1","phase":"start","target":"node [0-9] (coordinator of g)"' "no kill of g's coordinator in the history"
grep -q "inject kill #1: node [0-9] (coordinator of g)" "$WORK/run.out" || fail "no injection of kill #1 in the output"
members=$(grep -o '"f":"rebalance","time":[0-9]*,"group":"g","generation":[1-9][0-9]*,"member":"[^"]*"' "$H" \
            | sed 's/.*"member":"//' | sort -u | wc -l)
[ "$members" -ge 2 ] || fail "rebalance lines of $members member(s) with a generation, expected at least 2"
need '"f":"rebalance","time":[0-9]*,"group":"g","generation":[1-9][0-9]*,"member":"[^"]*","partitions":\[{"topic":"t"' \
  "no rebalance line that assigns partitions of t"
need '"generation":[0-9]*,"member":"[^"]*","partitions":\[[^]]*\],"offsets":\[{"topic":"t"' \
  "no rebalance line with the committed offsets it fetched"
commits=$(grep -c '"type":"ok","f":"commit"' "$H" || true)
[ "$commits" -ge 10 ] || fail "$commits ok commits, expected at least 10"
need '"type":"invoke","f":"commit","time":[0-9]*,"group":"g","offsets":\[{"topic":"t","partition":[0-9],"offset":[0-9]*' \
  "no commit invoke with its offsets"
need '"generation":-1,"member":"final","partitions":\[\],"offsets":\[{"topic":"t"' "no committed offsets fetched at the end"
leaders=$(grep -c '"f":"leader"' "$H" || true)
[ "$leaders" -ge 3 ] || fail "$leaders leader lines, expected one per partition of t at least"
if [ "$verdict" = "valid: no anomaly" ]; then
  grep -q '"passed":true' "$WORK/run/summary.json" || fail "summary: $(cat "$WORK/run/summary.json")"
  "$SAMSA" experiment check "$H" >/dev/null || fail "the history does not check valid on its own"
fi
[ -z "$(leftovers)" ] || fail "processes left after the run: $(leftovers)"
check_report "$WORK/run" "$verdict"
echo "coordinator-loss: $members members, $commits ok commits, $leaders leader lines; $(head -1 "$WORK/run/check.txt")"
echo "PASS"
