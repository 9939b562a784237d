#!/usr/bin/env bash
# Request versions old clients still send: OffsetCommit v0/v1 (Sarama 1.22 commits with v1 by default) and
# OffsetFetch v0 are served over real TCP, and a commit made with an old version reads back with every
# version. Before, these closed the connection and Sarama's group re-read the whole topic on each restart.
source "$(dirname "$0")/lib.sh"
start_broker
"$SAMSA" topics create legacy --partitions 2 $B >/dev/null || fail "topics create"
/usr/bin/python3 - "$KAFKA_PORT" "$(dirname "$0")" <<'PYEOF' || fail "old request versions"
import struct, sys
sys.path.insert(0, sys.argv[2])
from kafka_wire import connect, frame, header, i16, i32, i64, read_response, string
s = connect(int(sys.argv[1]))
corr = [0]
def call(key, version, body):
    corr[0] += 1
    s.sendall(frame(header(key, version, corr[0]) + body))
    r = read_response(s)
    assert r is not None, "connection closed on key %d v%d" % (key, version)
    assert struct.unpack_from(">i", r)[0] == corr[0], "correlation id"
    return r[4:]
def commit(version, group, offset, partition=0, generation=-1, member=b""):
    body = string(group)
    if version >= 1:
        body += i32(generation) + string(member)
    if 2 <= version <= 4:
        body += i64(-1)
    body += i32(1) + string(b"legacy") + i32(1) + i32(partition) + i64(offset)
    if version == 1:
        body += i64(-1)
    body += string(b"")
    r = call(8, version, body)
    pos = 4 if version >= 3 else 0
    n, = struct.unpack_from(">i", r, pos); pos += 4
    ln, = struct.unpack_from(">h", r, pos); pos += 2 + ln
    m, = struct.unpack_from(">i", r, pos); pos += 4
    p, err = struct.unpack_from(">ih", r, pos)
    return err
def fetch(version, group, partition=0):
    r = call(9, version, string(group) + i32(1) + string(b"legacy") + i32(1) + i32(partition))
    pos = 4 if version >= 3 else 0
    pos += 4
    ln, = struct.unpack_from(">h", r, pos); pos += 2 + ln
    pos += 4
    p, off = struct.unpack_from(">iq", r, pos); pos += 12
    if version >= 5:
        pos += 4
    ml, = struct.unpack_from(">h", r, pos); pos += 2 + max(ml, 0)
    err, = struct.unpack_from(">h", r, pos)
    assert err == 0, "offset fetch v%d error %d" % (version, err)
    return off
assert commit(0, b"legacy-v0", 9) == 0, "OffsetCommit v0"
for v in (0, 1, 5):
    assert fetch(v, b"legacy-v0") == 9, "OffsetFetch v%d after a v0 commit" % v
assert commit(1, b"legacy-v1", 11, partition=1) == 0, "OffsetCommit v1 (standalone)"
for v in (0, 1, 5):
    assert fetch(v, b"legacy-v1", partition=1) == 11, "OffsetFetch v%d after a v1 commit" % v
# A v1 commit naming a generation of a group that has none is refused with an error, not a closed connection.
assert commit(1, b"legacy-nogroup", 3, generation=4, member=b"m") != 0, "v1 commit with a made-up generation accepted"
print("old versions: OffsetCommit v0/v1 and OffsetFetch v0/v1/v5 agree")
PYEOF
stop_broker
echo "old_versions: ok"
