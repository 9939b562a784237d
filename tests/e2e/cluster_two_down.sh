#!/usr/bin/env bash
# Two of three nodes down (issue "Replicated partitions"): 3 real nodes, a topic with RF 3 and
# min.insync.replicas=2, an idempotent acks=all librdkafka producer writing throughout. kill -9 of both
# followers of partition 0: the metadata quorum loses its majority too, so partition 0's leader stays
# leader in its last image (expected), but no acks=all write may be acknowledged while only one replica
# lives. Checked two ways: a fresh idempotent acks=all producer through the surviving node gets only
# errors (NOT_ENOUGH_REPLICAS or time-outs), and the running producer is acknowledged nothing it produced
# after the kill until the nodes are back. Both restart; writes resume (the time from the restart to the
# next acknowledgement is printed) and every acknowledged record is read back once, at its acknowledged
# offset, in order per partition.
# Usage: cluster_two_down.sh /path/to/samsa
TOPIC=events PARTITIONS=3
source "$(dirname "$0")/cluster_replication_lib.sh"

SETS=(--set broker.session.timeout.ms=60000 --set replica.lag.time.max.ms=5000)
start_cluster "${SETS[@]}"
create_topic
describe 1

leader=$(leader_of 1 0)
[ -n "$leader" ] && [ "$leader" -ge 1 ] || fail "no leader for $TOPIC-0: $(describe 1)"
f1=$(( leader % 3 + 1 )); f2=$(( f1 % 3 + 1 ))
writer_start 35 0
sleep 4
kill -9 "${PID[$f1]}" "${PID[$f2]}"
kill_node "$f1"; kill_node "$f2"
t_down=$(now_ms)
echo "kill -9 of nodes $f1 and $f2 (the followers of $TOPIC-0); node $leader alone: $(describe "$leader" | head -1)"

# A fresh idempotent acks=all producer through the survivor, each record given up after 5 s. Its records
# may be in the log all the same, even several times (librdkafka bumps the producer epoch after a time-out
# and sends what it still holds again, now at sequence 0 of the new epoch), so they carry a prefix that
# the read-back check skips: it counts the acknowledged records of the running producer.
out=$($CHECK produce "${KAFKA[$leader]}" "$TOPIC" 4 "$WORK/refused.jsonl" 0 5000 refused-)
echo "two nodes down, a new producer through node $leader: $out"
grep -q "acknowledged=0 " <<<"$out" || fail "acks=all writes acknowledged with one live replica of 3: $out"
grep -q "failed=0 " <<<"$out" && fail "no error reported to the producer with two nodes down: $out"
sleep 2

t_up=$(now_ms)
for i in "$f1" "$f2"; do start_node "$i" "${SETS[@]}"; done
for i in "$f1" "$f2"; do wait_started "$i"; done
ms=$(wait_for 60 isr_full_on "$leader") || fail "the ISR did not recover: $(describe "$leader")"
echo "nodes $f1 and $f2 restarted: every ISR full again after $ms ms"
describe "$leader"
writer_end "the running producer"
out=$($CHECK acked_during "$ACKED" "$t_down" "$t_up")
echo "records produced after the kill and acknowledged while two nodes were down: $out"
[ "$out" = acknowledged=0 ] || fail "the running producer was acknowledged writes with one live replica of 3: $out"
echo "from the restart to the next acknowledged write: $($CHECK resumed "$ACKED" "$t_up")"
verify "after restarting both"
echo "PASS"
