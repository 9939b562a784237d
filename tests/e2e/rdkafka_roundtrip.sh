#!/usr/bin/env bash
# librdkafka (C++) against a real broker: CreateTopics, 1,000,000 records from an idempotent acks=all
# producer read back by an assign()-ing consumer (none missing, none duplicated, per-partition order), and
# keyed records with partitioner=murmur2_random landing where Java's client would put them. The checks live
# in tests/clients/rdkafka_roundtrip.cpp; ctest passes its path in SAMSA_RDKAFKA_ROUNDTRIP.
# With SAMSA_CLUSTER=1 against 3 nodes with replicated topics, bootstrapped from one of them (lib.sh).
source "$(dirname "$0")/lib.sh"
CLIENT=${SAMSA_RDKAFKA_ROUNDTRIP:-$(dirname "$SAMSA")/tests/rdkafka_roundtrip}
[ -x "$CLIENT" ] || fail "rdkafka_roundtrip not built ($CLIENT); librdkafka-dev missing? (tools/install-deps.sh)"
RECORDS=${SAMSA_RDKAFKA_RECORDS:-1000000}
start_broker
# Bounded: the program's own waits are bounded too, this is the backstop.
rc=0
timeout 540 "$CLIENT" "127.0.0.1:$KAFKA_PORT" "$RECORDS" rt || rc=$?
[ "$rc" -eq 0 ] || fail "rdkafka_roundtrip exited with $rc"
broker_alive || fail "broker died"
check_spread rt-seq rt-keyed
# The broker's native API agrees on the topic, and the batches on disk prove the producer really was
# idempotent: a producer id, and per partition base sequences that continue exactly where the last batch ended.
"$SAMSA" topics describe rt-seq $B >"$WORK/describe" || fail "describe rt-seq"
grep -q 'rt-seq' "$WORK/describe" || fail "describe: $(cat "$WORK/describe")"
/usr/bin/python3 - "$DATA" "$RECORDS" <<'EOF' || fail "idempotent batches on disk"
import glob, struct, sys
total = 0
pids = set()
for p in range(6):
    seq = 0
    for seg in sorted(glob.glob("%s/rt-seq-%d/*.log" % (sys.argv[1], p))):
        data = open(seg, "rb").read()
        pos = 0
        while pos + 61 <= len(data):
            length, = struct.unpack_from(">i", data, pos + 8)
            pid, epoch, base_seq, count = struct.unpack_from(">qhii", data, pos + 43)
            assert pid >= 0 and epoch >= 0, ("not idempotent", p, pid, epoch)
            assert base_seq == seq, ("partition", p, "base_sequence", base_seq, "expected", seq)
            pids.add(pid)
            seq += count
            pos += 12 + length
    total += seq
assert total == int(sys.argv[2]), (total, sys.argv[2])
assert len(pids) == 1, pids
print("on disk: %d records in idempotent batches of producer id %d, sequences contiguous" % (total, pids.pop()))
EOF
stop_broker
echo "rdkafka_roundtrip: ok"
