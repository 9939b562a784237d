"""kafka-python against a running samsa broker (run with /usr/bin/python3: only it has kafka-python).

    kafka_python_check.py BOOTSTRAP DATA_DIR [REPLICATION_FACTOR]

1. KafkaAdminClient: list_topics, create_topics, list_topics, delete_topics, list_topics.
2. KafkaProducer (acks=all) sends 10,000 keyed records with headers; KafkaConsumer with assign() and no group
   reads them back: every key/value/header intact, each at the partition and offset the producer's future
   returned, offsets contiguous per partition, production order kept per partition.
3. Every codec kafka-python can write (gzip, snappy, lz4, zstd): the records round-trip and the batches on
   disk carry the codec (the broker stores compressed batches as sent). The shell script then reads these
   topics with kcat too (librdkafka decompressing what kafka-python compressed).

Every wait is bounded; exits non-zero on any mismatch.
"""
import glob
import struct
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

BOOT = sys.argv[1]
DATA = sys.argv[2]
RF = int(sys.argv[3]) if len(sys.argv) > 3 else 1  # of the topics created; DATA holds a replica of each
N = 10000
PARTITIONS = 3
CODECS = {"gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
CODEC_RECORDS = 2000


def check(ok, what):
    if not ok:
        print("MISMATCH:", what, file=sys.stderr)
        sys.exit(1)


def wait_for(pred, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.2)
    check(False, "timed out waiting for " + what)


def consume(topic, partitions, expected):
    """Reads `expected` records from all partitions of `topic` from the beginning (assign, no group)."""
    c = KafkaConsumer(bootstrap_servers=BOOT, group_id=None, enable_auto_commit=False,
                      auto_offset_reset="earliest", consumer_timeout_ms=1000, request_timeout_ms=30000)
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    c.assign(tps)
    c.seek_to_beginning(*tps)
    out = []
    deadline = time.monotonic() + 120
    while len(out) < expected and time.monotonic() < deadline:
        for batch in c.poll(timeout_ms=1000, max_records=5000).values():
            out.extend(batch)
    end = c.end_offsets(tps)
    c.close()
    check(len(out) == expected, "%s: consumed %d records, expected %d" % (topic, len(out), expected))
    check(sum(end.values()) == expected, "%s: end offsets %s" % (topic, end))
    return out


def segment_codecs(topic, partitions):
    codecs, batches, records = set(), 0, 0
    for p in range(partitions):
        for seg in sorted(glob.glob("%s/%s-%d/*.log" % (DATA, topic, p))):
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
    return codecs, batches, records


def admin():
    a = KafkaAdminClient(bootstrap_servers=BOOT, request_timeout_ms=30000)
    before = set(a.list_topics())
    check("py-admin" not in before, "py-admin exists before creation: %s" % before)
    a.create_topics([NewTopic("py-admin", num_partitions=5, replication_factor=RF)], timeout_ms=30000)
    wait_for(lambda: "py-admin" in set(a.list_topics()), "py-admin in list_topics")
    desc = a.describe_topics(["py-admin"])
    check(len(desc) == 1 and len(desc[0]["partitions"]) == 5 and desc[0]["error_code"] == 0,
          "describe_topics py-admin: %s" % desc)
    a.delete_topics(["py-admin"], timeout_ms=30000)
    wait_for(lambda: "py-admin" not in set(a.list_topics()), "py-admin gone from list_topics")
    # The topics used below, created through the admin API as well.
    a.create_topics([NewTopic("py-rt", num_partitions=PARTITIONS, replication_factor=RF)] +
                    [NewTopic("py-" + c, num_partitions=1, replication_factor=RF) for c in CODECS],
                    timeout_ms=30000)
    after = set(a.list_topics())
    check({"py-rt"} | {"py-" + c for c in CODECS} <= after, "topics after create: %s" % after)
    a.close()
    print("admin: list_topics before %d topics, created and deleted py-admin (5 partitions), %d topics after"
          % (len(before), len(after)))


def roundtrip():
    p = KafkaProducer(bootstrap_servers=BOOT, acks="all", linger_ms=5, request_timeout_ms=30000,
                      max_in_flight_requests_per_connection=1, retries=5)
    futures = []
    for i in range(N):
        key = b"key-%d" % (i % 101)
        value = b"value-%06d-" % i + b"x" * (i % 50)
        headers = [("seq", b"%d" % i), ("origin", b"kafka-python")]
        if i % 7 == 0:
            headers.append(("empty", b""))
        futures.append(p.send("py-rt", key=key, value=value, headers=headers))
    p.flush(timeout=120)
    meta = [f.get(timeout=60) for f in futures]
    p.close()
    per_part = {}
    for i, m in enumerate(meta):
        per_part.setdefault(m.partition, []).append((m.offset, i))
    for part, lst in per_part.items():
        check([o for o, _ in lst] == list(range(len(lst))), "producer offsets of partition %d not contiguous" % part)

    records = consume("py-rt", PARTITIONS, N)
    where = {(m.partition, m.offset): i for i, m in enumerate(meta)}
    last = {}
    seen = set()
    for r in records:
        i = int(r.value[6:12])
        check(i not in seen, "duplicate %d" % i)
        seen.add(i)
        check(where.get((r.partition, r.offset)) == i,
              "record %d found at %d/%d, producer said %d/%d" % (i, r.partition, r.offset, meta[i].partition,
                                                                meta[i].offset))
        check(r.key == b"key-%d" % (i % 101), "key of %d: %r" % (i, r.key))
        check(r.value == b"value-%06d-" % i + b"x" * (i % 50), "value of %d: %r" % (i, r.value))
        want = [("seq", b"%d" % i), ("origin", b"kafka-python")] + ([("empty", b"")] if i % 7 == 0 else [])
        check(list(r.headers) == want, "headers of %d: %r" % (i, r.headers))
        check(r.offset > last.get(r.partition, -1), "order on partition %d" % r.partition)
        last[r.partition] = r.offset
    check(len(seen) == N, "distinct records %d" % len(seen))
    print("kafka-python round-trip: %d records produced and consumed, per partition %s"
          % (N, {k: len(v) for k, v in sorted(per_part.items())}))


def codecs():
    for codec, want in CODECS.items():
        topic = "py-" + codec
        p = KafkaProducer(bootstrap_servers=BOOT, acks="all", compression_type=codec, linger_ms=20,
                          batch_size=256 * 1024, request_timeout_ms=30000)
        for i in range(CODEC_RECORDS):
            p.send(topic, key=b"k%d" % (i % 13),
                   value=b"%s-%06d-" % (codec.encode(), i) + b"the quick brown fox jumps over the lazy dog " * 3,
                   headers=[("codec", codec.encode())])
        p.flush(timeout=120)
        p.close()
        records = consume(topic, 1, CODEC_RECORDS)
        for i, r in enumerate(records):
            check(r.offset == i and r.key == b"k%d" % (i % 13) and
                  r.value == b"%s-%06d-" % (codec.encode(), i) + b"the quick brown fox jumps over the lazy dog " * 3
                  and list(r.headers) == [("codec", codec.encode())], "%s record %d: %r" % (codec, i, r))
        found, batches, n = segment_codecs(topic, 1)
        check(found == {want} and n == CODEC_RECORDS,
              "%s: batches on disk have codecs %s, %d records (want codec %d)" % (codec, found, n, want))
        print("%s: %d records round-tripped through kafka-python, %d compressed batches on disk"
              % (codec, CODEC_RECORDS, batches))


admin()
roundtrip()
codecs()
print("kafka_python_check: ok")
