#!/usr/bin/env bash
# Replicated partitions under process faults (issue "Replicated partitions", the SIGSTOP and rolling-restart
# cases), 3 real nodes, a topic of 1 partition with RF 3 and min.insync.replicas=2, an idempotent acks=all
# librdkafka producer writing throughout each phase:
#   1. SIGSTOP of a follower beyond replica.lag.time.max.ms: the leader takes it out of the ISR through the
#      controller and writes go on (`topics describe --under-replicated-partitions --output json` names the
#      partition, `--unavailable-partitions` none); SIGCONT: it catches up and is back in the ISR.
#   2. SIGSTOP of the leader beyond broker.session.timeout.ms: it is fenced, another in-sync replica leads;
#      SIGCONT: the old leader acknowledges nothing as a stale leader, becomes a follower and catches up.
#   3. A rolling SIGTERM restart of every node, one after the other, each back in the ISR before the next.
#      (It found that a Metadata auto-creation attempt during a restart answered NOT_CONTROLLER, which
#      librdkafka keeps as the topic's permanent error: every later produce() failed.)
# After each phase every acknowledged record is read back once, at its offset, in order; the longest time
# without an acknowledgement while writing is printed.
# Usage: cluster_replication_faults.sh /path/to/samsa
TOPIC=paused PARTITIONS=1
source "$(dirname "$0")/cluster_replication_lib.sh"

SETS=(--set broker.session.timeout.ms=4000 --set broker.heartbeat.interval.ms=500 --set replica.lag.time.max.ms=1500)
start_cluster "${SETS[@]}"

field() { describe "$1" | grep -o "$2: [0-9,-]*" | cut -d' ' -f2; } # N FIELD
isr_size() { local isr; isr=$(field "$1" Isr); [ -n "$isr" ] && tr ',' '\n' <<<"$isr" | wc -l; }
isr_is() { [ "$(isr_size "$1")" = "$2" ]; } # N SIZE
create_topic
describe 1

# -- 1. a follower frozen beyond replica.lag.time.max.ms -----------------------------------------------------
leader=$(field 1 Leader)
follower=$(( leader % 3 + 1 ))
writer_start 12 0
sleep 2
kill -STOP "${PID[$follower]}"
ms=$(wait_for 15 isr_is "$leader" 2) || fail "the ISR kept frozen node $follower: $(describe "$leader")"
echo "1. SIGSTOP of follower $follower: out of the ISR after $ms ms: $(describe "$leader")"
# kafka-topics' filters, as JSON: the shrunk partition is under-replicated, none is unavailable.
urp() { "$SAMSA" topics describe "$@" --output json --broker "127.0.0.1:${NATIVE[$leader]}" \
  | /usr/bin/python3 -c 'import json,sys; print(" ".join("%s-%d:%d/%d" % (t["name"], p["partition"], len(p["isr"]), len(p["replicas"])) for t in json.load(sys.stdin) for p in t["partition_states"]))'; }
out=$(urp --under-replicated-partitions) || fail "topics describe --under-replicated-partitions --output json failed"
[ "$out" = "$TOPIC-0:2/3" ] || fail "under-replicated partitions with follower $follower frozen: '$out', expected $TOPIC-0:2/3"
out=$(urp --unavailable-partitions) || fail "topics describe --unavailable-partitions --output json failed"
[ -z "$out" ] || fail "unavailable partitions while the leader serves: '$out'"
echo "1. topics describe --under-replicated-partitions: $TOPIC-0 (ISR 2 of 3 replicas); --unavailable-partitions: none"
sleep 2
kill -CONT "${PID[$follower]}"
ms=$(wait_for 20 isr_is "$leader" 3) || fail "node $follower did not rejoin the ISR: $(describe "$leader")"
echo "1. SIGCONT: node $follower back in the ISR after $ms ms"
out=$(urp --under-replicated-partitions) || fail "topics describe --under-replicated-partitions --output json failed"
[ -z "$out" ] || fail "under-replicated partitions with the full ISR back: '$out'"
writer_end "1. follower paused"
verify "1. follower paused"

# -- 2. the leader frozen beyond broker.session.timeout.ms ----------------------------------------------------
leader=$(field 1 Leader)
other=$(( leader % 3 + 1 ))
epoch=$(field "$other" LeaderEpoch)
writer_start 16 100000
sleep 2
kill -STOP "${PID[$leader]}"
t0=$(now_ms)
moved() { local l; l=$(field "$other" Leader); [ -n "$l" ] && [ "$l" != "$leader" ] && [ "$l" != "-1" ]; }
ms=$(wait_for 20 moved) || fail "frozen leader $leader still leads: $(describe "$other")"
echo "2. SIGSTOP of leader $leader: node $(field "$other" Leader) leads after $ms ms ($(describe "$other"))"
sleep 3
kill -CONT "${PID[$leader]}"
ms=$(wait_for 20 isr_is "$other" 3) || fail "old leader $leader did not rejoin the ISR: $(describe "$other")"
echo "2. SIGCONT: node $leader is a follower in the ISR after $ms ms"
[ "$(field "$leader" LeaderEpoch)" -gt "$epoch" ] || fail "node $leader still describes epoch $epoch"
writer_end "2. leader paused"
verify "2. leader paused"
grep -h "stale\|truncated" "$WORK/node$leader.log" | tail -3 || true

# -- 3. rolling SIGTERM restart ------------------------------------------------------------------------------
writer_start 40 200000
for i in 1 2 3; do
  kill -TERM "${PID[$i]}"
  wait "${PID[$i]}" || true
  PID[$i]=""
  start_node "$i" "${SETS[@]}"
  wait_started "$i"
  peer=$(( i % 3 + 1 ))
  wait_for 20 isr_is "$peer" 3 >/dev/null || fail "node $i did not rejoin the ISR after its restart: $(describe "$peer")"
  echo "3. node $i restarted (SIGTERM) and back in the ISR: $(describe "$peer")"
done
writer_end "3. rolling restart"
verify "3. rolling restart"
echo "PASS"
