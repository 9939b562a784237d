#!/usr/bin/env bash
# Fetch v12-v16 (flexible, topic ids, fetch sessions) through @platformatic/kafka, a real client that speaks
# only the flexible versions (tests/e2e/platformatic_fetch.mjs), reading records kafka-python produced; the
# broker alive at the end.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/platformatic_lib.sh"
PY=/usr/bin/python3
install_platformatic
start_broker
"$SAMSA" topics create flex-fetch --partitions 1 $B >/dev/null || fail "topics create"
COUNT=25
timeout 60 $PY - "$KAFKA_PORT" "$COUNT" <<'PYEOF' || fail "kafka-python produce"
import sys
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers="127.0.0.1:%s" % sys.argv[1], linger_ms=0, batch_size=200)
for i in range(int(sys.argv[2])):
    p.send("flex-fetch", value=b"rec-%d" % i, partition=0)
    if i % 7 == 6:
        p.flush()  # several batches
p.flush()
p.close()
PYEOF
timeout 120 node "$(dirname "$0")/platformatic_fetch.mjs" "$KAFKA_PORT" flex-fetch "$COUNT" || fail "platformatic_fetch.mjs"
broker_alive || fail "broker died"
stop_broker
echo "platformatic fetch: ok"
