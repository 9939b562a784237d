"""Driven by offsets_for_times.sh: PORT [--lookups-only]."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kafka_wire import (connect, crc32c, frame, i8, i16, i32, i64, produce_request, read_response, string,
                        u32, uvarint, varint)

port = int(sys.argv[1])
lookups_only = "--lookups-only" in sys.argv[2:]
bootstrap = "127.0.0.1:%d" % port
T0 = 1700000000000


def produce_with_kafka_python():
    from kafka import KafkaProducer
    p = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=1000, batch_size=1 << 20, acks="all")
    futures = [p.send("times", value=b"r%d" % i, partition=0, timestamp_ms=T0 + i * 1000) for i in range(100)]
    p.flush()
    offsets = [f.get(timeout=30).offset for f in futures]
    assert offsets == list(range(100)), offsets
    p.close()


def sarama_batch(n, ts0):
    """A v2 batch of n records one second apart whose header max_timestamp is -1 (Sarama 1.22)."""
    body = b""
    for i in range(n):
        v = b"s%d" % i
        r = i8(0) + varint(i * 1000) + varint(i) + varint(-1) + varint(len(v)) + v + varint(0)
        body += varint(len(r)) + r
    after_crc = (i16(0) + i32(n - 1) + i64(ts0) + i64(-1) + i64(-1) + i16(-1) + i32(-1) + i32(n) + body)
    after_len = i32(-1) + i8(2) + u32(crc32c(after_crc)) + after_crc
    return i64(0) + i32(len(after_len)) + after_len


def produce_sarama_style():
    s = connect(port)
    for corr, base in ((1, T0), (2, T0 + 100000)):
        s.sendall(produce_request(corr, b"sarama-times", 0, sarama_batch(20, base)))
        r = read_response(s)
        assert r is not None, "produce closed the connection"
        # corr, topics[1], name, partitions[1], partition, error
        n = struct.unpack_from(">h", r, 8)[0]
        err = struct.unpack_from(">h", r, 8 + 2 + n + 4 + 4)[0]
        assert err == 0, "produce error %d" % err
    s.close()


def kafka_python_lookup(topic, ts):
    from kafka import KafkaConsumer, TopicPartition
    c = KafkaConsumer(bootstrap_servers=bootstrap)
    tp = TopicPartition(topic, 0)
    got = c.offsets_for_times({tp: ts})[tp]
    c.close()
    return None if got is None else (got.offset, got.timestamp)


def confluent_lookup(topic, ts):
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "oft"})
    got = c.offsets_for_times([TopicPartition(topic, 0, ts)], timeout=30)[0]
    c.close()
    assert got.error is None, got.error
    return got.offset


def list_offsets_v7(topic, ts, current_epoch=-1, version=7):
    """ListOffsets v7 (or v8: the same layout) (flexible: request header v2, compact encodings, tagged
    fields) for partition 0: (error, timestamp, offset, leader_epoch)."""
    s = connect(port)
    body = (i32(-1) + i8(0) + uvarint(2) + uvarint(len(topic) + 1) + topic + uvarint(2) + i32(0) +
            i32(current_epoch) + i64(ts) + b"\0" + b"\0" + b"\0")
    s.sendall(frame(i16(2) + i16(version) + i32(7) + string(b"e2e") + b"\0" + body))
    r = read_response(s)
    s.close()
    assert r is not None, "ListOffsets v7 closed the connection"
    assert struct.unpack_from(">i", r)[0] == 7
    pos = 4 + 1 + 4  # correlation id, response header tags, throttle
    assert r[pos] == 2, "one topic"
    pos += 1
    pos += 1 + r[pos] - 1  # compact name
    assert r[pos] == 2, "one partition"
    pos += 1
    part, err, ts_out, off, epoch = struct.unpack_from(">ihqqi", r, pos)
    return err, ts_out, off, epoch


if not lookups_only:
    produce_with_kafka_python()
    produce_sarama_style()

# 100 records in one batch, one second apart: the 50th second is offset 50, for both clients.
assert kafka_python_lookup("times", T0 + 50000) == (50, T0 + 50000), kafka_python_lookup("times", T0 + 50000)
assert kafka_python_lookup("times", T0 + 49500) == (50, T0 + 50000)
assert kafka_python_lookup("times", T0) == (0, T0)
assert kafka_python_lookup("times", T0 + 99001) is None
assert confluent_lookup("times", T0 + 50000) == 50, confluent_lookup("times", T0 + 50000)
assert confluent_lookup("times", T0 + 73000) == 73
print("offsets_for_times: kafka-python and confluent-kafka map second 50 to offset 50")

# Batches without max_timestamp: offsets 0-19 at T0.., 20-39 at T0+100s..
assert kafka_python_lookup("sarama-times", T0 + 5000) == (5, T0 + 5000), kafka_python_lookup("sarama-times", T0 + 5000)
assert kafka_python_lookup("sarama-times", T0 + 50000) == (20, T0 + 100000)
assert confluent_lookup("sarama-times", T0 + 107000) == 27
print("offsets_for_times: batches sent with max_timestamp -1 are found")

err, ts, off, epoch = list_offsets_v7(b"times", T0 + 50000)
assert (err, ts, off) == (0, T0 + 50000, 50), (err, ts, off)
assert epoch >= 0, epoch
err, ts, off, _ = list_offsets_v7(b"times", -3)
assert (err, ts, off) == (0, T0 + 99000, 99), (err, ts, off)
err, ts, off, _ = list_offsets_v7(b"sarama-times", -3)
assert (err, ts, off) == (0, T0 + 119000, 39), (err, ts, off)
err, _, off, _ = list_offsets_v7(b"times", -1)
assert (err, off) == (0, 100), (err, off)
err, _, _, _ = list_offsets_v7(b"times", -1, current_epoch=epoch + 1)
assert err == 74 + 1, "a newer leader epoch than the broker's: UNKNOWN_LEADER_EPOCH, got %d" % err
print("ListOffsets v7: leader epoch %d, max timestamp -3 answered" % epoch)
# v8's earliest local offset (-4) is the log start (no remote tier); v7 knows no -4.
assert list_offsets_v7(b"times", -4, version=8)[::2] == list_offsets_v7(b"times", -2, version=8)[::2] == (0, 0)
assert list_offsets_v7(b"times", -4)[0] == 35, "ListOffsets v7 with -4: UNSUPPORTED_VERSION, as Kafka 3.9"
print("ListOffsets v8: earliest local (-4) answered like earliest (-2)")
# v9's latest tiered offset (-5): no remote storage, so Kafka 3.9's answer: offset -1, timestamp -1, epoch -1;
# v8 knows no -5; -6 is no spec at all. A newer current leader epoch is still fenced.
assert list_offsets_v7(b"times", -5, version=9) == (0, -1, -1, -1), list_offsets_v7(b"times", -5, version=9)
assert list_offsets_v7(b"times", -5, version=8)[0] == 35, list_offsets_v7(b"times", -5, version=8)
assert list_offsets_v7(b"times", -6, version=9)[0] == 35, list_offsets_v7(b"times", -6, version=9)
assert list_offsets_v7(b"nope", -5, version=9)[0] == 3, list_offsets_v7(b"nope", -5, version=9)
assert list_offsets_v7(b"times", -5, current_epoch=epoch + 1, version=9)[0] == 74 + 1
assert list_offsets_v7(b"times", -4, version=9)[::2] == (0, 0), list_offsets_v7(b"times", -4, version=9)
print("ListOffsets v9: latest tiered (-5) answered -1 (no remote tier); -5 before v9 and -6 UNSUPPORTED_VERSION")
