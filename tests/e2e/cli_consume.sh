#!/usr/bin/env bash
# `samsa produce` and `samsa consume` as a user of kcat and Kafka's console tools reaches for them:
# - headers, a timestamp and every compression codec produced by samsa, read back by kcat (Kafka protocol)
#   and by `samsa consume --format`, the batches stored with the codec asked for;
# - --offset -N, @TIMESTAMP_MS, N, earliest;
# - --group: two runs with --max-messages 5 read records 0-4 then 5-9 (the group's commits work), the
#   committed offset shows in `samsa groups describe`; a run without a limit reads every partition and
#   stops at the end; Ctrl-C commits and leaves the group;
# - --output json with bytes that are not UTF-8, parsed by python's json module.
source "$(dirname "$0")/lib.sh"
command -v kcat >/dev/null || fail "kcat is not installed (tools/install-deps.sh)"
PY=/usr/bin/python3
start_broker --set group.initial.rebalance.delay.ms=0
S() { timeout 60 "$SAMSA" "$@"; }
KCAT() { timeout 60 kcat -b "127.0.0.1:$KAFKA_PORT" -X socket.timeout.ms=30000 "$@"; }

# --- headers, timestamp, compression ----------------------------------------------------------------------
S topics create rt --partitions 1 $B >/dev/null || fail "topics create rt"
TS=1700000000000
for c in gzip snappy lz4 zstd none; do
  printf '%s-1\n%s-2\n' "$c" "$c" | S produce rt --header "codec=$c" --header origin=cli --timestamp "$TS" \
    --compression "$c" $B 2>"$WORK/p.err" || fail "produce --compression $c: $(cat "$WORK/p.err")"
  grep -q "^produced 2 records to rt$" "$WORK/p.err" || fail "summary: $(cat "$WORK/p.err")"
done
expected=""
for c in gzip snappy lz4 zstd none; do
  expected+="codec=$c,origin=cli|$TS|$c-1"$'\n'"codec=$c,origin=cli|$TS|$c-2"$'\n'
done
KCAT -C -t rt -o beginning -e -q -f '%h|%T|%s\n' >"$WORK/kcat.out" || fail "kcat -C rt"
[ "$(cat "$WORK/kcat.out")"$'\n' = "$expected" ] || fail "kcat read: $(cat "$WORK/kcat.out")"
S consume rt --offset earliest --format '%h|%T|%s\n' $B >"$WORK/samsa.out" || fail "consume --format"
[ "$(cat "$WORK/samsa.out")"$'\n' = "$expected" ] || fail "samsa consume --format read: $(cat "$WORK/samsa.out")"
# The stored batches carry the codecs asked for (attributes bits 0-2 of each batch header).
$PY - "$DATA/rt-0/00000000000000000000.log" <<'EOF' || fail "stored codecs"
import struct, sys
b = open(sys.argv[1], "rb").read()
codecs, pos = [], 0
while pos + 61 <= len(b):
    length = struct.unpack(">i", b[pos + 8:pos + 12])[0]
    codecs.append(struct.unpack(">h", b[pos + 21:pos + 23])[0] & 7)
    pos += 12 + length
assert codecs == [1, 2, 3, 4, 0], codecs
EOF
run produce rt --compression brotli $B </dev/null
expect_rc 2 "produce --compression brotli"
[[ "$ERR" == *"none, gzip, snappy, lz4 or zstd"* ]] || fail "bad codec message: $ERR"
run produce rt --header novalue $B </dev/null
expect_rc 2 "produce --header without ="
run consume rt --format '%x' $B
expect_rc 2 "consume --format %x"
[[ "$ERR" == *"unknown field '%x'"* ]] || fail "bad format message: $ERR"
echo one | S produce rt $B 2>"$WORK/one.err" || fail "produce one"
grep -q "^produced 1 record to rt$" "$WORK/one.err" || fail "singular summary: $(cat "$WORK/one.err")"

# --- --offset -N, @TS, N ----------------------------------------------------------------------------------
S topics create off --partitions 1 $B >/dev/null || fail "topics create off"
seq 0 4 | S produce off --timestamp 1000 $B 2>/dev/null || fail "produce off 0-4"
seq 5 9 | S produce off --timestamp 2000 $B 2>/dev/null || fail "produce off 5-9"
values() { S consume off "$@" $B | tr '\n' ' '; }
[ "$(values --offset -3)" = "7 8 9 " ] || fail "--offset -3: $(values --offset -3)"
[ "$(values --offset -50)" = "0 1 2 3 4 5 6 7 8 9 " ] || fail "--offset -50: $(values --offset -50)"
[ "$(values --offset @1500)" = "5 6 7 8 9 " ] || fail "--offset @1500: $(values --offset @1500)"
[ "$(values --offset @2000)" = "5 6 7 8 9 " ] || fail "--offset @2000: $(values --offset @2000)"
[ "$(values --offset @0)" = "0 1 2 3 4 5 6 7 8 9 " ] || fail "--offset @0: $(values --offset @0)"
[ "$(values --offset @3000)" = "" ] || fail "--offset @3000: $(values --offset @3000)"
[ "$(values --offset 8)" = "8 9 " ] || fail "--offset 8: $(values --offset 8)"
[ "$(values --offset earliest --max-messages 2)" = "0 1 " ] || fail "--offset earliest --max-messages 2"
[ "$(values --from-beginning --max-messages 1)" = "0 " ] || fail "--from-beginning"
[ "$(values --offset latest)" = "" ] || fail "--offset latest: $(values --offset latest)"
[ "$(values --offset -2 --format '%o:%T:%s\n')" = "8:2000:8 9:2000:9 " ] || fail "--format %o:%T"
run consume off --offset yesterday $B
expect_rc 2 "consume --offset yesterday"
[[ "$ERR" == *"earliest, latest, N"* ]] || fail "bad offset message: $ERR"

