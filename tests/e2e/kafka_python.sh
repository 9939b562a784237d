#!/usr/bin/env bash
# kafka-python against a real broker: admin create/list/delete, 10,000 records produced and consumed
# (assign, no group), every codec kafka-python writes stored compressed and read back by kafka-python and by
# kcat (librdkafka). The Python side is tests/e2e/kafka_python_check.py. With SAMSA_CLUSTER=1 against 3 nodes
# with replicated topics, bootstrapped from one of them (lib.sh).
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c 'import kafka, snappy, lz4.frame, zstandard' 2>/dev/null \
  || fail "kafka-python or a codec module is missing for $PY (tools/install-deps.sh)"
start_broker
timeout 400 $PY "$(dirname "$0")/kafka_python_check.py" "127.0.0.1:$KAFKA_PORT" "$DATA" "$RF" \
  || fail "kafka_python_check.py failed"
# librdkafka reads the batches kafka-python compressed.
for codec in gzip snappy lz4 zstd; do
  timeout 120 kcat -b "127.0.0.1:$KAFKA_PORT" -C -t "py-$codec" -o beginning -e -q -f '%o %k %s %h\n' \
    >"$WORK/kcat-$codec.txt" || fail "kcat -C py-$codec"
  $PY - "$WORK/kcat-$codec.txt" "$codec" <<'EOF' || fail "kcat reading kafka-python's $codec batches"
import sys
lines = open(sys.argv[1]).read().splitlines()
codec = sys.argv[2]
assert len(lines) == 2000, len(lines)
for i, l in enumerate(lines):
    want = "%d k%d %s-%06d-%s codec=%s" % (i, i % 13, codec, i, "the quick brown fox jumps over the lazy dog " * 3, codec)
    assert l == want, (i, l)
print("kcat read %d %s records written by kafka-python" % (len(lines), codec))
EOF
done
broker_alive || fail "broker died"
check_spread py-rt
stop_broker
echo "kafka_python: ok"
