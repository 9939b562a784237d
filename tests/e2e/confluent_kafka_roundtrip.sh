#!/usr/bin/env bash
# confluent-kafka (Python on librdkafka) against a real broker: CreateTopics through its AdminClient, an
# idempotent acks=all producer writing keyed records for a few seconds, and a consumer (assign, no group)
# reading every partition back: every acknowledged record once, at the offset it was acknowledged with, in
# order per partition. The client side is cluster_replication_check.py (create, produce, verify). With
# SAMSA_CLUSTER=1 against 3 nodes with replicated topics, bootstrapped from one of them (lib.sh).
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
CHECK="$PY $(dirname "$0")/cluster_replication_check.py"
$PY -c 'import confluent_kafka' 2>/dev/null || fail "confluent-kafka is missing for $PY (tools/install-deps.sh)"
start_broker
out=$($CHECK create "$KAFKA_PORT" ck 4 "$RF")
[ "$out" = created ] || fail "create ck (4 partitions, RF $RF): $out"
ACKED="$WORK/acked.jsonl"
out=$(timeout 120 $CHECK produce "$KAFKA_PORT" ck 5 "$ACKED" 0) || fail "the producer failed"
echo "produce: $out"
grep -q "failed=0 " <<<"$out" || fail "acks=all writes failed: $out"
sent=$(grep -o "sent=[0-9]*" <<<"$out" | cut -d= -f2)
grep -q "acknowledged=$sent " <<<"$out" || fail "not every record acknowledged: $out"
out=$(timeout 120 $CHECK verify "$KAFKA_PORT" ck "$ACKED") || fail "the consumer failed"
echo "read back: $out"
grep -q "acknowledged=$sent read=$sent lost=0 moved=0 duplicates=0 out_of_order_partitions=0" <<<"$out" \
  || fail "acknowledged records: $out"
broker_alive || fail "broker died"
check_spread ck
stop_broker
echo "confluent_kafka_roundtrip: ok"