# --- --group ---------------------------------------------------------------------------------------------
S consume off --group g --offset earliest --max-messages 5 $B >"$WORK/g1.out" 2>"$WORK/g1.err" \
  || fail "group run 1: $(cat "$WORK/g1.err")"
[ "$(tr '\n' ' ' <"$WORK/g1.out")" = "0 1 2 3 4 " ] || fail "group run 1 read: $(cat "$WORK/g1.out")"
S consume off --group g --offset earliest --max-messages 5 $B >"$WORK/g2.out" 2>"$WORK/g2.err" \
  || fail "group run 2: $(cat "$WORK/g2.err")"
[ "$(tr '\n' ' ' <"$WORK/g2.out")" = "5 6 7 8 9 " ] || fail "group run 2 read (commits of run 1 not used?): $(cat "$WORK/g2.out")"
S groups describe g $B >"$WORK/desc.out" || fail "groups describe g"
grep -Eq "^off +0 +10 +10 +0 " "$WORK/desc.out" || fail "committed offset 10 not shown: $(cat "$WORK/desc.out")"
grep -q "state Empty" "$WORK/desc.out" || fail "group g not left: $(cat "$WORK/desc.out")"
# A limit inside a batch (0-4 and 5-9 were produced as two batches): the commit is exactly what was printed.
for want in "0 1 2 " "3 4 5 " "6 7 8 "; do
  got=$(S consume off --group gc --from-beginning --max-messages 3 $B | tr '\n' ' ')
  [ "$got" = "$want" ] || fail "group gc read '$got', expected '$want'"
done
# Caught up: a run without a limit prints nothing and exits at the end of the log.
S consume off --group g $B >"$WORK/g3.out" || fail "group run 3"
[ ! -s "$WORK/g3.out" ] || fail "group run 3 re-read: $(cat "$WORK/g3.out")"
# Three partitions, no limit: every record once, then exit; the group's commits cover all of them.
S topics create wide --partitions 3 $B >/dev/null || fail "topics create wide"
seq 1 30 | awk '{print "k" $1 ":" $1}' | S produce wide --key-separator : $B 2>/dev/null || fail "produce wide"
S consume wide --group gw --from-beginning $B >"$WORK/w.out" || fail "group wide"
[ "$(sort -n "$WORK/w.out" | tr '\n' ' ')" = "$(seq 1 30 | tr '\n' ' ')" ] || fail "group wide read: $(cat "$WORK/w.out")"
S groups describe gw $B >"$WORK/gw.out" || fail "groups describe gw"
[ "$(awk '$1 == "wide" {s += $3} END {print s}' "$WORK/gw.out")" = 30 ] || fail "gw commits: $(cat "$WORK/gw.out")"
# Ctrl-C: a following member commits what it printed and leaves the group.
"$SAMSA" consume off --group gi --from-beginning --follow $B >"$WORK/gi.out" 2>"$WORK/gi.err" &
FOLLOWER=$!
for _ in $(seq 1 400); do
  [ "$(wc -l <"$WORK/gi.out")" -ge 10 ] && break
  sleep 0.05
done
[ "$(wc -l <"$WORK/gi.out")" -eq 10 ] || fail "following group member read $(wc -l <"$WORK/gi.out") records"
kill -INT "$FOLLOWER"
rc=0
wait "$FOLLOWER" || rc=$?
[ "$rc" -eq 0 ] || fail "consume --group after SIGINT: exit $rc, $(cat "$WORK/gi.err")"
S groups describe gi $B >"$WORK/gi.desc" || fail "groups describe gi"
grep -q "state Empty" "$WORK/gi.desc" || fail "group gi not left after SIGINT: $(cat "$WORK/gi.desc")"
grep -Eq "^off +0 +10 " "$WORK/gi.desc" || fail "gi did not commit 10: $(cat "$WORK/gi.desc")"
run consume off --group g --offset -3 $B
expect_rc 2 "consume --group with --offset -3"
run consume off --group g --partition 0 $B
expect_rc 2 "consume --group with --partition"

# --- --output json ----------------------------------------------------------------------------------------
S topics create js --partitions 1 $B >/dev/null || fail "topics create js"
printf 'k\001:caf\303\251 \377\376 "q" \\ end\n' | S produce js --key-separator : --header h=1 --timestamp 42 $B 2>/dev/null \
  || fail "produce js"
echo plain | S produce js $B 2>/dev/null || fail "produce js plain"
S consume js --offset earliest --output json $B >"$WORK/js.out" || fail "consume --output json"
$PY - "$WORK/js.out" <<'EOF' || fail "json output: $(cat "$WORK/js.out")"
import json, sys
lines = open(sys.argv[1], "rb").read().decode("utf-8").splitlines()
assert len(lines) == 2, lines
a, b = (json.loads(l) for l in lines)
assert a == {"topic": "js", "partition": 0, "offset": 0, "timestamp": 42, "key": "k\x01",
             "value": 'caf\u00e9 \u00ff\u00fe "q" \\ end', "headers": [{"key": "h", "value": "1"}]}, a
assert b["key"] is None and b["value"] == "plain" and b["offset"] == 1 and b["headers"] == [], b
assert b["timestamp"] > 1600000000000, b
EOF
run consume js --output json --format '%s' $B
expect_rc 2 "consume --output json --format"
stop_broker
echo "cli_consume: headers/timestamp/codecs round trip (kcat and --format), --offset -N/@TS/N, --group commits and leaves, --output json valid"
