"""Raw Kafka requests and answers for the group and cluster admin APIs, every version samsa advertises
(stdlib only; used by api_versions_walk.py and cluster_admin_apis.py): OffsetCommit 0-7, OffsetFetch 0-5,
DescribeLogDirs 0-4, DeleteGroups 0-2, OffsetDelete 0, DescribeCluster 0-1, AlterPartitionReassignments 0,
ListPartitionReassignments 0. Requests are the minimal valid
ones; answers are parsed into plain tuples and dicts. Flexible versions use request header v2 and response
header v1 (tagged fields), compact strings and arrays."""
import socket
import struct

from kafka_wire import i8, i16, i32, i64, read_response, string, uvarint

OFFSET_COMMIT, OFFSET_FETCH, API_VERSIONS, DESCRIBE_LOG_DIRS, DELETE_GROUPS, OFFSET_DELETE, DESCRIBE_CLUSTER = (
    8, 9, 18, 35, 42, 47, 60)
ALTER_REASSIGNMENTS, LIST_REASSIGNMENTS = 45, 46
FIRST_FLEXIBLE = {OFFSET_COMMIT: 8, OFFSET_FETCH: 6, API_VERSIONS: 3, DESCRIBE_LOG_DIRS: 2, DELETE_GROUPS: 2,
                  OFFSET_DELETE: 1 << 15, DESCRIBE_CLUSTER: 0, ALTER_REASSIGNMENTS: 0, LIST_REASSIGNMENTS: 0}


def flexible(key, version):
    return version >= FIRST_FLEXIBLE[key]


def cstring(s):
    return uvarint(0) if s is None else uvarint(len(s) + 1) + s


def array(items, flex):
    return (uvarint(len(items) + 1) if flex else i32(len(items))) + b"".join(items)


def null_array(flex):
    return uvarint(0) if flex else i32(-1)


def s_(s, flex):
    return cstring(s) if flex else string(s)


TAGS = b"\0"


class Reader:
    def __init__(self, data, flex):
        self.d, self.p, self.flex = data, 0, flex

    def take(self, fmt):
        v = struct.unpack_from(fmt, self.d, self.p)[0]
        self.p += struct.calcsize(fmt)
        return v

    def i8(self): return self.take(">b")
    def i16(self): return self.take(">h")
    def i32(self): return self.take(">i")
    def i64(self): return self.take(">q")

    def uvarint(self):
        shift = value = 0
        while True:
            b = self.d[self.p]
            self.p += 1
            value |= (b & 0x7F) << shift
            if b < 0x80:
                return value
            shift += 7

    def string(self):
        n = self.uvarint() - 1 if self.flex else self.i16()
        if n < 0:
            return None
        s = self.d[self.p:self.p + n].decode()
        self.p += n
        return s

    def count(self):
        return self.uvarint() - 1 if self.flex else self.i32()

    def tags(self):
        if self.flex:
            for _ in range(self.uvarint()):
                self.uvarint()
                n = self.uvarint()  # read before the += (which takes self.p first)
                self.p += n

    def done(self):
        assert self.p == len(self.d), "%d bytes left over" % (len(self.d) - self.p)


class Conn:
    """One connection; call() sends a request and returns a Reader at the response body (None: closed)."""

    def __init__(self, port, host="127.0.0.1"):
        self.s = socket.create_connection((host, port), timeout=30)
        self.corr = 0

    def call(self, key, version, body):
        self.corr += 1
        flex = flexible(key, version)
        hdr = i16(key) + i16(version) + i32(self.corr) + string(b"e2e-admin") + (TAGS if flex else b"")
        payload = hdr + body
        self.s.sendall(i32(len(payload)) + payload)
        r = read_response(self.s)
        if r is None:
            return None
        rd = Reader(r, flex)
        assert rd.i32() == self.corr, "correlation id"
        if flex and key != API_VERSIONS:
            rd.tags()
        return rd

    def close(self):
        self.s.close()


def api_versions(conn):
    """{api_key: (min, max)} from ApiVersions v0."""
    rd = conn.call(API_VERSIONS, 0, b"")
    assert rd is not None and rd.i16() == 0
    out = {}
    for _ in range(rd.i32()):
        k, lo, hi = rd.i16(), rd.i16(), rd.i16()
        out[k] = (lo, hi)
    return out


