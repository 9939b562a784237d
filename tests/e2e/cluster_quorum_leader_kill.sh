#!/usr/bin/env bash
# kill -9 of the metadata quorum's leader (the controller) while an idempotent acks=all librdkafka producer
# writes to a topic with RF 3 and min.insync.replicas=2 on 3 real nodes (issue "Replicated partitions"):
# the two survivors elect a new quorum leader in a higher term, which moves the partitions the killed node
# led to in-sync replicas; the producer carries on (nothing fails) and the time from the kill to the next
# acknowledgement, of any partition and of every partition, is printed. The killed node restarts, follows
# the new quorum leader and catches up (back in every ISR). Every acknowledged record is read back once, at
# its acknowledged offset, in order per partition, before and after its return.
# Usage: cluster_quorum_leader_kill.sh /path/to/samsa
TOPIC=events PARTITIONS=3
source "$(dirname "$0")/cluster_replication_lib.sh"

# Sessions of 60 s: the kill must be noticed through the lost connection, not the session running out.
SETS=(--set broker.session.timeout.ms=60000 --set replica.lag.time.max.ms=5000)
start_cluster "${SETS[@]}"
create_topic

agreed() { AGREED=$(agreed_leader); [ -n "$AGREED" ]; } # sets AGREED to "LEADER TERM"
wait_for 20 agreed >/dev/null || fail "no agreed quorum leader"
read -r quorum term <<<"$AGREED"
led=$(describe 1 | grep "Leader: $quorum	" | cut -d'	' -f1 | cut -d' ' -f2 | paste -sd,)
echo "quorum leader: node $quorum in term $term; it leads partitions ${led:-none} of $TOPIC"
describe 1

writer_start 14 0
sleep 4
kill_node "$quorum"
t_kill=$(now_ms)
survivor=$(( quorum % 3 + 1 ))
new_quorum() { agreed && [ "${AGREED#* }" -gt "$term" ]; }
wait_for 20 new_quorum >"$WORK/ms" || fail "no new quorum leader 20 s after killing node $quorum"
read -r quorum2 term2 <<<"$AGREED"
echo "kill -9 of node $quorum: node $quorum2 quorum leader in term $term2 after ~$(cat "$WORK/ms") ms (polled)"
moved() { local d; d=$(describe "$survivor"); [ "$(wc -l <<<"$d")" = "$PARTITIONS" ] && ! grep -q "Leader: $quorum	" <<<"$d"; }
ms=$(wait_for 20 moved) || fail "partitions still led by the killed node $quorum: $(describe "$survivor")"
echo "partitions off node $quorum after ~$ms ms (polled):"
describe "$survivor"
writer_end "during the kill"
grep -q "failed=0 " "$WORK/writer.txt" || fail "writes failed across the quorum leader's kill"
echo "from the kill to the next acknowledged write: $($CHECK resumed "$ACKED" "$t_kill")"
verify "with node $quorum down"

# -- the killed node comes back, follows the new quorum leader and catches up --------------------------------
start_node "$quorum" "${SETS[@]}"
wait_started "$quorum"
follows() { [ "$(agreed_leader)" = "$quorum2 $term2" ] && [ -n "${PID[$quorum]}" ]; }
ms=$(wait_for 30 follows) || fail "restarted node $quorum does not follow node $quorum2 (term $term2): $(status_json "$quorum")"
echo "node $quorum restarted: follows quorum leader $quorum2 in term $term2 after $ms ms"
ms=$(wait_for 30 isr_full_on "$quorum2") || fail "node $quorum did not rejoin every ISR: $(describe "$quorum2")"
echo "node $quorum in every ISR again after $ms ms"
describe "$quorum"
writer_start 3 100000
writer_end "after the restart"
grep -q "failed=0 " "$WORK/writer.txt" || fail "writes failed after the restart"
verify "after the restart"
verify "through the restarted node $quorum only" "${KAFKA[$quorum]}"
echo "PASS"
