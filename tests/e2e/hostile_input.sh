#!/usr/bin/env bash
# Hostile input on the Kafka port: bad frame sizes, truncated frames, unknown APIs and versions, malformed
# bodies, corrupt and oversized record batches, abrupt resets and random garbage (fixed seeds), each on its
# own connection (tests/e2e/hostile_input.py). The broker must answer with an error or close the connection,
# never hang, never die; afterwards kcat still round-trips and the data produced before the attack is intact.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
MAX_MESSAGE_BYTES=100000
start_broker --set socket.request.max.bytes=1048576 --set message.max.bytes=$MAX_MESSAGE_BYTES --set num.partitions=2
BOOT="127.0.0.1:$KAFKA_PORT"
KCAT() { timeout 120 kcat -b "$BOOT" "$@"; }

# Data before the attack.
seq 1 2000 | awk '{ print "key" $1 "\tbefore-" $1 }' | KCAT -P -t before -K '\t' -H phase=before \
  || fail "kcat -P before the attack"
KCAT -C -t before -o beginning -e -q -f '%p %o %k %s %h\n' | sort >"$WORK/before.txt" || fail "kcat -C before"
[ "$(wc -l <"$WORK/before.txt")" -eq 2000 ] || fail "before: $(wc -l <"$WORK/before.txt") records"
"$SAMSA" topics create hostile --partitions 1 $B >/dev/null || fail "topics create hostile"

timeout 500 $PY "$(dirname "$0")/hostile_input.py" "$KAFKA_PORT" "$BROKER_PID" hostile $MAX_MESSAGE_BYTES \
  || fail "hostile_input.py reported failures"
kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died"

# Afterwards: the data from before is intact, and kcat round-trips.
KCAT -C -t before -o beginning -e -q -f '%p %o %k %s %h\n' | sort >"$WORK/before-after.txt" || fail "kcat -C after"
cmp -s "$WORK/before.txt" "$WORK/before-after.txt" || fail "data produced before the attack changed"
seq 1 1000 | awk '{ print "key" $1 "\tafter-" $1 }' | KCAT -P -t after -K '\t' || fail "kcat -P after the attack"
KCAT -C -t after -o beginning -e -q -f '%k\t%s\n' | sort >"$WORK/after.txt" || fail "kcat -C after the attack"
seq 1 1000 | awk '{ print "key" $1 "\tafter-" $1 }' | sort | cmp -s - "$WORK/after.txt" \
  || fail "kcat round-trip after the attack: $(wc -l <"$WORK/after.txt") records"
# The hostile topic holds exactly what was accepted: the control batch and the 20 pipelined ones that may or may
# not have landed before the reset, and nothing from the corrupt or oversized batches.
KCAT -C -t hostile -o beginning -e -q -f '%s\n' >"$WORK/hostile.txt" || fail "kcat -C hostile"
grep -q 'will-be-corrupted\|xxxxxxxxxx' "$WORK/hostile.txt" && fail "a rejected batch was stored"
n=$(grep -c '^hostile-control-' "$WORK/hostile.txt" || true)
[ "$n" -ge 10 ] && [ $((n % 10)) -eq 0 ] || fail "hostile topic holds $n control records"
KCAT -L -J >"$WORK/meta.json" || fail "kcat -L after the attack"
grep -q huge-topic "$WORK/meta.json" && fail "CreateTopics with 1,000,000 partitions created the topic"
echo "after the attack: 2000 earlier records intact, 1000 new records round-tripped, hostile topic has $n records"
stop_broker
echo "hostile_input: ok"