def partition_errors(rd):
    """topics[name, partitions[index, error]] as {(topic, partition): error}."""
    out = {}
    for _ in range(rd.count()):
        t = rd.string()
        for _ in range(rd.count()):
            p = rd.i32()
            out[(t.encode(), p)] = rd.i16()
    return out


def offset_commit(conn, v, group, commits, generation=-1, member=b""):
    """commits: [(topic, partition, offset)]; returns {(topic, partition): error}."""
    body = string(group)
    if v >= 1:
        body += i32(generation) + string(member)
    if v >= 7:
        body += i16(-1)  # group_instance_id null
    if 2 <= v <= 4:
        body += i64(-1)  # retention
    topics = {}
    for t, p, off in commits:
        part = i32(p) + i64(off)
        if v == 1:
            part += i64(-1)  # commit timestamp
        if v >= 6:
            part += i32(-1)  # leader epoch
        part += string(b"")
        topics.setdefault(t, []).append(part)
    body += array([string(t) + array(ps, False) for t, ps in topics.items()], False)
    rd = conn.call(OFFSET_COMMIT, v, body)
    if rd is None:
        return None
    if v >= 3:
        rd.i32()
    out = partition_errors(rd)
    rd.done()
    return out


def offset_fetch(conn, v, group, topic, partitions):
    """{partition: (offset, error)} plus the group error (0 before v2) as key None."""
    body = string(group) + array([string(topic) + array([i32(p) for p in partitions], False)], False)
    rd = conn.call(OFFSET_FETCH, v, body)
    if rd is None:
        return None
    if v >= 3:
        rd.i32()
    out = {}
    for _ in range(rd.count()):
        rd.string()
        for _ in range(rd.count()):
            p, off = rd.i32(), rd.i64()
            if v >= 5:
                rd.i32()
            rd.string()
            out[p] = (off, rd.i16())
    out[None] = rd.i16() if v >= 2 else 0
    rd.done()
    return out


def delete_groups(conn, v, groups):
    """{group: error}."""
    flex = flexible(DELETE_GROUPS, v)
    rd = conn.call(DELETE_GROUPS, v, array([s_(g, flex) for g in groups], flex) + (TAGS if flex else b""))
    if rd is None:
        return None
    rd.i32()
    out = {}
    for _ in range(rd.count()):
        g = rd.string()
        out[g.encode()] = rd.i16()
        rd.tags()
    rd.tags()
    rd.done()
    return out


def offset_delete(conn, group, topics):
    """topics: {topic: [partitions]}; returns (group error, {(topic, partition): error})."""
    body = string(group) + array([string(t) + array([i32(p) for p in ps], False) for t, ps in topics.items()], False)
    rd = conn.call(OFFSET_DELETE, 0, body)
    if rd is None:
        return None
    err = rd.i16()
    rd.i32()
    out = partition_errors(rd)
    rd.done()
    return err, out


def describe_cluster(conn, v, endpoint_type=1):
    """dict: error, message, cluster_id, controller, brokers [(id, host, port)], ops."""
    body = i8(0) + (i8(endpoint_type) if v >= 1 else b"") + TAGS
    rd = conn.call(DESCRIBE_CLUSTER, v, body)
    if rd is None:
        return None
    rd.i32()
    out = {"error": rd.i16(), "message": rd.string()}
    if v >= 1:
        out["endpoint_type"] = rd.i8()
    out["cluster_id"] = rd.string()
    out["controller"] = rd.i32()
    brokers = []
    for _ in range(rd.count()):
        bid, host, port = rd.i32(), rd.string(), rd.i32()
        rd.string()  # rack
        rd.tags()
        brokers.append((bid, host, port))
    out["brokers"] = sorted(brokers)
    out["ops"] = rd.i32()
    rd.tags()
    rd.done()
    return out


