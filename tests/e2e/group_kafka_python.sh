#!/usr/bin/env bash
# kafka-python KafkaConsumer in a consumer group (helper: tests/e2e/group_kafka_python.py) and the
# `samsa groups` commands:
#   1. a group consumes a 3-partition topic and commits: every record once, LAG 0 afterwards
#   2. a second run of the same group consumes nothing (it resumes from the committed offsets);
#      1,000 more records are produced and the next run consumes exactly those
#   3. `samsa groups reset-offsets --to-earliest` while no member runs; the next run consumes everything again
#   4. reset-offsets while a member is active is refused with non_empty_group and changes nothing; after the
#      member leaves, --to-offset 100 works and the next run consumes exactly the records at offsets >= 100
#   5. a member killed with kill -9 keeps the group non-empty until its session (6 s) expires: reset-offsets
#      is refused until then (the time until it is accepted is printed)
# and the rest of kafka-consumer-groups.sh's surface: reset-offsets is a dry run without --execute (the plan
# printed, nothing changed), --shift-by on one partition (T:P), --to-datetime, --all-topics; describe
# --members / --state / --output json and list --output json, checked against what the member holds.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
HELPER="$(dirname "$0")/group_kafka_python.py"
CHECK="$(dirname "$0")/group_check.py"
$PY -c 'import kafka' 2>/dev/null || fail "kafka-python is missing for $PY (tools/install-deps.sh)"
TOPIC=py-grp
GROUP=py-group
P=3
N=6000
T0=$(date +%s%3N)
MEMBER_PID=""
group_cleanup() {
  if [ -n "$MEMBER_PID" ]; then kill -9 "$MEMBER_PID" 2>/dev/null || true; wait "$MEMBER_PID" 2>/dev/null || true; fi
  [ -n "${SAMSA_KEEP:-}" ] || cleanup
}
trap group_cleanup EXIT

describe() { # FILE
  timeout 60 "$SAMSA" groups describe "$GROUP" $B >"$1" 2>&1 || fail "groups describe: $(cat "$1")"
}
produce() { # FROM TO
  seq "$1" "$2" | awk '{ printf "k%d:v%06d\n", $1, $1 }' | timeout 60 "$SAMSA" produce "$TOPIC" --key-separator : $B \
    2>"$WORK/produce.err" || fail "produce: $(cat "$WORK/produce.err")"
}
RUN=0
consume_run() { # run number $RUN (the caller increments it): prints the number of records; they are in run-$RUN.txt
  local out
  out=$(timeout 150 $PY "$HELPER" consume "127.0.0.1:$KAFKA_PORT" "$GROUP" "$TOPIC" "$WORK/run-$RUN.txt" --idle 3) \
    || fail "kafka-python run $RUN failed"
  touch "$WORK/run-$RUN.txt"
  echo "run $RUN: $out" >&2
  echo "$out" | awk '{ print $2 }'
}
# Distinct values of run R; checks that they are exactly v(FROM)..v(TO), each once.
expect_values() { # RUN FROM TO
  $PY - "$WORK/run-$1.txt" "$2" "$3" <<'EOF' || fail "run $1 did not consume exactly v$2..v$3 once each"
import sys
vals = [l.split()[2] for l in open(sys.argv[1]) if l.strip()]
want = ["v%06d" % i for i in range(int(sys.argv[2]), int(sys.argv[3]) + 1)]
assert len(vals) == len(set(vals)), "%d duplicates" % (len(vals) - len(set(vals)))
missing = set(want) - set(vals)
extra = set(vals) - set(want)
assert not missing and not extra, ("missing", sorted(missing)[:5], "extra", sorted(extra)[:5])
EOF
}
committed_is() { # FILE OFFSETS-SPEC(end|N) : every partition's committed offset is its log end / N
  $PY - "$1" "$2" "$P" <<'EOF'
import sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) >= 6 and f[1].isdigit():
        rows[int(f[1])] = (f[2], f[3])
ok = len(rows) == int(sys.argv[3]) and all(
    cur == (end if sys.argv[2] == "end" else sys.argv[2]) for cur, end in rows.values())
sys.exit(0 if ok else 1)
EOF
}

start_broker --set group.initial.rebalance.delay.ms=0
"$SAMSA" topics create "$TOPIC" --partitions $P $B >/dev/null || fail "topics create"
produce 1 $N

