#!/usr/bin/env bash
# Consumer group with librdkafka members (tests/clients/group_consumer.cpp; ctest passes its path in
# SAMSA_GROUP_CONSUMER): 300,000 records in a 6-partition topic, 3 members in one group, each throttled so
# consumption takes a while. Once all three share the partitions and have consumed some, one member is
# killed with kill -9: the survivors must take its partitions over (the broker expires it after its session
# timeout, 6 s) and finish. Checked: every generation assigns each partition to at most one member (from the
# members' assignment logs, keyed by generation id) and the stable ones cover all 6; after the kill the
# survivors resume from committed offsets; all 300,000 values are seen at least once (at-least-once;
# duplicates are counted and printed); lag is > 0 while consuming and 0 on all partitions at the end
# (`samsa groups describe`: committed offsets equal the log end offsets). Prints the takeover time.
source "$(dirname "$0")/lib.sh"
N=${SAMSA_GROUP_RECORDS:-300000}
RATE=${SAMSA_GROUP_RATE:-4000} # records per second per member
P=6
TOPIC=grp-rd
GROUP=rd-group
SESSION_MS=6000
T0=$(date +%s%3N)

source "$(dirname "$0")/group_lib.sh"
# SIGTERM with a bound (lib.sh's stop_broker waits forever): fails if the broker is not gone within 30 s.
bounded_stop() {
  local t=$(date +%s%3N) rc=0
  kill -TERM "$BROKER_PID"
  for _ in $(seq 1 300); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$BROKER_PID" 2>/dev/null && fail "the broker did not exit within 30 s of SIGTERM (every group check passed)"
  wait "$BROKER_PID" || rc=$?
  BROKER_PID=""
  [ "$rc" -eq 0 ] || fail "broker exited with $rc on SIGTERM"
  echo "broker stopped cleanly in $(( $(date +%s%3N) - t )) ms"
}

start_broker --set group.initial.rebalance.delay.ms=0
"$SAMSA" topics create "$TOPIC" --partitions $P $B >/dev/null || fail "topics create"
seq 1 "$N" | awk '{ printf "k%d:v%06d\n", $1, $1 }' | timeout 120 "$SAMSA" produce "$TOPIC" --key-separator : $B \
  2>"$WORK/produce.err" || fail "produce: $(cat "$WORK/produce.err")"
grep -q "produced $N records" "$WORK/produce.err" || fail "producer: $(cat "$WORK/produce.err")"
echo "produced $N records to $TOPIC ($P partitions)"

for m in m1 m2 m3; do start_member $m; done
T_START=$(date +%s%3N)

# All three in one generation that covers the 6 partitions, each having consumed something.
stable=""
for _ in $(seq 1 300); do
  if stable=$($PY "$CHECK" stable $(events) --members m1,m2,m3 --partitions $P) \
     && [ "$(wc -l <"$WORK/rec-m1.txt")" -gt 2000 ] && [ "$(wc -l <"$WORK/rec-m2.txt")" -gt 2000 ] \
     && [ "$(wc -l <"$WORK/rec-m3.txt")" -gt 2000 ]; then break; fi
  stable=""
  sleep 0.2
done
[ -n "$stable" ] || gfail "3 members never shared the $P partitions (or did not consume) within 60 s"
read -r GEN GEN_TS <<<"$stable"
echo "3 members stable in generation $GEN, $((GEN_TS - T_START)) ms after the members started"

# Lag is visible while consuming.
describe "$WORK/describe-early"
read -r state members committed lag <<<"$($PY "$CHECK" describe "$WORK/describe-early")"
cat "$WORK/describe-early"
[ "$members" -eq 3 ] || gfail "describe shows $members members, expected 3"
[ "$state" = "Stable" ] || gfail "describe shows state $state, expected Stable"
[ "$lag" -gt 0 ] || gfail "expected lag > 0 while consuming, got $lag"
echo "early: state $state, $members members, $committed partitions committed, total lag $lag"
LAGS="$lag"

