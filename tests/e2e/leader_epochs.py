"""Raw-TCP side of tests/e2e/leader_epochs.sh: OffsetForLeaderEpoch (API 23) and the current leader epoch of
Fetch v11 (KIP-320) against a single node whose partition leads at epoch 0."""
import struct
import sys

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
    if failures:
        print("leader_epochs: %d FAILED" % len(failures))
        sys.exit(1)
    print("leader_epochs.py: ok")


if __name__ == "__main__":
    main(int(sys.argv[1]))
