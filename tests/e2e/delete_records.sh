#!/usr/bin/env bash
# DeleteRecords (Kafka's kafka-delete-records) and DescribeProducers: every DeleteRecords version sent raw
# (kafka-python 2.0.2 and confluent-kafka 1.7.0 have no client call for it; tests/e2e/delete_records.py), the
# low watermark answered, -1 for the high watermark, OFFSET_OUT_OF_RANGE beyond it; kafka-python consumers
# start at the new log start; it survives a restart; `samsa topics delete-records` moves it through the native
# API. DescribeProducers shows the idempotent confluent-kafka producer that wrote a partition.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c 'import kafka, confluent_kafka' 2>/dev/null || fail "kafka-python or confluent-kafka is missing for $PY"
start_broker
"$SAMSA" topics create dr --partitions 3 $B >/dev/null || fail "topics create"
"$SAMSA" topics create idem --partitions 1 $B >/dev/null || fail "topics create idem"
for p in 0 1 2; do seq 1 100 | "$SAMSA" produce dr --partition $p $B >/dev/null || fail "produce $p"; done
timeout 60 $PY -c '
import sys
from confluent_kafka import Producer
p = Producer({"bootstrap.servers": "127.0.0.1:" + sys.argv[1], "enable.idempotence": True, "linger.ms": 0})
for i in range(50):
    p.produce("idem", b"v%d" % i, partition=0)
    p.flush(10)
' "$KAFKA_PORT" || fail "idempotent producer"
timeout 120 $PY "$(dirname "$0")/delete_records.py" "$KAFKA_PORT" first || fail "delete_records.py first"
stop_broker
start_broker
timeout 120 $PY "$(dirname "$0")/delete_records.py" "$KAFKA_PORT" after || fail "delete_records.py after the restart"
run topics delete-records dr --partition 0 --before 60 $B
expect_rc 0 "topics delete-records"
[[ "$OUT" == *"low watermark 60"* ]] || fail "delete-records said: $OUT"
run topics delete-records dr --partition 0 --before 500 $B
[ "$RC" -ne 0 ] && [[ "$ERR" == *offset_out_of_range* ]] || fail "beyond the end: rc $RC, $ERR"
run topics delete-records dr --partition 9 --before 1 $B
[ "$RC" -ne 0 ] && [[ "$ERR" == *unknown_topic_or_partition* ]] || fail "unknown partition: rc $RC, $ERR"
run consume dr --partition 0 --from-beginning $B
expect_rc 0 "consume"
[ "$(echo "$OUT" | head -1)" = 61 ] || fail "partition 0 starts at '$(echo "$OUT" | head -1)', expected record 61 (offset 60)"
broker_alive || fail "broker died"
stop_broker
echo "delete_records: ok"
