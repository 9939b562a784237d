#!/usr/bin/env bash
# A compacted topic (cleanup.policy=compact) with a real client: kafka-python writes 30 rounds of 20 keys
# and a tombstone into small segments; the broker's compaction pass (every log.retention.check.interval.ms)
# must drop the superseded records while a reader from the beginning still ends with every key's latest
# value at its original offset and key-0 deleted. The same after a restart and after a kill -9.
# The Python side is tests/e2e/compaction.py.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
SETS=(--set log.retention.check.interval.ms=200)
start_broker "${SETS[@]}"
"$SAMSA" topics create profiles --partitions 1 --config cleanup.policy=compact --config segment.bytes=4096 \
  --config min.cleanable.dirty.ratio=0.1 $B >/dev/null || fail "topics create"
timeout 120 $PY "$(dirname "$0")/compaction.py" "$KAFKA_PORT" profiles produce || fail "produce"
for _ in $(seq 1 150); do grep -q "profiles-0: compacted" "$WORK/broker.log" && break; sleep 0.2; done
grep -q "profiles-0: compacted" "$WORK/broker.log" || fail "no compaction pass logged"
grep "profiles-0: compacted" "$WORK/broker.log" | tail -1
timeout 60 $PY "$(dirname "$0")/compaction.py" "$KAFKA_PORT" profiles check || fail "check after compaction"
stop_broker
start_broker "${SETS[@]}"
timeout 60 $PY "$(dirname "$0")/compaction.py" "$KAFKA_PORT" profiles check || fail "check after a restart"
crash_broker
start_broker "${SETS[@]}"
timeout 60 $PY "$(dirname "$0")/compaction.py" "$KAFKA_PORT" profiles check || fail "check after kill -9"
broker_alive || fail "broker died"
stop_broker
echo "compaction: ok"