# 1. First run: everything, committed.
RUN=$((RUN + 1)); n=$(consume_run)
[ "$n" -eq "$N" ] || fail "first run consumed $n records, expected $N"
expect_values 1 1 $N
describe "$WORK/d1"
cat "$WORK/d1"
committed_is "$WORK/d1" end || fail "after the first run the committed offsets are not the log end offsets"
$PY "$CHECK" lag-zero "$WORK/d1" --partitions $P || fail "LAG not 0 after the first run"
grep -q "state Empty .* members 0" "$WORK/d1" || fail "group should be Empty with 0 members after the run: $(head -1 "$WORK/d1")"
timeout 60 "$SAMSA" groups list $B | grep -q "^$GROUP" || fail "groups list does not show $GROUP"
timeout 60 "$SAMSA" groups list --output json $B >"$WORK/list.json" || fail "groups list --output json"
$PY -c 'import json,sys; g=[x for x in json.load(open(sys.argv[1])) if x["group"]==sys.argv[2]]; sys.exit(0 if g and g[0]["state"]=="Empty" and g[0]["members"]==0 else 1)' \
  "$WORK/list.json" "$GROUP" || fail "groups list --output json: $(cat "$WORK/list.json")"

# 2. Second run: nothing new. Then 1,000 more records: exactly those.
RUN=$((RUN + 1)); n=$(consume_run)
[ "$n" -eq 0 ] || fail "second run of the same group consumed $n records, expected 0 (resume from committed offsets)"
produce $((N + 1)) $((N + 1000))
N2=$((N + 1000))
RUN=$((RUN + 1)); n=$(consume_run)
[ "$n" -eq 1000 ] || fail "run after producing 1000 more consumed $n records, expected 1000"
expect_values 3 $((N + 1)) $N2

# 3. Reset to earliest with no member running: everything again. Without --execute it is a dry run: the
#    plan (every partition to 0) is printed and nothing changes.
timeout 60 "$SAMSA" groups reset-offsets "$GROUP" --topic "$TOPIC" --to-earliest $B >"$WORK/plan1" 2>"$WORK/plan1.err" \
  || fail "reset-offsets dry run failed: $(cat "$WORK/plan1" "$WORK/plan1.err")"
cat "$WORK/plan1"
grep -q "nothing was changed; add --execute" "$WORK/plan1.err" || fail "the dry run does not say so: $(cat "$WORK/plan1.err")"
[ "$(awk -v g="$GROUP" '$1 == g && $5 == 0' "$WORK/plan1" | wc -l)" -eq $P ] || fail "dry-run plan: $(cat "$WORK/plan1")"
describe "$WORK/d1b"
committed_is "$WORK/d1b" end || fail "the dry run changed the committed offsets: $(cat "$WORK/d1b")"
timeout 60 "$SAMSA" groups reset-offsets "$GROUP" --topic "$TOPIC" --to-earliest --execute $B >"$WORK/reset1" 2>&1 \
  || fail "reset-offsets --to-earliest with no members failed: $(cat "$WORK/reset1")"
describe "$WORK/d2"
committed_is "$WORK/d2" 0 || fail "after reset --to-earliest the committed offsets are not 0: $(cat "$WORK/d2")"
RUN=$((RUN + 1)); n=$(consume_run)
[ "$n" -eq "$N2" ] || fail "run after reset --to-earliest consumed $n records, expected $N2"
expect_values 4 1 $N2