def describe_log_dirs(conn, v, topics=None):
    """topics: None (all) or {topic: [partitions]}; returns (top error, [dict: error, dir, partitions
    {(topic, partition): (size, lag)}, total, usable])."""
    flex = flexible(DESCRIBE_LOG_DIRS, v)
    if topics is None:
        body = null_array(flex)
    else:
        body = array([s_(t, flex) + array([i32(p) for p in ps], flex) + (TAGS if flex else b"")
                      for t, ps in topics.items()], flex)
    rd = conn.call(DESCRIBE_LOG_DIRS, v, body + (TAGS if flex else b""))
    if rd is None:
        return None
    rd.i32()
    top = rd.i16() if v >= 3 else 0
    dirs = []
    for _ in range(rd.count()):
        d = {"error": rd.i16(), "dir": rd.string(), "partitions": {}}
        for _ in range(rd.count()):
            t = rd.string()
            for _ in range(rd.count()):
                p, size, lag = rd.i32(), rd.i64(), rd.i64()
                rd.i8()
                rd.tags()
                d["partitions"][(t, p)] = (size, lag)
            rd.tags()
        d["total"], d["usable"] = (rd.i64(), rd.i64()) if v >= 4 else (-1, -1)
        rd.tags()
        dirs.append(d)
    rd.tags()
    rd.done()
    return top, dirs


def alter_partition_reassignments(conn, moves, timeout_ms=60000):
    """moves: {(topic, partition): [replicas] or None (cancel)}; returns (top error, message,
    {(topic, partition): (error, message)})."""
    by_topic = {}
    for (t, p), reps in sorted(moves.items()):
        by_topic.setdefault(t, []).append((p, reps))
    topics = []
    for t, parts in by_topic.items():
        ps = [i32(p) + (null_array(True) if reps is None else array([i32(r) for r in reps], True)) + TAGS
              for p, reps in parts]
        topics.append(cstring(t.encode()) + array(ps, True) + TAGS)
    rd = conn.call(ALTER_REASSIGNMENTS, 0, i32(timeout_ms) + array(topics, True) + TAGS)
    rd.i32()
    top, msg = rd.i16(), rd.string()
    out = {}
    for _ in range(rd.count()):
        t = rd.string()
        for _ in range(rd.count()):
            p, err, m = rd.i32(), rd.i16(), rd.string()
            rd.tags()
            out[(t, p)] = (err, m)
        rd.tags()
    rd.tags()
    rd.done()
    return top, msg, out


def list_partition_reassignments(conn, topics=None, timeout_ms=60000):
    """topics: None (all) or {topic: [partitions]}; returns (top error, {(topic, partition): (replicas,
    adding, removing)})."""
    if topics is None:
        body = null_array(True)
    else:
        body = array([cstring(t.encode()) + array([i32(p) for p in ps], True) + TAGS for t, ps in topics.items()], True)
    rd = conn.call(LIST_REASSIGNMENTS, 0, i32(timeout_ms) + body + TAGS)
    rd.i32()
    top, _ = rd.i16(), rd.string()
    out = {}
    ints = lambda: [rd.i32() for _ in range(rd.count())]
    for _ in range(rd.count()):
        t = rd.string()
        for _ in range(rd.count()):
            p = rd.i32()
            replicas, adding, removing = ints(), ints(), ints()
            rd.tags()
            out[(t, p)] = (replicas, adding, removing)
        rd.tags()
    rd.tags()
    rd.done()
    return top, out


PRODUCE, FETCH, LIST_OFFSETS = 0, 1, 2
FIRST_FLEXIBLE.update({PRODUCE: 9, FETCH: 12, LIST_OFFSETS: 6})


def message_set(values, magic, timestamp=1700000000000, corrupt=False):
    """An old-format message set (magic 0 or 1), uncompressed, keys k<i>; corrupt flips a byte under the CRC."""
    import zlib
    out = b""
    for i, v in enumerate(values):
        body = i8(magic) + i8(0) + (i64(timestamp + i) if magic == 1 else b"") + i32(2) + b"k%d" % (i % 10)
        body += i32(len(v)) + v
        crc = zlib.crc32(body)
        if corrupt:
            body = body[:-1] + bytes([body[-1] ^ 1])
        msg = struct.pack(">I", crc) + body
        out += i64(i) + i32(len(msg)) + msg
    return out


