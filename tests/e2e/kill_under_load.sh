#!/usr/bin/env bash
# kill -9 under load: a kafka-python producer (acks=all) writes continuously while the broker is killed
# and restarted three times and frozen once (SIGSTOP for 2 s, then SIGCONT); afterwards every acknowledged value is in the log (duplicates are allowed:
# kafka-python 2.0.2 has no idempotence, so a retry after a kill may store a value twice).
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
start_broker
"$SAMSA" topics create load --partitions 3 $B >/dev/null || fail "topics create"
cat >"$WORK/producer.py" <<'PYEOF'
import sys, time, threading
from kafka import KafkaProducer
port, seconds, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
acked, failed = [], []
lock = threading.Lock()
p = KafkaProducer(bootstrap_servers="127.0.0.1:" + port, acks="all", retries=1000, linger_ms=5,
                  retry_backoff_ms=100, request_timeout_ms=3000, reconnect_backoff_max_ms=200,
                  max_block_ms=2000, api_version=(2, 5, 0))
def ok(v):
    def f(_):
        with lock: acked.append(v)
    return f
def bad(v):
    def f(_):
        with lock: failed.append(v)
    return f
end = time.time() + seconds
i = 0
while time.time() < end:
    v = b"v%08d" % i
    try:
        p.send("load", v).add_callback(ok(v)).add_errback(bad(v))
    except Exception:
        failed.append(v)
    i += 1
    if i % 200 == 0:
        time.sleep(0.01)
p.flush(timeout=60)
p.close(timeout=10)
with open(out, "w") as f:
    for v in acked:
        f.write(v.decode() + "\n")
print("sent %d acked %d failed %d" % (i, len(acked), len(failed)))
PYEOF
timeout 120 $PY "$WORK/producer.py" "$KAFKA_PORT" 11 "$WORK/acked" >"$WORK/producer.out" 2>&1 &
PRODUCER=$!
for _ in 1 2 3; do
  sleep 1.5
  crash_broker
  sleep 0.3
  start_broker
done
sleep 1
kill -STOP "$BROKER_PID"
sleep 2
kill -CONT "$BROKER_PID"
wait "$PRODUCER" || fail "producer failed: $(tail -5 "$WORK/producer.out")"
acked=$(wc -l <"$WORK/acked")
[ "$acked" -gt 1000 ] || fail "too few acknowledged records to mean anything ($acked): $(cat "$WORK/producer.out")"
"$SAMSA" consume load --from-beginning $B | sort -u >"$WORK/stored"
sort -u "$WORK/acked" >"$WORK/acked.sorted"
lost=$(comm -23 "$WORK/acked.sorted" "$WORK/stored" | wc -l)
[ "$lost" -eq 0 ] || fail "$lost acknowledged records lost across kill -9 (e.g. $(comm -23 "$WORK/acked.sorted" "$WORK/stored" | head -3 | tr '\n' ' '))"
stop_broker
echo "kill_under_load: $(cat "$WORK/producer.out"); 3 kills and a 2 s SIGSTOP; 0 of $acked acknowledged records lost"
