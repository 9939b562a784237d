#!/usr/bin/env bash
# AlterConfigs, IncrementalAlterConfigs and CreatePartitions with real clients on a single node
# (alter_topics.py): kafka-python 2.0.2 (KafkaAdminClient.alter_configs, create_partitions) and
# confluent-kafka 1.7.0 (AdminClient.alter_configs, create_partitions) change a topic created with small
# segments; DescribeConfigs then shows the new values as DYNAMIC_TOPIC_CONFIG; retention.bytes lowered on the
# live topic deletes its old segments at once (the log start offset advances, no restart); AlterConfigs
# replaces the whole set of overrides; IncrementalAlterConfigs v0 and v1 (flexible) over raw TCP set,
# delete, append, and refuse APPEND on a scalar key (INVALID_CONFIG); bad values INVALID_CONFIG, fewer or as
# many partitions INVALID_PARTITIONS, broker resources INVALID_REQUEST; validate_only changes nothing; the
# new partitions take records and are read back. After a restart the partitions and overrides are still
# there and the new partitions still hold their records.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c 'import kafka, confluent_kafka' 2>/dev/null \
  || fail "kafka-python or confluent-kafka is missing for $PY (tools/install-deps.sh)"
start_broker
"$SAMSA" topics create alt --partitions 2 --config segment.bytes=1024 --config retention.ms=600000 $B >/dev/null \
  || fail "topics create"
"$SAMSA" topics create alt2 --partitions 1 $B >/dev/null || fail "topics create alt2"
timeout 180 $PY "$(dirname "$0")/alter_topics.py" "$KAFKA_PORT" || fail "alter_topics.py"
broker_alive || fail "broker died"
"$SAMSA" topics describe alt $B >"$WORK/before" || fail "topics describe"
grep -q "PartitionCount: 6" "$WORK/before" || fail "alt should have 6 partitions: $(cat "$WORK/before")"
stop_broker
start_broker
"$SAMSA" topics describe alt $B >"$WORK/after" || fail "topics describe after restart"
grep -q "PartitionCount: 6" "$WORK/after" || fail "alt lost its partitions at restart: $(cat "$WORK/after")"
grep -q "retention.bytes=2048" "$WORK/after" || fail "alt lost its overrides at restart: $(cat "$WORK/after")"
timeout 60 $PY "$(dirname "$0")/alter_topics.py" "$KAFKA_PORT" after-restart || fail "alter_topics.py after-restart"
stop_broker
echo "alter_topics: ok"
