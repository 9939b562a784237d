#!/usr/bin/env bash
# Config changes and partition increases on a 3-node cluster: they go through the controller as config and
# partition records of the metadata log, so every node sees them. A topic with replication factor 3 is
# altered through a node that is not the active controller (`samsa topics alter --config`, then
# --delete-config): every node's `topics describe --all-configs` shows the new override as
# DYNAMIC_TOPIC_CONFIG, and the removed one back at its default. It grows from 2 to 4 partitions through
# another non-controller node (the broker hands the request to its controller, which forwards it), then to
# 5 with kafka-python's create_partitions (sent to the controller Metadata names): every node describes 5
# partitions with 3 replicas each, acks=all records go to the new partitions through any node and are read
# back; shrinking is invalid_partitions. Finally a node restarts and still has the overrides and 5 partitions.
source "$(dirname "$0")/cluster_lib.sh"
export PYTHONPATH="$(dirname "$0")"
for i in 1 2 3; do start_node "$i" --set broker.session.timeout.ms=60000; done
for i in 1 2 3; do wait_started "$i"; done
wait_for 30 all_unfenced_everywhere >/dev/null || fail "not 3 unfenced brokers on every node 30 s after start"
leader=""
for _ in $(seq 1 200); do leader=$(agreed_leader); [ -n "$leader" ] && break; sleep 0.1; done
leader=${leader%% *}
[ -n "$leader" ] || fail "no agreed quorum leader"
others=(); for i in 1 2 3; do [ "$i" != "$leader" ] && others+=("$i"); done
a=${others[0]} b=${others[1]}
BA="--broker 127.0.0.1:${NATIVE[$a]}" BB="--broker 127.0.0.1:${NATIVE[$b]}"
echo "controller: node $leader; altering through nodes $a and $b"

"$SAMSA" topics create ct --partitions 2 --replication-factor 3 --config segment.bytes=1048576 $BA >/dev/null \
  || fail "topics create"
"$SAMSA" topics alter ct --config retention.ms=4242000 --config min.insync.replicas=2 $BA >/dev/null \
  || fail "topics alter --config through node $a"
"$SAMSA" topics alter ct --delete-config segment.bytes $BA >/dev/null || fail "topics alter --delete-config"

configs_everywhere() {
  local i out
  for i in 1 2 3; do
    out=$("$SAMSA" topics describe ct --all-configs --broker "127.0.0.1:${NATIVE[$i]}" 2>/dev/null) || return 1
    grep -q "retention.ms=4242000.*source=DYNAMIC_TOPIC_CONFIG" <<<"$out" || return 1
    grep -q "min.insync.replicas=2.*source=DYNAMIC_TOPIC_CONFIG" <<<"$out" || return 1
    grep -q "segment.bytes=1073741824.*source=DEFAULT_CONFIG" <<<"$out" || return 1
  done
}
ms=$(wait_for 30 configs_everywhere) || fail "the config change did not reach every node in 30 s"
echo "config change visible on all 3 nodes after ${ms} ms"

"$SAMSA" topics alter ct --partitions 4 $BB >/dev/null || fail "topics alter --partitions 4 through node $b"
$PY - "${KAFKA[$a]}" <<'PYEOF' || fail "kafka-python create_partitions"
import sys
from kafka.admin import KafkaAdminClient, NewPartitions
a = KafkaAdminClient(bootstrap_servers="127.0.0.1:%s" % sys.argv[1])
r = a.create_partitions({"ct": NewPartitions(total_count=5)})
assert r.topic_errors[0][1] == 0, r.topic_errors
from kafka.errors import InvalidPartitionsError
try:
    a.create_partitions({"ct": NewPartitions(total_count=3)})
    raise AssertionError("shrinking to 3 accepted")
except InvalidPartitionsError:
    pass
a.close()
PYEOF
partitions_everywhere() {
  local i out
  for i in 1 2 3; do
    out=$("$SAMSA" topics describe ct --broker "127.0.0.1:${NATIVE[$i]}" 2>/dev/null) || return 1
    grep -q "PartitionCount: 5" <<<"$out" || return 1
    [ "$(grep -c "Replicas: [0-9],[0-9],[0-9]" <<<"$out")" = 5 ] || return 1
    [ "$(grep -c "Isr: [0-9],[0-9],[0-9]" <<<"$out")" = 5 ] || return 1
  done
}
ms=$(wait_for 30 partitions_everywhere) || fail "5 partitions with 3 in-sync replicas not on every node in 30 s"
echo "5 partitions on all 3 nodes after ${ms} ms"
run_shrink=0; "$SAMSA" topics alter ct --partitions 4 $BA 2>"$WORK/err" >/dev/null || run_shrink=$?
[ "$run_shrink" = 1 ] && grep -q invalid_partitions "$WORK/err" || fail "shrinking: exit $run_shrink, $(cat "$WORK/err")"

for p in 2 3 4; do
  seq 1 20 | sed "s/^/p$p-/" | timeout 60 kcat -P -b "127.0.0.1:${KAFKA[$b]}" -t ct -p "$p" -X acks=all \
    || fail "kcat produce to new partition $p"
done
for p in 2 3 4; do
  got=$(timeout 60 kcat -C -b "127.0.0.1:${KAFKA[$a]}" -t ct -p "$p" -o beginning -e -q | wc -l)
  [ "$got" = 20 ] || fail "partition $p: read $got of 20 records"
done
echo "20 acks=all records written to and read from each new partition"

# Retention lowered through a non-controller node takes effect on the live leader: old segments go.
"$SAMSA" topics create rt --partitions 1 --replication-factor 3 --config segment.bytes=1024 $BA >/dev/null \
  || fail "topics create rt"
seq 1 200 | sed 's/$/-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/' \
  | timeout 60 kcat -P -b "127.0.0.1:${KAFKA[$a]}" -t rt -p 0 -X acks=all -X linger.ms=0 -X batch.num.messages=5 \
  || fail "kcat produce to rt"
"$SAMSA" topics alter rt --config retention.bytes=2048 $BB >/dev/null || fail "topics alter rt retention.bytes"
trimmed() {
  local i
  for i in 1 2 3; do
    "$SAMSA" topics describe rt --broker "127.0.0.1:${NATIVE[$i]}" 2>/dev/null \
      | grep -q "LogStartOffset: [1-9][0-9]*.*LogEndOffset: 200" && return 0
  done
  return 1
}
ms=$(wait_for 30 trimmed) || fail "retention.bytes=2048 did not advance rt-0's log start on its leader"
echo "retention.bytes lowered through node $b: rt-0's leader deleted its old segments after ${ms} ms"

kill_node "$b"
start_node "$b" --set broker.session.timeout.ms=60000
wait_started "$b"
restarted() {
  local out
  out=$("$SAMSA" topics describe ct --all-configs $BB 2>/dev/null) || return 1
  grep -q "retention.ms=4242000.*source=DYNAMIC_TOPIC_CONFIG" <<<"$out" || return 1
  out=$("$SAMSA" topics describe ct $BB 2>/dev/null) || return 1
  grep -q "PartitionCount: 5" <<<"$out"
}
wait_for 30 restarted >/dev/null || fail "node $b lost the overrides or partitions at restart"
echo "cluster_alter_topics: ok"
