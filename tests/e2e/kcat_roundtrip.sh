#!/usr/bin/env bash
# kcat (librdkafka) against a real broker over the Kafka protocol: metadata listing, 100,000 keyed records
# with headers produced through topic auto-creation and consumed back intact and in order per partition,
# every compression codec stored as sent and read back, and `-o -10` reading the tail of a partition.
# With SAMSA_CLUSTER=1 against 3 nodes with replicated topics, bootstrapped from one of them (lib.sh).
source "$(dirname "$0")/lib.sh"
command -v kcat >/dev/null || fail "kcat is not installed (tools/install-deps.sh)"
PY=/usr/bin/python3
start_broker --set num.partitions=4
BOOT="127.0.0.1:$KAFKA_PORT"
# Every kcat run is bounded: librdkafka retries forever on a dead broker otherwise.
KCAT() { timeout 300 kcat -b "$BOOT" -X socket.timeout.ms=30000 "$@"; }

# --- metadata on an empty broker: one broker, no topics -------------------------------------------------
KCAT -L -J >"$WORK/meta0.json" || fail "kcat -L failed"
$PY - "$WORK/meta0.json" "$KAFKA_ADDRS" "$NODE_IDS" <<'EOF' || fail "kcat -L on an empty broker"
import json, sys
m = json.load(open(sys.argv[1]))
ids = [int(i) for i in sys.argv[3].split(",")]
assert sorted(b["name"] for b in m["brokers"]) == sorted(sys.argv[2].split(",")), m["brokers"]
assert sorted(b["id"] for b in m["brokers"]) == ids and m["controllerid"] in ids, m
assert m["topics"] == [], m["topics"]
EOF

# --- 100,000 keyed records with headers, in 4 producer runs of 25,000 (kcat -H headers are per run) ------
N=100000
RUNS=4
PER=$((N / RUNS))
for r in $(seq 0 $((RUNS - 1))); do
  # line: key TAB value; value carries the global sequence number.
  $PY -c "
import sys
r, per = $r, $PER
out = sys.stdout
for i in range(r * per, (r + 1) * per):
    out.write('k%d\tv%07d-%s\n' % (i % 997, i, 'abcdefghij' * (i % 4)))
" | KCAT -P -t rt -K '\t' -H "run=$r" -H "origin=kcat-e2e" -X enable.idempotence=true \
    || fail "kcat -P run $r failed"
done

# --- kcat -L now lists the auto-created topic with num.partitions=4 --------------------------------------
KCAT -L -J -t rt >"$WORK/meta1.json" || fail "kcat -L -t rt failed"
$PY - "$WORK/meta1.json" "$NODE_IDS" <<'EOF' || fail "kcat -L after produce"
import json, sys
m = json.load(open(sys.argv[1]))
ids = [int(i) for i in sys.argv[2].split(",")]
t = [t for t in m["topics"] if t["topic"] == "rt"]
assert len(t) == 1, m["topics"]
parts = sorted(p["partition"] for p in t[0]["partitions"])
assert parts == [0, 1, 2, 3], parts
for p in t[0]["partitions"]:
    assert p["leader"] in ids, p
    assert sorted(x["id"] for x in p["replicas"]) == ids and sorted(x["id"] for x in p["isrs"]) == ids, p
EOF
check_spread rt
KCAT -L | grep -q 'topic "rt" with 4 partitions' || fail "kcat -L text output lacks the topic"

