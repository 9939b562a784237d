#!/usr/bin/env bash
# Replicated partitions on a 3-node cluster (issue "Replicated partitions"): a topic with replication factor 3
# and min.insync.replicas=2 takes idempotent acks=all writes from librdkafka (confluent-kafka); the followers
# replicate, so the ISR is all three. kill -9 of the node leading partition 0 while the producer writes: the
# controller elects another in-sync replica (leader epoch + 1), the producer carries on, and every acknowledged
# record is read back once, at its acknowledged offset, in order (the time without acknowledgements is
# printed). The killed node restarts, truncates what it must, catches up and is in the ISR again. With one node
# down a topic with min.insync.replicas=3 refuses acks=all with NOT_ENOUGH_REPLICAS; with two of three down
# (the metadata quorum lost too) nothing is acknowledged, and nothing acknowledged before is lost.
# Usage: cluster_replication.sh /path/to/samsa
TOPIC=events PARTITIONS=3
source "$(dirname "$0")/cluster_replication_lib.sh"

# Sessions of 60 s: a kill -9 must be noticed through the lost connection, not the session running out.
SETS=(--set broker.session.timeout.ms=60000 --set replica.lag.time.max.ms=5000)
start_cluster "${SETS[@]}"

create_topic
out=$($CHECK create "${KAFKA[1]}" strict 1 3 3)
[ "$out" = created ] || fail "create strict (RF 3, min ISR 3): $out"
describe 1

out=$($CHECK produce "$ALL" events 4 "$ACKED" 0)
echo "before any fault: $out"
grep -q "failed=0 " <<<"$out" || fail "acks=all writes failed with every node up: $out"

# -- kill -9 of partition 0's leader while writing -----------------------------------------------------------
victim=$(leader_of 1 0)
[ -n "$victim" ] && [ "$victim" -ge 1 ] || fail "no leader for events-0: $(describe 1)"
epoch0=$(epoch_of_p "$victim" 0)
survivor=$(( victim % 3 + 1 ))
writer_start 12 100000
sleep 4
kill_node "$victim"
t_kill=$(now_ms)
moved() { local l; l=$(leader_of "$survivor" 0); [ -n "$l" ] && [ "$l" != "$victim" ] && [ "$l" != "-1" ]; }
ms=$(wait_for 15 moved) || fail "events-0 still led by killed node $victim: $(describe "$survivor")"
echo "kill -9 of node $victim (leader of events-0): new leader $(leader_of "$survivor" 0) after $ms ms"
epoch1=$(epoch_of_p "$survivor" 0)
[ "$epoch1" -gt "$epoch0" ] || fail "leader epoch of events-0 did not grow ($epoch0 -> $epoch1)"
new_leader=$(leader_of "$survivor" 0)
# KIP-320: a client still naming the old epoch is told its view is stale.
ok_fenced() { [ "$($CHECK fetch_epoch "${KAFKA[$new_leader]}" events 0 "$epoch0")" = "error_code=74" ]; }
wait_for 10 ok_fenced >/dev/null \
  || fail "Fetch of events-0 at the old epoch $epoch0 from node $new_leader: $($CHECK fetch_epoch "${KAFKA[$new_leader]}" events 0 "$epoch0")"
writer_end "during the kill"

verify "through node $survivor" "${KAFKA[$survivor]}"

# -- the killed node comes back, catches up and rejoins the ISR ------------------------------------------------
start_node "$victim" "${SETS[@]}"
wait_started "$victim"
ms=$(wait_for 30 isr_full_on "$survivor") || fail "node $victim did not rejoin the ISR: $(describe "$survivor")"
echo "node $victim restarted: in every ISR again after $ms ms"
describe "$survivor"
out=$($CHECK produce "$ALL" events 3 "$ACKED" 200000)
echo "after the restart: $out"
grep -q "failed=0 " <<<"$out" || fail "acks=all writes failed after the restart: $out"

# -- one node down: a topic with min.insync.replicas=3 refuses acks=all with NOT_ENOUGH_REPLICAS --------------
last=$survivor
down1=$(( last % 3 + 1 )); down2=$(( down1 % 3 + 1 ))
kill_node "$down1"
shrunk() { ! isr_full_on "$last" && [ "$(describe "$last" | wc -l)" = 3 ]; }
wait_for 20 shrunk >/dev/null || fail "the ISR did not shrink with node $down1 down: $(describe "$last")"
out=$($CHECK produce_refused "${KAFKA[$last]}" strict 20)
echo "node $down1 down, acks=all to strict (min ISR 3) through node $last: $out"
[ "$out" = "results=NOT_ENOUGH_REPLICAS" ] || fail "acks=all with 2 in-sync replicas of 3 required: $out"

# -- two of three nodes down (the metadata quorum too): nothing is acknowledged, nothing acknowledged is lost ----
kill_node "$down2"
out=$($CHECK produce_refused "${KAFKA[$last]}" events 20)
echo "nodes $down1 and $down2 down, acks=all to events through node $last: $out"
grep -q "ok" <<<"$out" && fail "an acks=all write was acknowledged with one live replica: $out"
for i in "$down1" "$down2"; do start_node "$i" "${SETS[@]}"; done
for i in "$down1" "$down2"; do wait_started "$i"; done
wait_for 60 isr_full_on "$last" >/dev/null || fail "the ISR did not recover: $(describe "$last")"
verify "after restarting both"
echo "PASS"