# 4. A member is active: reset is refused (non_empty_group) and changes nothing.
rm -f "$WORK/ready"
T_MEMBER=$(date +%s%3N)
$PY "$HELPER" member "127.0.0.1:$KAFKA_PORT" "$GROUP" "$TOPIC" "$WORK/ready" >"$WORK/member.log" 2>&1 &
MEMBER_PID=$!
for _ in $(seq 1 300); do [ -s "$WORK/ready" ] && break; kill -0 "$MEMBER_PID" 2>/dev/null || break; sleep 0.1; done
[ -s "$WORK/ready" ] || fail "background member did not get an assignment within 30 s: $(cat "$WORK/member.log")"
echo "background member joined in $(( $(date +%s%3N) - T_MEMBER )) ms: $(cat "$WORK/ready")"
rc=0
timeout 60 "$SAMSA" groups reset-offsets "$GROUP" --topic "$TOPIC" --to-earliest --execute $B >"$WORK/reset2" 2>&1 || rc=$?
cat "$WORK/reset2"
[ "$rc" -ne 0 ] || fail "reset-offsets succeeded while a member was active"
grep -q "non_empty_group" "$WORK/reset2" || fail "reset-offsets while a member is active should name non_empty_group"
# The refusal says why: the member and the session timeout after which a dead one is removed (the helper's
# consumers use session_timeout_ms=6000).
grep -q "1 active member: .*session timeout (6000 ms)" "$WORK/reset2" || fail "the refusal does not explain itself: $(cat "$WORK/reset2")"
timeout 60 "$SAMSA" groups describe "$GROUP" --members --state $B >"$WORK/members" 2>&1 || fail "describe --members --state: $(cat "$WORK/members")"
cat "$WORK/members"
grep -Eq "^node [0-9]+ +range +Stable +[0-9]+ +1$" "$WORK/members" || fail "describe --state: $(cat "$WORK/members")"
grep -q " $P *$TOPIC(0,1,2)" "$WORK/members" || fail "describe --members does not show the 3 partitions: $(cat "$WORK/members")"
timeout 60 "$SAMSA" groups describe "$GROUP" --output json $B >"$WORK/d.json" || fail "describe --output json"
$PY - "$WORK/d.json" "$P" <<'EOF' || fail "describe --output json: $(cat "$WORK/d.json")"
import json, sys
g = json.load(open(sys.argv[1]))
p = int(sys.argv[2])
m = g["members"]
assert g["state"] == "Stable" and len(m) == 1 and m[0]["session_timeout_ms"] == 6000, g
assert sorted(a["partition"] for a in m[0]["assignment"]) == list(range(p)), m
assert len(g["offsets"]) == p and all(o["member_id"] == m[0]["member_id"] and o["lag"] == 0 for o in g["offsets"]), g
EOF
describe "$WORK/d3"
cat "$WORK/d3"
grep -q "state Stable .* members 1" "$WORK/d3" || fail "describe should show the active member: $(head -1 "$WORK/d3")"
committed_is "$WORK/d3" end || fail "the refused reset changed the committed offsets"
kill -TERM "$MEMBER_PID"
rc=0
wait "$MEMBER_PID" || rc=$?
MEMBER_PID=""
[ "$rc" -eq 0 ] || fail "background member exited with $rc: $(cat "$WORK/member.log")"
describe "$WORK/d4"
grep -q "state Empty .* members 0" "$WORK/d4" || fail "after the member left: $(head -1 "$WORK/d4")"
# --shift-by on one partition (T:0): 50 back from 150 there; then --to-offset 100 on all of them.
timeout 60 "$SAMSA" groups reset-offsets "$GROUP" --topic "$TOPIC" --to-offset 150 --execute $B >"$WORK/reset3a" 2>&1 \
  || fail "reset-offsets --to-offset 150: $(cat "$WORK/reset3a")"
timeout 60 "$SAMSA" groups reset-offsets "$GROUP" --topic "$TOPIC:0" --shift-by -50 --execute $B >"$WORK/reset3b" 2>&1 \
  || fail "reset-offsets --shift-by -50: $(cat "$WORK/reset3b")"
timeout 60 "$SAMSA" groups describe "$GROUP" --output json $B >"$WORK/d5a.json" || fail "describe --output json"
$PY -c 'import json,sys; o={x["partition"]:x["current_offset"] for x in json.load(open(sys.argv[1]))["offsets"]}; sys.exit(0 if o=={0:100,1:150,2:150} else 1)' \
  "$WORK/d5a.json" || fail "after --to-offset 150 and --shift-by -50 on partition 0: $(cat "$WORK/d5a.json")"
# --to-datetime: a time before every record moves to the log start, one after all of them to the log end
# (dry runs, as JSON); --all-topics selects the group's one topic.
timeout 60 "$SAMSA" groups reset-offsets "$GROUP" --all-topics --to-datetime 2000-01-01T00:00:00Z --output json $B \
  >"$WORK/plan2.json" 2>/dev/null || fail "reset-offsets --to-datetime 2000: $(cat "$WORK/plan2.json")"
$PY -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if not j["executed"] and sorted((r["partition"],r["new_offset"]) for r in j["partitions"])==[(0,0),(1,0),(2,0)] else 1)' \
  "$WORK/plan2.json" || fail "--to-datetime 2000 plan: $(cat "$WORK/plan2.json")"
