#!/usr/bin/env bash
# Damage to old segments costs only the damaged batches. Produce 20,000 records in batches of 50 into
# small segments, stop the broker cleanly, cut 100 bytes off the first segment and flip a record byte
# in the middle of the third, restart: the open repairs the first (its last batch is lost, the later
# segments stay), the scrubber finds the flipped batch and drops it; a consumer reads everything else
# and the broker's stderr names both damaged files and offset ranges. (Before this was fixed, the
# damaged first segment made the open delete every later segment: about 4,851 of 20,000 were left.)
source "$(dirname "$0")/lib.sh"
N=20000
BATCH=50
start_broker
"$SAMSA" topics create dmg --partitions 1 --config segment.bytes=40000 $B
seq 1 $N | "$SAMSA" produce dmg --batch-records $BATCH --linger-ms 10000 $B 2>"$WORK/produce.err" \
  || fail "produce failed: $(cat "$WORK/produce.err")"
grep -q "produced $N records" "$WORK/produce.err" || fail "producer did not report $N acknowledged records"
stop_broker

DIR="$WORK/data/dmg-0"
mapfile -t SEGS < <(ls "$DIR"/*.log | sort)
[ "${#SEGS[@]}" -ge 5 ] || fail "expected at least 5 segments, got ${#SEGS[@]}"
FIRST=${SEGS[0]}
THIRD=${SEGS[2]}
truncate -s -100 "$FIRST"
# Flip one bit in a record of the batch in the middle of the third segment (inside the CRC range).
/usr/bin/python3 - "$THIRD" <<'PY' || fail "could not flip a byte"
import struct, sys
path = sys.argv[1]
data = bytearray(open(path, 'rb').read())
starts, pos = [], 0
while pos + 61 <= len(data):
    starts.append(pos)
    pos += 12 + struct.unpack('>i', data[pos + 8:pos + 12])[0]
victim = starts[len(starts) // 2] + 70
data[victim] ^= 0x10
open(path, 'wb').write(data)
PY

start_broker
# The scrubber checks closed segments from the start (first slice about a second after start).
for _ in $(seq 1 100); do
  grep -q "$(basename "$THIRD"): damaged batch at byte .*found by the scrubber" "$WORK/broker.log" && break
  sleep 0.1
done
grep -E "$(basename "$FIRST"): damaged batch at byte [0-9]+ \(offsets [0-9]+\.\.[0-9]+ lost: torn batch.*found at open\); segment cut there, later segments kept" \
  "$WORK/broker.log" >/dev/null || fail "no damage report for the cut first segment"
grep -E "$(basename "$THIRD"): damaged batch at byte [0-9]+ \(offsets [0-9]+\.\.[0-9]+ lost: bad CRC.*found by the scrubber\); skipped, later batches kept" \
  "$WORK/broker.log" >/dev/null || fail "no scrubber report for the flipped byte"

"$SAMSA" consume dmg --from-beginning --print-offset $B >"$WORK/out" 2>"$WORK/consume.err" \
  || fail "consume failed: $(cat "$WORK/consume.err")"
count=$(wc -l <"$WORK/out")
lost=$((N - count))
# Exactly the two damaged batches are gone, nothing else.
[ "$lost" -eq $((2 * BATCH)) ] || fail "expected to lose $((2 * BATCH)) records (two damaged batches), lost $lost"
unique=$(cut -f2 "$WORK/out" | sort -n | uniq | wc -l)
[ "$unique" -eq "$count" ] || fail "duplicate values: $unique distinct of $count"
# Every value is served at its own offset (value v was produced at offset v - 1): no shifted batch.
awk -F'\t' '{ split($1, a, ":"); if (a[2] + 1 != $2) { print "offset " a[2] " holds value " $2; exit 1 } }' "$WORK/out" \
  || fail "a record was served at the wrong offset"
"$SAMSA" topics describe dmg $B | grep -q "DamagedRegions: 2" || fail "describe should count 2 damaged regions: $("$SAMSA" topics describe dmg $B)"
stop_broker
echo "storage_damage: $count of $N records kept after damaging two segments (lost $lost: the two damaged batches)"
