#!/usr/bin/env bash
# Produce v9-v11, InitProducerId v5, CreateTopics v7 and DeleteTopics v6 (flexible versions) through
# @platformatic/kafka, a client that speaks only the flexible versions (tests/e2e/platformatic_producer.mjs):
# acks 1 and -1, keys and headers, a keyless record to a compacted topic refused with INVALID_RECORD and its
# record errors, deletion by topic id. The records are read back with kcat (librdkafka's Fetch), keys, values
# and headers; the broker alive at the end.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/platformatic_lib.sh"
install_platformatic
start_broker
timeout 120 node "$(dirname "$0")/platformatic_producer.mjs" "$KAFKA_PORT" flex-prod flex-prod-compact flex-prod-doomed \
  || fail "platformatic_producer.mjs"
timeout 60 kcat -C -b "127.0.0.1:$KAFKA_PORT" -t flex-prod -p 0 -o beginning -e -q -f '%o %k=%s %h\n' >"$WORK/read" \
  2>"$WORK/kcat.err" || fail "kcat: $(cat "$WORK/kcat.err")"
cat >"$WORK/want" <<'WANT'
0 k1=v1 h=k1
1 k2=v2 h=k2
2 k3=v3 h=k3
3 kv9=v9 h=kv9
4 kv10=v10 h=kv10
5 kv11=v11 h=kv11
WANT
diff "$WORK/want" "$WORK/read" || fail "records read back differ (above: want, read)"
timeout 60 kcat -C -b "127.0.0.1:$KAFKA_PORT" -t flex-prod-compact -p 0 -o beginning -e -q -f '%o %k=%s\n' >"$WORK/compact" \
  2>"$WORK/kcat.err" || fail "kcat compacted: $(cat "$WORK/kcat.err")"
[ "$(cat "$WORK/compact")" = "0 a=1" ] || fail "the compacted topic holds only the keyed record: $(cat "$WORK/compact")"
broker_alive || fail "broker died"
run topics list $B
expect_rc 0 "topics list at the end"
echo "$OUT" | grep -q flex-prod-doomed && fail "flex-prod-doomed still listed after its deletion by id"
stop_broker
echo "platformatic producer: ok"