timeout 60 "$SAMSA" groups reset-offsets "$GROUP" --all-topics --to-datetime 2999-01-01T00:00:00Z --output json $B \
  >"$WORK/plan3.json" 2>/dev/null || fail "reset-offsets --to-datetime 2999: $(cat "$WORK/plan3.json")"
describe "$WORK/d5b"
$PY - "$WORK/plan3.json" "$WORK/d5b" <<'EOF' || fail "--to-datetime 2999 plan is not the log ends: $(cat "$WORK/plan3.json")"
import json, sys
plan = {r["partition"]: r["new_offset"] for r in json.load(open(sys.argv[1]))["partitions"]}
ends = {int(f[1]): int(f[3]) for f in (l.split() for l in open(sys.argv[2])) if len(f) >= 6 and f[1].isdigit()}
sys.exit(0 if plan == ends and len(plan) == 3 else 1)
EOF
timeout 60 "$SAMSA" groups reset-offsets "$GROUP" --topic "$TOPIC" --to-offset 100 --execute $B >"$WORK/reset3" 2>&1 \
  || fail "reset-offsets --to-offset 100 after the member left failed: $(cat "$WORK/reset3")"
describe "$WORK/d5"
committed_is "$WORK/d5" 100 || fail "after reset --to-offset 100: $(cat "$WORK/d5")"
RUN=$((RUN + 1)); n=$(consume_run)
[ "$n" -eq $((N2 - P * 100)) ] || fail "run after reset --to-offset 100 consumed $n records, expected $((N2 - P * 100))"
awk '$2 < 100 { bad = 1 } END { exit bad }' "$WORK/run-$RUN.txt" || fail "records below offset 100 after reset --to-offset 100"

# 5. A crashed member: refused until its session expires, then accepted.
rm -f "$WORK/ready"
$PY "$HELPER" member "127.0.0.1:$KAFKA_PORT" "$GROUP" "$TOPIC" "$WORK/ready" >"$WORK/member2.log" 2>&1 &
MEMBER_PID=$!
for _ in $(seq 1 300); do [ -s "$WORK/ready" ] && break; kill -0 "$MEMBER_PID" 2>/dev/null || break; sleep 0.1; done
[ -s "$WORK/ready" ] || fail "second background member did not get an assignment within 30 s"
KILL_MS=$(date +%s%3N)
kill -9 "$MEMBER_PID"
wait "$MEMBER_PID" 2>/dev/null || true
MEMBER_PID=""
refused=0
accepted=""
for _ in $(seq 1 120); do
  if timeout 60 "$SAMSA" groups reset-offsets "$GROUP" --topic "$TOPIC" --to-latest --execute $B >"$WORK/reset4" 2>&1; then
    accepted=$(date +%s%3N); break
  fi
  grep -q "non_empty_group" "$WORK/reset4" || fail "reset-offsets failed with an unexpected error: $(cat "$WORK/reset4")"
  refused=$((refused + 1))
  sleep 0.25
done
[ -n "$accepted" ] || fail "reset-offsets still refused 30 s after the only member was killed (session.timeout.ms=6000)"
[ "$refused" -gt 0 ] || fail "reset-offsets was accepted right after kill -9, while the dead member's session was still open"
echo "EXPIRY: reset-offsets refused $refused times, accepted $((accepted - KILL_MS)) ms after kill -9 of the only member (session.timeout.ms=6000)"
describe "$WORK/d6"
committed_is "$WORK/d6" end || fail "after reset --to-latest: $(cat "$WORK/d6")"
RUN=$((RUN + 1)); n=$(consume_run)
[ "$n" -eq 0 ] || fail "run after reset --to-latest consumed $n records, expected 0"

kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died"
# SIGTERM with a bound (lib.sh's stop_broker waits forever).
t=$(date +%s%3N)
kill -TERM "$BROKER_PID"
for _ in $(seq 1 300); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$BROKER_PID" 2>/dev/null && fail "the broker did not exit within 30 s of SIGTERM (every group check passed)"
rc=0
wait "$BROKER_PID" || rc=$?
BROKER_PID=""
[ "$rc" -eq 0 ] || fail "broker exited with $rc on SIGTERM"
echo "broker stopped cleanly in $(( $(date +%s%3N) - t )) ms"
echo "group_kafka_python: ok ($RUN runs, total $(( $(date +%s%3N) - T0 )) ms)"
