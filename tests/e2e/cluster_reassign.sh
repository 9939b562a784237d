#!/usr/bin/env bash
# Partition reassignment on a 4-node cluster (issue #10 item 6): a partition with replication factor 3 moves
# from nodes {1,2,3} to {2,3,4} while an idempotent acks=all librdkafka producer writes to it. Node 4 gets a
# new replica that catches up as a follower; once it is in the ISR the controller switches the replicas to
# the target, the removed leader (node 1) hands over, and node 1 deletes its copy. Every acknowledged record
# is read back once, at its offset, from the new replicas, and Metadata shows them. Before that, the Kafka
# APIs 45/46 (raw requests) and the CLI: Kafka's error codes, a move onto a stopped node listed while it
# cannot complete, cancelled, a second cancel refused.
# Usage: cluster_reassign.sh /path/to/samsa
NODES=4
source "$(dirname "$0")/cluster_lib.sh"
CHECK="$PY $(dirname "$0")/cluster_replication_check.py"
RCHECK="$PY $(dirname "$0")/cluster_reassign_check.py"
export PYTHONPATH="$(dirname "$0")"

for i in 1 2 3 4; do start_node "$i"; done
for i in 1 2 3 4; do wait_started "$i"; done
wait_for 30 all_unfenced_everywhere >/dev/null || fail "not 4 unfenced brokers on every node 30 s after start"

describe() { # N TOPIC: the partition lines as node N describes them
  "$SAMSA" topics describe "$2" --broker "127.0.0.1:${NATIVE[$1]}" 2>/dev/null \
    | grep -o "Partition: [0-9]*	Leader: [0-9-]*	LeaderEpoch: [0-9]*	Replicas: [0-9,]*	Isr: [0-9,]*" || true
}
cli() { # N ARGS...: samsa ARGS against node N
  local i=$1; shift
  "$SAMSA" "$@" --broker "127.0.0.1:${NATIVE[$i]}"
}
sorted_ids() { tr ',' '\n' <<<"$1" | sort -n | paste -sd,; }
# TOPIC REPLICAS (in order): node 1 describes partition 0 on exactly these replicas, all in sync, nothing moving.
settled() {
  local d; d=$(describe 1 "$1")
  grep -q "Replicas: $2	Isr: [0-9,]*$" <<<"$d" && [ "$(sorted_ids "$(grep -o 'Isr: [0-9,]*' <<<"$d" | cut -d' ' -f2)")" = "$(sorted_ids "$2")" ] \
    && [ -z "$(cli 1 topics reassignments "$1")" ]
}
leader_of() { describe 1 "$1" | grep -o "Leader: [0-9-]*" | cut -d' ' -f2; }

# -- the APIs and the CLI: a move that cannot complete while its new replica's node is stopped -----------------
cli 1 topics create apis --partitions 1 --replication-factor 1 >/dev/null || fail "create apis"
led() { local l; l=$(leader_of "$1"); [ -n "$l" ] && [ "$l" != -1 ]; }
wait_for 10 led apis >/dev/null || fail "apis-0 has no leader: $(describe 1 apis)"
qleader=$(agreed_leader | cut -d' ' -f1)
stopped=""
for s in 4 3 2; do [ "$s" != "$qleader" ] && { stopped=$s; break; }; done
current=$(describe 1 apis | grep -o "Replicas: [0-9]*" | cut -d' ' -f2)
other=""
for o in 1 2 3 4; do [ "$o" != "$stopped" ] && [ "$o" != "$current" ] && { other=$o; break; }; done
kill -STOP "${PID[$stopped]}"
out=$($RCHECK apis "${KAFKA[1]}" apis "$stopped" "$other") || { kill -CONT "${PID[$stopped]}"; fail "APIs 45/46: $out"; }
echo "$out"
out=$(cli 1 topics reassign apis --partition 0 --replicas "$stopped,$other") || { kill -CONT "${PID[$stopped]}"; fail "CLI reassign: $out"; }
echo "$out"
listed=$(cli 1 topics reassignments)
echo "$listed"
grep -q "Topic: apis	Partition: 0	Replicas: $stopped,$other" <<<"$listed" || { kill -CONT "${PID[$stopped]}"; fail "CLI list: $listed"; }
cli 1 topics reassign apis --partition 0 --cancel || { kill -CONT "${PID[$stopped]}"; fail "CLI cancel"; }
kill -CONT "${PID[$stopped]}"
if out=$(cli 1 topics reassign apis --partition 0 --cancel 2>&1); then fail "a second cancel succeeded: $out"; fi
grep -q no_reassignment_in_progress <<<"$out" || fail "second cancel: $out"
echo "CLI: reassign, reassignments, cancel; a second cancel refused ($out)"
if out=$(cli 1 topics reassign apis --partition 0 --replicas 1,9 2>&1); then fail "CLI: broker 9 accepted: $out"; fi
grep -q invalid_replica_assignment <<<"$out" || fail "CLI: an unknown broker id: $out"
wait_for 30 all_unfenced_everywhere >/dev/null || fail "node $stopped not unfenced after SIGCONT"