def produce_legacy(conn, v, topic, partition, records):
    """Produce v0-2 (no transactional id), acks -1: (error, base_offset)."""
    body = i16(-1) + i32(10000) + array([string(topic) + array([i32(partition) + i32(len(records)) + records], False)],
                                        False)
    rd = conn.call(PRODUCE, v, body)
    if rd is None:
        return None
    assert rd.count() == 1 and rd.string() == topic.decode() and rd.count() == 1 and rd.i32() == partition
    err, base = rd.i16(), rd.i64()
    if v >= 2:
        rd.i64()  # log_append_time
    if v >= 1:
        rd.i32()  # throttle
    rd.done()
    return err, base


def fetch_old(conn, v, topic, partition, offset):
    """Fetch v0-3 of one partition: (error, high_watermark, records bytes)."""
    body = i32(-1) + i32(100) + i32(0) + (i32(1 << 20) if v >= 3 else b"")
    body += array([string(topic) + array([i32(partition) + i64(offset) + i32(1 << 20)], False)], False)
    rd = conn.call(FETCH, v, body)
    if rd is None:
        return None
    if v >= 1:
        rd.i32()
    assert rd.count() == 1 and rd.string() == topic.decode() and rd.count() == 1 and rd.i32() == partition
    err, hw, n = rd.i16(), rd.i64(), rd.i32()
    data = rd.d[rd.p:rd.p + max(n, 0)]
    rd.p += max(n, 0)
    rd.done()
    return err, hw, data


def list_offsets_v0(conn, topic, partition, timestamp):
    """ListOffsets v0: (error, [offsets])."""
    body = i32(-1) + array([string(topic) + array([i32(partition) + i64(timestamp) + i32(1)], False)], False)
    rd = conn.call(LIST_OFFSETS, 0, body)
    if rd is None:
        return None
    assert rd.count() == 1 and rd.string() == topic.decode() and rd.count() == 1 and rd.i32() == partition
    err = rd.i16()
    offsets = [rd.i64() for _ in range(rd.i32())]
    rd.done()
    return err, offsets


DELETE_RECORDS, DESCRIBE_PRODUCERS = 21, 61
FIRST_FLEXIBLE.update({DELETE_RECORDS: 2, DESCRIBE_PRODUCERS: 0})


def delete_records(conn, v, topic, offsets, timeout_ms=30000):
    """DeleteRecords v0-2: {partition: (low_watermark, error)}."""
    flex = flexible(DELETE_RECORDS, v)
    parts = [i32(p) + i64(o) + (TAGS if flex else b"") for p, o in sorted(offsets.items())]
    body = array([s_(topic, flex) + array(parts, flex) + (TAGS if flex else b"")], flex) + i32(timeout_ms)
    rd = conn.call(DELETE_RECORDS, v, body + (TAGS if flex else b""))
    if rd is None:
        return None
    rd.i32()  # throttle
    out = {}
    for _ in range(rd.count()):
        assert rd.string() == topic.decode()
        for _ in range(rd.count()):
            p, low, err = rd.i32(), rd.i64(), rd.i16()
            rd.tags()
            out[p] = (low, err)
        rd.tags()
    rd.tags()
    rd.done()
    return out


def describe_producers(conn, topic, partitions):
    """DescribeProducers v0: {partition: (error, [(producer_id, epoch, last_sequence, last_timestamp,
    coordinator_epoch, txn_start_offset)])}."""
    body = array([cstring(topic) + array([i32(p) for p in partitions], True) + TAGS], True) + TAGS
    rd = conn.call(DESCRIBE_PRODUCERS, 0, body)
    if rd is None:
        return None
    rd.i32()
    out = {}
    for _ in range(rd.count()):
        assert rd.string() == topic.decode()
        for _ in range(rd.count()):
            p, err, _msg = rd.i32(), rd.i16(), rd.string()
            producers = []
            for _ in range(rd.count()):
                producers.append((rd.i64(), rd.i32(), rd.i32(), rd.i64(), rd.i32(), rd.i64()))
                rd.tags()
            rd.tags()
            out[p] = (err, producers)
        rd.tags()
    rd.tags()
    rd.done()
    return out
