#!/usr/bin/env bash
# The admin APIs of issue 12 on a 3-node cluster (tests/e2e/cluster_admin_apis.py): DescribeCluster answers on
# every node with the brokers, controller and cluster id that node's Metadata gives (read with
# confluent-kafka); DeleteGroups, OffsetDelete and OffsetCommit sent to a node that does not coordinate the
# group are NOT_COORDINATOR, as the other group APIs; on the coordinator they work (a commit to a missing
# partition is UNKNOWN_TOPIC_OR_PARTITION); DescribeLogDirs on every node lists its replicas of a topic with
# replication factor 3, the leaders with the size of their records.
# Usage: cluster_admin_apis.sh /path/to/samsa
source "$(dirname "$0")/cluster_lib.sh"
CHECK="$PY $(dirname "$0")/cluster_topics_check.py"
export PYTHONPATH="$(dirname "$0")"
$PY -c 'import kafka, confluent_kafka' 2>/dev/null || fail "kafka-python or confluent-kafka is missing for $PY"

for i in 1 2 3; do start_node "$i" --set broker.session.timeout.ms=60000; done
for i in 1 2 3; do wait_started "$i"; done
wait_for 30 all_unfenced_everywhere >/dev/null || fail "not 3 unfenced brokers on every node 30 s after start"
out=$($CHECK create "${KAFKA[1]}" logs 3 3)
[ "$out" = created ] || fail "create logs RF 3: $out"
out=$(timeout 120 $CHECK produce "${KAFKA[2]}" logs 60)
[ "$out" = acknowledged=60 ] || fail "produce to logs: $out"
timeout 180 $PY "$(dirname "$0")/cluster_admin_apis.py" "${KAFKA[1]}" "${KAFKA[2]}" "${KAFKA[3]}" \
  || fail "cluster_admin_apis.py"
for i in 1 2 3; do kill -0 "${PID[$i]}" 2>/dev/null || fail "node $i died"; done
echo "cluster_admin_apis: ok"