# -- the move under an acks=all producer -------------------------------------------------------------------------
out=$($CHECK create "${KAFKA[1]}" moves 1 3 2)
[ "$out" = created ] || fail "create moves (RF 3, min ISR 2): $out"
# Wherever it was placed: first onto node 1 alone, then onto 1,2,3, so node 1 leads.
cli 1 topics reassign moves --partition 0 --replicas 1 >/dev/null || fail "reassign moves to 1"
wait_for 30 settled moves 1 >/dev/null || fail "moves-0 not on node 1 alone: $(describe 1 moves)"
cli 1 topics reassign moves --partition 0 --replicas 1,2,3 >/dev/null || fail "reassign moves to 1,2,3"
wait_for 30 settled moves 1,2,3 >/dev/null || fail "moves-0 not on 1,2,3: $(describe 1 moves)"
[ "$(leader_of moves)" = 1 ] || fail "node 1 does not lead moves-0: $(describe 1 moves)"
[ -d "$WORK/data1/moves-0" ] || fail "node 1 has no directory for moves-0"
echo "before: $(describe 1 moves)"

ACKED="$WORK/acked.jsonl"
ALL="${KAFKA[1]},${KAFKA[2]},${KAFKA[3]},${KAFKA[4]}"
$CHECK produce "$ALL" moves 10 "$ACKED" 0 >"$WORK/during.txt" &
writer=$!
sleep 3
t0=$(now_ms)
cli 1 topics reassign moves --partition 0 --replicas 2,3,4 || fail "reassign moves to 2,3,4"
ms=$(wait_for 60 settled moves 2,3,4) || fail "moves-0 did not complete the move: $(describe 1 moves); $(cli 1 topics reassignments)"
echo "moved to 2,3,4 in $(( $(now_ms) - t0 )) ms: $(describe 1 moves)"
gone() { ! ls -d "$WORK/data1/"moves-0* >/dev/null 2>&1; }
wait_for 20 gone >/dev/null || fail "node 1 still holds $(ls -d "$WORK/data1/"moves-0*)"
grep -q "moves-0 was reassigned away" "$WORK/node1.log" || fail "node 1 did not log the removal"
wait "$writer" || fail "the producer failed"
echo "producer during the move: $(cat "$WORK/during.txt")"
grep -q "failed=0 " "$WORK/during.txt" || fail "writes failed during the move: $(cat "$WORK/during.txt")"
grep -q "acknowledged=0 " "$WORK/during.txt" && fail "nothing acknowledged"

out=$($CHECK verify "${KAFKA[2]},${KAFKA[3]},${KAFKA[4]}" moves "$ACKED")
echo "read back through nodes 2,3,4: $out"
grep -q "lost=0 moved=0 duplicates=0 out_of_order_partitions=0" <<<"$out" || fail "acknowledged records: $out"
md=$($RCHECK replicas "${KAFKA[3]}" moves)
echo "Metadata from node 3: $md"
[ "$md" = "0:$(grep -o 'Replicas: [0-9,]*' <<<"$(describe 3 moves)" | cut -d' ' -f2):2,3,4" ] || fail "Metadata: $md"
grep -q "0:2,3,4:" <<<"$md" || fail "Metadata replicas: $md"
echo "OK"
