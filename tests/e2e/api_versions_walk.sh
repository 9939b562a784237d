#!/usr/bin/env bash
# Every advertised version of the APIs issue 12 touched is served, never a closed connection: a raw client
# walks ApiVersions and sends Produce v0-2 (old message sets), Fetch v0-3, ListOffsets v0, each version of
# OffsetCommit, OffsetFetch, DescribeLogDirs, DeleteGroups, OffsetDelete, DescribeCluster, Produce v3-11,
# InitProducerId, CreateTopics and DeleteTopics a minimal valid request (tests/e2e/api_versions_walk.py),
# checking the answers (OffsetCommit to a missing topic or partition: UNKNOWN_TOPIC_OR_PARTITION; DescribeCluster's
# cluster id is the one kafka-python reads from Metadata; a keyless record to the compacted walk-compact is
# INVALID_RECORD with its record error from Produce v8). The broker keeps serving afterwards.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c 'import kafka' 2>/dev/null || fail "kafka-python is missing for $PY (tools/install-deps.sh)"
start_broker
"$SAMSA" topics create walk --partitions 2 $B >/dev/null || fail "topics create"
"$SAMSA" topics create walk-compact --partitions 1 --config cleanup.policy=compact $B >/dev/null || fail "topics create walk-compact"
seq 1 50 | "$SAMSA" produce walk --partition 0 $B >/dev/null || fail "produce"
timeout 120 $PY "$(dirname "$0")/api_versions_walk.py" "$KAFKA_PORT" >"$WORK/walk.out" 2>&1 \
  || { cat "$WORK/walk.out"; fail "api_versions_walk.py"; }
cat "$WORK/walk.out"
id=$(sed -n 's/^cluster_id=//p' "$WORK/walk.out")
meta=$(timeout 60 $PY -c '
import sys
from kafka.admin import KafkaAdminClient
a = KafkaAdminClient(bootstrap_servers="127.0.0.1:" + sys.argv[1])
print(a.describe_cluster()["cluster_id"])
a.close()' "$KAFKA_PORT") || fail "kafka-python describe_cluster"
[ "$id" = "$meta" ] || fail "DescribeCluster's cluster id $id differs from Metadata's $meta"
kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died"
echo more | "$SAMSA" produce walk $B >/dev/null || fail "produce after the walk"
stop_broker
echo "api_versions_walk: ok"
