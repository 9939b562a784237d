"""Raw-TCP side of tests/e2e/leader_epochs.sh: OffsetForLeaderEpoch (API 23), the current leader epoch of
Fetch v11 and the last fetched epoch of Fetch v12 and v17 (KIP-320: the diverging epoch) against a single node
whose partition leads at epoch 0."""
import struct
import sys

from admin_wire import Conn, create_topics, fetch_flexible
from kafka_wire import connect, frame, header, i8, i16, i32, i64, produce_request, read_response, record_batch, string

TOPIC = b"epochs"
failures = []


def check(name, got, want):
    ok = got == want
    print("%-4s %-70s %s" % ("ok" if ok else "FAIL", name, got))
    if not ok:
        failures.append("%s: got %s, want %s" % (name, got, want))


def offset_for_leader_epoch(s, corr, version, current, epoch):
    """(error, leader_epoch, end_offset) for partition 0."""
    body = b""
    if version >= 3:
        body += i32(-1)
    part = i32(0) + (i32(current) if version >= 2 else b"") + i32(epoch)
    body += i32(1) + string(TOPIC) + i32(1) + part
    s.sendall(frame(header(23, version, corr) + body))
    r = read_response(s)
    pos = 4 + (4 if version >= 2 else 0)  # correlation id, throttle
    pos += 4 + 2 + len(TOPIC) + 4          # topics, name, partitions
    err, = struct.unpack_from(">h", r, pos)
    pos += 2 + 4                           # error, partition
    epoch_out = -1
    if version >= 1:
        epoch_out, = struct.unpack_from(">i", r, pos)
        pos += 4
    end, = struct.unpack_from(">q", r, pos)
    return err, epoch_out, end


def fetch_v11_error(s, corr, current, topic=TOPIC, partition=0):
    """The error code of a Fetch v11 of one partition from offset 0 naming `current` as its leader epoch."""
    body = (i32(-1) + i32(0) + i32(1) + i32(1 << 20) + i8(0) + i32(0) + i32(-1) +
            i32(1) + string(topic) + i32(1) + i32(partition) + i32(current) + i64(0) + i64(-1) + i32(1 << 20) +
            i32(0) + string(b""))
    s.sendall(frame(header(1, 11, corr) + body))
    r = read_response(s)
    pos = 4 + 4 + 2 + 4 + 4 + 2 + len(topic) + 4 + 4  # corr, throttle, error, session, topics, name, parts, index
    err, = struct.unpack_from(">h", r, pos)
    return err


def diverging_epochs(port):
    """Fetch v12+ with a last fetched epoch (the log holds offsets 0-2, all of epoch 0): a position the log's
    epoch 0 ends before is answered with the diverging epoch (0, 3) and no records, as Kafka 3.9 does."""
    conn = Conn(port)
    for v in (12,):
        err, hw, div, data = fetch_flexible(conn, v, TOPIC, 0, 1, 0)
        check("Fetch v%d from 1, last fetched epoch 0: records, no diverging epoch" % v, (err, hw, div), (0, 3, None))
        check("Fetch v%d from 1: some records" % v, len(data) > 0, True)
        check("Fetch v%d at the log end (3), last fetched epoch 0: no diverging epoch" % v,
              fetch_flexible(conn, v, TOPIC, 0, 3, 0)[:3], (0, 3, None))
        err, hw, div, data = fetch_flexible(conn, v, TOPIC, 0, 5, 0)
        check("Fetch v%d from 5, last fetched epoch 0: diverging epoch 0 ending at 3" % v, (err, hw, div), (0, 3, (0, 3)))
        check("Fetch v%d diverging: no records" % v, len(data), 0)
        check("Fetch v%d from 5 without a last fetched epoch: OFFSET_OUT_OF_RANGE (1)" % v,
              fetch_flexible(conn, v, TOPIC, 0, 5, -1)[:3], (1, 3, None))
        check("Fetch v%d from 1, last fetched epoch 2 (no leader had it): OFFSET_OUT_OF_RANGE (1)" % v,
              fetch_flexible(conn, v, TOPIC, 0, 1, 2)[:3], (1, 3, None))
    # v17 names the topic by id (from CreateTopics v7) and may carry the replica directory id (tag 0).
    created = create_topics(conn, 7, [b"epochs17"], 1)
    check("CreateTopics v7 epochs17", created["epochs17"]["error"], 0)
    topic_id = created["epochs17"]["topic_id"]
    s = connect(port)
    s.sendall(produce_request(20, b"epochs17", 0, record_batch([b"x", b"y"]), acks=1))
    r = read_response(s)
    s.close()
    # corr, topics[1], name, partitions[1], partition, error
    check("Produce to epochs17", struct.unpack_from(">h", r, 4 + 4 + 2 + 8 + 4 + 4)[0], 0)
    directory = bytes(range(1, 17))
    check("Fetch v17 from 0 with a directory id: records, no diverging epoch",
          fetch_flexible(conn, 17, topic_id, 0, 0, 0, directory)[:3], (0, 2, None))
    check("Fetch v17 from 4, last fetched epoch 0: diverging epoch 0 ending at 2",
          fetch_flexible(conn, 17, topic_id, 0, 4, 0)[:3], (0, 2, (0, 2)))
    conn.close()


def main(port):
    s = connect(port)
    s.sendall(produce_request(1, TOPIC, 0, record_batch([b"a", b"b", b"c"]), acks=1))
    read_response(s)
    check("OffsetForLeaderEpoch v2, epoch 0 (the current one): ends at the log end",
          offset_for_leader_epoch(s, 2, 2, 0, 0), (0, 0, 3))
    check("OffsetForLeaderEpoch v0, epoch 0", offset_for_leader_epoch(s, 3, 0, -1, 0), (0, -1, 3))
    check("OffsetForLeaderEpoch v3 (replica id -1), epoch 0", offset_for_leader_epoch(s, 4, 3, 0, 0), (0, 0, 3))
    check("OffsetForLeaderEpoch v2 with a newer current epoch: UNKNOWN_LEADER_EPOCH (75)",
          offset_for_leader_epoch(s, 5, 2, 4, 0)[0], 75)
    check("OffsetForLeaderEpoch v2 for an epoch above every known one: undefined (-1, -1)",
          offset_for_leader_epoch(s, 6, 2, -1, 9), (0, -1, -1))
    check("Fetch v11 naming the current leader epoch 0: no error", fetch_v11_error(s, 7, 0), 0)
    check("Fetch v11 without a leader epoch (-1): no error", fetch_v11_error(s, 8, -1), 0)
    check("Fetch v11 naming leader epoch 3: UNKNOWN_LEADER_EPOCH (75)", fetch_v11_error(s, 9, 3), 75)
    s.close()
    diverging_epochs(port)
    if failures:
        print("leader_epochs: %d FAILED" % len(failures))
        sys.exit(1)
    print("leader_epochs.py: ok")


if __name__ == "__main__":
    main(int(sys.argv[1]))
