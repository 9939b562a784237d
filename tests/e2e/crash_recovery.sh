#!/usr/bin/env bash
# Produce 100,000 keyed records with the CLI, kill -9 the broker, restart it, consume everything:
# every acknowledged record is there, in order per partition, exactly once.
source "$(dirname "$0")/lib.sh"
N=100000
start_broker
"$SAMSA" topics create e2e --partitions 3 $B
seq 1 $N | awk '{ print "k" ($1 % 97) ":" $1 }' | "$SAMSA" produce e2e --key-separator : $B 2>"$WORK/produce.err" \
  || fail "produce failed: $(cat "$WORK/produce.err")"
grep -q "produced $N records" "$WORK/produce.err" || fail "producer did not report $N acknowledged records"
crash_broker
start_broker
"$SAMSA" consume e2e --from-beginning --print-key --print-offset --key-separator : $B >"$WORK/out" \
  || fail "consume failed"
count=$(wc -l <"$WORK/out")
[ "$count" -eq "$N" ] || fail "expected $N records after crash and restart, got $count"
unique=$(cut -d: -f4 "$WORK/out" | sort -n | uniq | wc -l)
[ "$unique" -eq "$N" ] || fail "expected $N distinct values, got $unique"
# Per partition, offsets are dense from 0; per key, values ascend (production order).
awk -F: '{ if ($2 != next_off[$1] + 0) { print "offset gap on partition " $1 " at " $2; exit 1 } next_off[$1] = $2 + 1
           if ($4 + 0 <= last[$3] + 0) { print "key " $3 " out of order"; exit 1 } last[$3] = $4 }' "$WORK/out" \
  || fail "order check"
# Keys stay on one partition (murmur2).
keyparts=$(awk -F: '{ print $3 "-" $1 }' "$WORK/out" | sort -u | wc -l)
[ "$keyparts" -eq 97 ] || fail "each of the 97 keys should map to exactly one partition, got $keyparts key/partition pairs"
# A partial read by offset.
"$SAMSA" consume e2e --partition 0 --offset 5 --max-messages 3 --print-offset $B >"$WORK/part"
[ "$(head -1 "$WORK/part" | cut -d$'\t' -f1)" = "0:5" ] || fail "--offset 5 should start at offset 5: $(head -1 "$WORK/part")"
[ "$(wc -l <"$WORK/part")" -eq 3 ] || fail "--max-messages 3"
stop_broker
echo "crash_recovery: $N records survived kill -9 and restart"