# kill -9 one member; the survivors take over its partitions after its session expires.
declare -A LINES=()
for m in m1 m2 m3; do LINES[$m]=$(wc -l <"$WORK/rec-$m.txt"); done
KILL_MS=$(date +%s%3N)
kill -9 "${MEMBER_PID[m2]}"
wait "${MEMBER_PID[m2]}" 2>/dev/null || true
unset 'MEMBER_PID[m2]'
GEN_AT_KILL=$($PY "$CHECK" latest-gen $(events))
echo "killed m2 (kill -9) in generation $GEN_AT_KILL after it consumed ${LINES[m2]} records"
takeover=""
for _ in $(seq 1 300); do
  if takeover=$($PY "$CHECK" stable $(events) --members m1,m3 --partitions $P --after-gen "$GEN_AT_KILL"); then break; fi
  takeover=""
  sleep 0.2
done
[ -n "$takeover" ] || gfail "survivors did not take over all $P partitions within 60 s of the kill"
read -r GEN2 GEN2_TS <<<"$takeover"
echo "TAKEOVER: m1 and m3 own all $P partitions in generation $GEN2, $((GEN2_TS - KILL_MS)) ms after kill -9" \
     "(session.timeout.ms=$SESSION_MS, heartbeat.interval.ms=500)"
describe "$WORK/describe-takeover"
read -r state members committed lag <<<"$($PY "$CHECK" describe "$WORK/describe-takeover")"
[ "$members" -eq 2 ] || gfail "describe after takeover shows $members members, expected 2"
echo "after takeover: state $state, $members members, total lag $lag"

# Consumption after the kill resumes from committed offsets (m2's partitions restart at its last commit).
$PY "$CHECK" resume --describe "$WORK/describe-early" "$WORK/rec-m1.txt:${LINES[m1]}" \
  "$WORK/rec-m3.txt:${LINES[m3]}" || gfail "consumption did not resume from committed offsets"

# Everything consumed: wait for all values, sampling the lag on the way.
LAGS="$LAGS $lag"
done_all=""
for i in $(seq 1 600); do
  if [ "$(total_lines)" -ge "$N" ] && [ "$($PY "$CHECK" seen $(records))" -eq "$N" ]; then done_all=1; break; fi
  if [ $((i % 10)) -eq 0 ]; then
    describe "$WORK/describe-run"
    LAGS="$LAGS $($PY "$CHECK" describe "$WORK/describe-run" | cut -d' ' -f4)"
  fi
  sleep 0.5
done
[ -n "$done_all" ] || gfail "not all $N values consumed within 300 s ($(total_lines) lines)"
T_ALL=$(date +%s%3N)
echo "all $N values consumed $((T_ALL - T_START)) ms after the members started"
# The last batches' commits are asynchronous: committed offsets reach the log end shortly after.
zero=""
for _ in $(seq 1 150); do
  describe "$WORK/describe-end"
  if $PY "$CHECK" lag-zero "$WORK/describe-end" --partitions $P; then zero=1; break; fi
  sleep 0.2
done
cat "$WORK/describe-end"
[ -n "$zero" ] || gfail "committed offsets did not reach the log end offsets (LAG 0) within 30 s"
LAGS="$LAGS 0"
echo "total lag over time (early, after takeover, every 5 s, end): $LAGS"

# Clean shutdown of the survivors (SIGTERM: final commit, close, LeaveGroup).
for m in m1 m3; do kill -TERM "${MEMBER_PID[$m]}"; done
for m in m1 m3; do
  rc=0
  wait "${MEMBER_PID[$m]}" || rc=$?
  unset "MEMBER_PID[$m]"
  [ "$rc" -eq 0 ] || gfail "member $m exited with $rc after SIGTERM"
  grep -q " CLOSED " "$WORK/ev-$m.log" || gfail "member $m did not close cleanly"
done
describe "$WORK/describe-final"
read -r state members committed lag <<<"$($PY "$CHECK" describe "$WORK/describe-final")"
[ "$members" -eq 0 ] || gfail "describe after shutdown shows $members members"
[ "$state" = "Empty" ] || gfail "group state after shutdown is $state, expected Empty"
$PY "$CHECK" lag-zero "$WORK/describe-final" --partitions $P || gfail "LAG not 0 after shutdown: $(cat "$WORK/describe-final")"
timeout 60 "$SAMSA" groups list $B | grep -q "^$GROUP" || gfail "groups list does not show $GROUP"

$PY "$CHECK" verify --events $(events) --records $(records) --expect "$N" --partitions $P \
  || gfail "verification of records and assignments failed"
kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died"
bounded_stop
echo "group_rdkafka: ok ($N records, 3 members, one killed, takeover $((GEN2_TS - KILL_MS)) ms, total $(( $(date +%s%3N) - T0 )) ms)"
