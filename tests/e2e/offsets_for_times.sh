#!/usr/bin/env bash
# ListOffsets by timestamp with real clients: 100 records one second apart in one batch; kafka-python's and
# confluent-kafka's offsets_for_times must map the 50th second to offset 50 (samsa answered 0, the batch's
# base offset, before). A batch sent without max_timestamp (-1, as Sarama 1.22 sends it) is found too, and
# ListOffsets v7 (flexible) over raw TCP answers the leader epoch and the max-timestamp (-3) record. The
# Python side is tests/e2e/offsets_for_times.py.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c 'import kafka, confluent_kafka' 2>/dev/null \
  || fail "kafka-python or confluent-kafka is missing for $PY (tools/install-deps.sh)"
start_broker
"$SAMSA" topics create times --partitions 1 $B >/dev/null || fail "topics create"
"$SAMSA" topics create sarama-times --partitions 1 $B >/dev/null || fail "topics create"
timeout 120 $PY "$(dirname "$0")/offsets_for_times.py" "$KAFKA_PORT" || fail "offsets_for_times.py"
kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died"
# The answers survive a restart (indexes read back from disk).
stop_broker
start_broker
timeout 120 $PY "$(dirname "$0")/offsets_for_times.py" "$KAFKA_PORT" --lookups-only || fail "after restart"
stop_broker
echo "offsets_for_times: ok"
