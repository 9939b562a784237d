#!/usr/bin/env bash
# `samsa experiment run` with a consumer group (issue 11): coordinator-loss for 20 s, i.e. three librdkafka
# members of group g subscribed to t, committing what they read, while the node coordinating g is killed with
# -9 (resolved at fire time through FindCoordinator) and restarted.
#   - exit 0: the checker found no anomaly (double-ownership and backwards-commit included), every file written.
#     Before the group metadata records (docs/experiments.md "Found by `coordinator-loss`") a new coordinator
#     started group g at generation 1 again and the checker reported double-ownership; now the new coordinator
#     restores g from its latest metadata record and the generation continues;
#   - the history holds what the group checks need: rebalance lines of at least two members with their
#     generation (>= 1) (and the committed offsets they fetched, when any were), ok commits with their offsets,
#     the group's committed offsets fetched at the end (member "final"), and the kill aimed at "coordinator of g";
#   - a new coordinator restored g ("group g: restored at generation N" in a broker log) and the brokers' "group
#     g: generation N stable" lines, in time order, have increasing N (no generation formed twice);
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
[ "$rc" = 0 ] || { tail -40 "$WORK/run.out" >&2; fail "coordinator-loss: exit $rc, expected 0 (no anomaly)"; }
verdict="valid: no anomaly"
need() { grep -q -- "$1" "$H" || fail "$2"; } # a line of the history matching $1, or fail with $2
need '"name":"kill #1","phase":"start","target":"node [0-9] (coordinator of g)"' "no kill of g's coordinator in the history"
grep -q "inject kill #1: node [0-9] (coordinator of g)" "$WORK/run.out" || fail "no injection of kill #1 in the output"
members=$(grep -o '"f":"rebalance","time":[0-9]*,"group":"g","generation":[1-9][0-9]*,"member":"[^"]*"' "$H" \
            | sed 's/.*"member":"//' | sort -u | wc -l)
[ "$members" -ge 2 ] || fail "rebalance lines of $members member(s) with a generation, expected at least 2"
need '"f":"rebalance","time":[0-9]*,"group":"g","generation":[1-9][0-9]*,"member":"[^"]*","partitions":\[{"topic":"t"' \
  "no rebalance line that assigns partitions of t"
# The generation continues across coordinators: a new coordinator restores g from its metadata record (the
# members keep their ids and heartbeat on, so a kill need not cause a rebalance), and every "generation N
# stable" line of the three brokers, in time order, names a higher N than the one before: no generation
# forms twice (before the fix each coordinator formed its own "generation 1").
restores=$(cat "$WORK"/run/node*/broker.log | grep -c "group g: restored at generation [1-9]" || true)
[ "$restores" -ge 1 ] || fail "no coordinator restored group g from its metadata record"
stable=$(cat "$WORK"/run/node*/broker.log | grep -h "group g: generation [0-9]* stable" | sort \
           | sed 's/.*generation \([0-9]*\) stable.*/\1/' | tr '\n' ' ')
/usr/bin/python3 -c 'import sys; g = [int(x) for x in sys.argv[1:]]; sys.exit(0 if g and all(a < b for a, b in zip(g, g[1:])) else 1)' \
  $stable || fail "the stable generations of g in time order are not increasing: $stable"
# A rebalance after commits fetches the committed offsets (the backwards-commit check reads them).
if grep '"f":"rebalance"' "$H" | grep -v '"member":"final"' | grep -q '"offsets":\['; then
  need '"generation":[0-9]*,"member":"[^"]*","partitions":\[[^]]*\],"offsets":\[{"topic":"t"' \
    "a rebalance line with an empty list of committed offsets"
fi
commits=$(grep -c '"type":"ok","f":"commit"' "$H" || true)
[ "$commits" -ge 10 ] || fail "$commits ok commits, expected at least 10"
need '"type":"invoke","f":"commit","time":[0-9]*,"group":"g","offsets":\[{"topic":"t","partition":[0-9],"offset":[0-9]*' \
  "no commit invoke with its offsets"
need '"generation":-1,"member":"final","partitions":\[\],"offsets":\[{"topic":"t"' "no committed offsets fetched at the end"
leaders=$(grep -c '"f":"leader"' "$H" || true)
[ "$leaders" -ge 3 ] || fail "$leaders leader lines, expected one per partition of t at least"
grep -q '"passed":true' "$WORK/run/summary.json" || fail "summary: $(cat "$WORK/run/summary.json")"
"$SAMSA" experiment check "$H" >/dev/null || fail "the history does not check valid on its own"
[ -z "$(leftovers)" ] || fail "processes left after the run: $(leftovers)"
check_report "$WORK/run" "$verdict"
echo "coordinator-loss: $members members, $commits ok commits, $leaders leader lines, $restores restores of g, stable generations: $stable; $(head -1 "$WORK/run/check.txt")"
echo "PASS"
