"""Compacted topic with kafka-python (tests/e2e/compaction.sh): produce / read back."""
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

KEYS, ROUNDS = 20, 30


def produce(port, topic):
    p = KafkaProducer(bootstrap_servers=f"127.0.0.1:{port}", acks="all", linger_ms=0)
    for r in range(ROUNDS):
        for k in range(KEYS):
            p.send(topic, key=b"key-%d" % k, value=b"value-%d-%d" % (k, r) + b"x" * 40).get(timeout=30)
    # key-0 deleted: a tombstone
    p.send(topic, key=b"key-0", value=None).get(timeout=30)
    p.flush()
    p.close()
    print(f"produced {KEYS * ROUNDS + 1} records")


def read_all(port, topic):
    c = KafkaConsumer(bootstrap_servers=f"127.0.0.1:{port}", enable_auto_commit=False,
                      consumer_timeout_ms=3000)
    tp = TopicPartition(topic, 0)
    c.assign([tp])
    c.seek_to_beginning(tp)
    end = c.end_offsets([tp])[tp]
    out = []
    deadline = time.time() + 30
    # Until the consumer's position passes the log end (the last records may be gaps no longer there).
    while c.position(tp) < end and time.time() < deadline:
        for m in c.poll(timeout_ms=1000).get(tp, []):
            out.append((m.offset, m.key, m.value))
    c.close()
    return out, end


def check(port, topic):
    records, end = read_all(port, topic)
    total = KEYS * ROUNDS + 1
    assert end == total, f"log end {end}, expected {total}"
    offsets = [o for o, _, _ in records]
    assert offsets == sorted(set(offsets)), "offsets not strictly increasing"
    assert len(records) < total, f"nothing was compacted: {len(records)} records read"
    latest = {}
    for o, k, v in records:
        latest[k] = (o, v)
    for k in range(1, KEYS):
        o, v = latest[b"key-%d" % k]
        assert v.startswith(b"value-%d-%d" % (k, ROUNDS - 1)), f"key-{k}: latest value {v!r}"
        assert o == (ROUNDS - 1) * KEYS + k, f"key-{k}: latest at offset {o}"
    assert latest[b"key-0"] == (total - 1, None), f"key-0: {latest[b'key-0']}"
    print(f"read {len(records)} of {total} records; every key's latest value at its offset; key-0 deleted")


if __name__ == "__main__":
    port, topic, what = sys.argv[1], sys.argv[2], sys.argv[3]
    produce(port, topic) if what == "produce" else check(port, topic)
