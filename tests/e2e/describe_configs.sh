#!/usr/bin/env bash
# DescribeConfigs with real clients: kafka-python's KafkaAdminClient and confluent-kafka's AdminClient describe
# a topic created with a retention.ms override (DYNAMIC_TOPIC_CONFIG; the other keys the broker's), and this
# broker (log.retention.bytes set with --set: STATIC_BROKER_CONFIG; the TLS key password flagged sensitive, never sent); an unknown topic is
# UNKNOWN_TOPIC_OR_PARTITION, another broker id INVALID_REQUEST, and v4 (flexible) works over raw TCP. The
# broker keeps serving afterwards. Before, the API was not served (Sarama's ListTopics failed on it).
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c 'import kafka, confluent_kafka' 2>/dev/null \
  || fail "kafka-python or confluent-kafka is missing for $PY (tools/install-deps.sh)"
start_broker --set log.retention.bytes=1000000
"$SAMSA" topics create cfgt --partitions 2 --config retention.ms=123456 $B >/dev/null || fail "topics create"
timeout 120 $PY "$(dirname "$0")/describe_configs.py" "$KAFKA_PORT" || fail "describe_configs.py"
kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died"
echo hello | "$SAMSA" produce cfgt $B >/dev/null || fail "produce after describe"
"$SAMSA" topics describe cfgt $B >/dev/null || fail "topics describe after describe"
stop_broker
echo "describe_configs: ok"
