#!/usr/bin/env bash
# A client that pipelines 1,000 Fetch requests (about 1.8 MiB of answer each) and never reads: the broker,
# under a 1 GiB memory ceiling, must stay alive with a bounded VmHWM, keep serving other clients, and deliver
# every answer in order once the client drains (tests/e2e/never_reading_client.py). Also checks Fetch's
# max_bytes across the answer. Before the byte bounds the broker buffered every answer and died.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/memlimit_lib.sh"
PY=/usr/bin/python3
limit_broker_memory $((1024 * 1024 * 1024))
start_broker
"$SAMSA" topics create big --partitions 1 $B >/dev/null || fail "topics create big"
timeout 300 $PY "$(dirname "$0")/never_reading_client.py" "$KAFKA_PORT" "$BROKER_PID" big 1000 400 \
  || fail "never_reading_client.py reported a failure"
kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died"
stop_broker
echo "never_reading_client: ok"