# --- consume everything back and check it -----------------------------------------------------------------
KCAT -C -t rt -o beginning -e -q -f '%p\t%o\t%k\t%s\t%h\n' >"$WORK/all.tsv" || fail "kcat -C failed"
$PY - "$WORK/all.tsv" "$N" "$PER" <<'EOF' || fail "round-trip check"
import sys
path, n, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seen = set()
by_part = {}
key_part = {}
for line in open(path):
    p, o, k, v, h = line.rstrip("\n").split("\t")
    p, o = int(p), int(o)
    assert v.startswith("v") and v[8] == "-", v
    i = int(v[1:8])
    assert v == "v%07d-%s" % (i, "abcdefghij" * (i % 4)), ("value", v)
    assert k == "k%d" % (i % 997), ("key", i, k)
    assert h == "run=%d,origin=kcat-e2e" % (i // per), ("headers", i, h)
    assert i not in seen, ("duplicate", i)
    seen.add(i)
    assert key_part.setdefault(k, p) == p, ("key on two partitions", k)
    by_part.setdefault(p, []).append((o, i))
assert len(seen) == n and min(seen) == 0 and max(seen) == n - 1, ("count", len(seen))
assert sorted(by_part) == [0, 1, 2, 3], sorted(by_part)
for p, recs in by_part.items():
    offs = [o for o, _ in recs]
    assert offs == list(range(len(recs))), ("offsets of partition", p)
    seqs = [i for _, i in recs]
    assert all(a < b for a, b in zip(seqs, seqs[1:])), ("order of partition", p)
print("kcat round-trip: %d records, per partition %s" % (len(seen), {p: len(r) for p, r in sorted(by_part.items())}))
EOF

# --- -o -10: the last ten records of each partition ---------------------------------------------------------
for p in 0 1 2 3; do
  KCAT -C -t rt -p "$p" -o -10 -e -q -f '%o\t%s\n' >"$WORK/tail$p.tsv" || fail "kcat -C -o -10 -p $p"
  awk -F'\t' -v p="$p" '$1 == p { print $2 "\t" $4 }' "$WORK/all.tsv" | tail -n 10 >"$WORK/expect$p.tsv"
  [ "$(wc -l <"$WORK/tail$p.tsv")" -eq 10 ] || fail "-o -10 on partition $p gave $(wc -l <"$WORK/tail$p.tsv") records"
  cmp -s "$WORK/tail$p.tsv" "$WORK/expect$p.tsv" || fail "-o -10 on partition $p: $(diff "$WORK/expect$p.tsv" "$WORK/tail$p.tsv" | head)"
done

# --- compression codecs: each round-trips and the broker stores the batches compressed as sent ------------
# librdkafka silently sends a batch uncompressed when it thinks the broker cannot take the codec (it judges
# from ApiVersions), so a round-trip alone proves nothing: the batches on disk must carry the codec.
uncompressed=""
for codec in gzip snappy lz4 zstd; do
  $PY -c "
for i in range(5000):
    print('c%d\t%s-%06d-%s' % (i % 13, '$codec', i, 'the quick brown fox jumps over the lazy dog ' * 3))
" >"$WORK/in-$codec.tsv"
  KCAT -P -t "z-$codec" -p 0 -K '\t' -z "$codec" -H "codec=$codec" -d msg <"$WORK/in-$codec.tsv" 2>"$WORK/p-$codec.log" \
    || fail "kcat -P -z $codec: $(tail -5 "$WORK/p-$codec.log")"
  KCAT -C -t "z-$codec" -p 0 -o beginning -e -q -f '%k\t%s\t%h\n' >"$WORK/out-$codec.tsv" || fail "kcat -C $codec"
  sed "s/\$/\tcodec=$codec/" "$WORK/in-$codec.tsv" | cmp -s - "$WORK/out-$codec.tsv" \
    || fail "$codec round-trip differs ($(wc -l <"$WORK/out-$codec.tsv") lines back)"
  # Batches on disk carry the codec in attributes bits 0-2 (gzip 1, snappy 2, lz4 3, zstd 4).
  if ! $PY - "$DATA/z-$codec-0" "$codec" <<'EOF'
import glob, struct, sys
want = {"gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}[sys.argv[2]]
batches = records = 0
codecs = set()
for seg in sorted(glob.glob(sys.argv[1] + "/*.log")):
    data = open(seg, "rb").read()
    pos = 0
    while pos + 61 <= len(data):
        length, = struct.unpack_from(">i", data, pos + 8)
        attrs, = struct.unpack_from(">h", data, pos + 21)
        count, = struct.unpack_from(">i", data, pos + 57)
        codecs.add(attrs & 7)
        batches += 1
        records += count
        pos += 12 + length
assert batches > 0 and records == 5000, (batches, records)
print("%s: %d records round-tripped, %d batches on disk with codec ids %s (want %d)"
      % (sys.argv[2], records, batches, sorted(codecs), want))
sys.exit(0 if codecs == {want} else 1)
EOF
  then
    uncompressed="$uncompressed $codec"
    grep -h 'not compressing' "$WORK/p-$codec.log" | head -1 >&2 || true
  fi
done
[ -z "$uncompressed" ] || fail "kcat -z sent uncompressed batches for:$uncompressed (librdkafka 2.0.2 decides from" \
  "the broker's ApiVersions: gzip/snappy need Produce v0 advertised, lz4 also FindCoordinator v0, zstd Produce v7 + Fetch v10)"

stop_broker
echo "kcat_roundtrip: ok"
