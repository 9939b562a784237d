"""Driven by delete_records.sh: PORT PHASE. Phase "first": DeleteRecords v0-2 sent raw (kafka-python 2.0.2's
KafkaAdminClient has no delete_records; confluent-kafka 1.7.0 has none either), checked with kafka-python
consumers and ListOffsets; an idempotent confluent-kafka producer writes and DescribeProducers v0 shows it.
Phase "after": after a broker restart the log start offsets are still where they were moved."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from admin_wire import Conn, api_versions, delete_records, describe_producers, DELETE_RECORDS, DESCRIBE_PRODUCERS

from kafka import KafkaConsumer, TopicPartition

port, phase = int(sys.argv[1]), sys.argv[2]
NONE, OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC = 0, 1, 3
conn = Conn(port)


def earliest(p):
    c = KafkaConsumer(bootstrap_servers="127.0.0.1:%d" % port)
    tp = TopicPartition("dr", p)
    out = c.beginning_offsets([tp])[tp]
    c.assign([tp])
    c.seek_to_beginning(tp)
    first = None
    for _ in range(50):
        batch = c.poll(timeout_ms=200)
        if batch:
            first = min(m.offset for m in batch[tp])
            break
    c.close()
    return out, first


if phase == "first":
    adv = api_versions(conn)
    assert adv[DELETE_RECORDS] == (0, 2) and adv[DESCRIBE_PRODUCERS] == (0, 0), adv
    # dr has 3 partitions of 100 records each.
    assert delete_records(conn, 0, b"dr", {0: 10}) == {0: (10, NONE)}
    assert delete_records(conn, 1, b"dr", {0: 5}) == {0: (10, NONE)}  # below the start: nothing moves
    assert delete_records(conn, 2, b"dr", {1: 40, 2: -1}) == {1: (40, NONE), 2: (100, NONE)}  # -1: the HW
    got = delete_records(conn, 2, b"dr", {0: 101, 1: -7})
    assert got == {0: (-1, OFFSET_OUT_OF_RANGE), 1: (-1, OFFSET_OUT_OF_RANGE)}, got
    assert delete_records(conn, 1, b"nope", {0: 1}) == {0: (-1, UNKNOWN_TOPIC)}
    print("DeleteRecords v0-2: low watermarks 10, 40, 100; beyond the HW and negative refused")
    # DescribeProducers: the idempotent producer that wrote partition 0 (the shell's confluent-kafka run).
    d = describe_producers(conn, b"idem", [0, 9])
    err, producers = d[0]
    assert err == NONE and len(producers) == 1, d
    pid, epoch, last_seq, last_ts, coord, txn = producers[0]
    assert pid >= 0 and epoch == 0 and last_seq == 49 and last_ts > 0 and coord == -1 and txn == -1, producers[0]
    assert d[9][0] == UNKNOWN_TOPIC, d
    assert describe_producers(conn, b"dr", [0])[0] == (NONE, [])
    print("DescribeProducers v0: producer %d epoch %d last sequence %d" % (pid, epoch, last_seq))

for p, want in ((0, 10), (1, 40), (2, 100)):
    start, first = earliest(p)
    assert start == want, (p, start, want)
    assert first == (want if want < 100 else None), (p, first, want)
print("%s: consumers start at 10, 40 and the end (100)" % phase)
