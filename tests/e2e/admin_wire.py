"""Raw Kafka requests and answers for the group and cluster admin APIs, every version samsa advertises
(stdlib only; used by api_versions_walk.py and cluster_admin_apis.py): OffsetCommit 0-7, OffsetFetch 0-5,
DescribeLogDirs 0-4, DeleteGroups 0-2, OffsetDelete 0, DescribeCluster 0-1, FindCoordinator 0-6, ListGroups 0-5, AlterPartitionReassignments 0,
ListPartitionReassignments 0, Produce 0-11, CreateTopics 0-7, DeleteTopics 0-6, InitProducerId 0-5. Requests are the minimal valid
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
    """topics[name, partitions[index, error]] as {(topic, partition): error} (tag sections when flexible)."""
    out = {}
    for _ in range(rd.count()):
        t = rd.string()
        for _ in range(rd.count()):
            p = rd.i32()
            out[(t.encode(), p)] = rd.i16()
            if rd.flex:
                rd.tags()
        if rd.flex:
            rd.tags()
    return out


def offset_commit(conn, v, group, commits, generation=-1, member=b""):
    """commits: [(topic, partition, offset)]; returns {(topic, partition): error}."""
    flex = flexible(OFFSET_COMMIT, v)
    tags = TAGS if flex else b""
    body = s_(group, flex)
    if v >= 1:
        body += i32(generation) + s_(member, flex)
    if v >= 7:
        body += cstring(None) if flex else i16(-1)  # group_instance_id null
    if 2 <= v <= 4:
        body += i64(-1)  # retention
    topics = {}
    for t, p, off in commits:
        part = i32(p) + i64(off)
        if v == 1:
            part += i64(-1)  # commit timestamp
        if v >= 6:
            part += i32(-1)  # leader epoch
        part += s_(b"", flex) + tags
        topics.setdefault(t, []).append(part)
    body += array([s_(t, flex) + array(ps, flex) + tags for t, ps in topics.items()], flex) + tags
    rd = conn.call(OFFSET_COMMIT, v, body)
    if rd is None:
        return None
    if v >= 3:
        rd.i32()
    out = partition_errors(rd)
    if flex:
        rd.tags()
    rd.done()
    return out


def offset_fetch(conn, v, group, topic, partitions):
    """{partition: (offset, error)} plus the group error (0 before v2) as key None. v8+ ask for the one group
    in the groups array (v9 with a null member id and epoch -1)."""
    flex = flexible(OFFSET_FETCH, v)
    tags = TAGS if flex else b""
    topics = array([s_(topic, flex) + array([i32(p) for p in partitions], flex) + tags], flex)
    if v >= 8:
        g = cstring(group) + (cstring(None) + i32(-1) if v >= 9 else b"") + topics + tags
        body = array([g], True)
    else:
        body = s_(group, flex) + topics
    if v >= 7:
        body += b"\0"  # require_stable false
    rd = conn.call(OFFSET_FETCH, v, body + tags)
    if rd is None:
        return None
    if v >= 3:
        rd.i32()
    if v >= 8:
        assert rd.count() == 1, "one group answered"
        assert rd.string() == group.decode()
    out = {}
    for _ in range(rd.count()):
        rd.string()
        for _ in range(rd.count()):
            p, off = rd.i32(), rd.i64()
            if v >= 5:
                rd.i32()
            rd.string()
            out[p] = (off, rd.i16())
            if flex:
                rd.tags()
        if flex:
            rd.tags()
    out[None] = rd.i16() if v >= 2 else 0
    if v >= 8:
        rd.tags()
    if flex:
        rd.tags()
    rd.done()
    return out


FIND_COORDINATOR, LIST_GROUPS = 10, 16
FIRST_FLEXIBLE.update({FIND_COORDINATOR: 3, LIST_GROUPS: 3})


def find_coordinator(conn, v, key, key_type=0):
    """FindCoordinator v0-6 of one key: (error, node_id, host, port) (v4+: the batch's one entry)."""
    flex = flexible(FIND_COORDINATOR, v)
    body = (s_(key, flex) if v <= 3 else b"") + (i8(key_type) if v >= 1 else b"")
    if v >= 4:
        body += array([cstring(key)], True)
    rd = conn.call(FIND_COORDINATOR, v, body + (TAGS if flex else b""))
    if rd is None:
        return None
    if v >= 1:
        rd.i32()  # throttle
    if v >= 4:
        assert rd.count() == 1
        assert rd.string() == key.decode()
        node, host, port, err = rd.i32(), rd.string(), rd.i32(), rd.i16()
        rd.string()  # message
        rd.tags()
    else:
        err = rd.i16()
        if v >= 1:
            rd.string()  # message
        node, host, port = rd.i32(), rd.string(), rd.i32()
    rd.tags()
    rd.done()
    return err, node, host, port


def list_groups(conn, v, states=(), types=()):
    """ListGroups v0-5: (error, {group: (protocol_type, state (v4+), type (v5+))})."""
    flex = flexible(LIST_GROUPS, v)
    body = b""
    if v >= 4:
        body += array([cstring(x) for x in states], True)
    if v >= 5:
        body += array([cstring(x) for x in types], True)
    rd = conn.call(LIST_GROUPS, v, body + (TAGS if flex else b""))
    if rd is None:
        return None
    if v >= 1:
        rd.i32()  # throttle
    err, groups = rd.i16(), {}
    for _ in range(rd.count()):
        g, proto = rd.string(), rd.string()
        state = rd.string() if v >= 4 else None
        kind = rd.string() if v >= 5 else None
        rd.tags()
        groups[g] = (proto, state, kind)
    rd.tags()
    rd.done()
    return err, groups


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


def fetch_flexible(conn, v, topic, partition, offset, last_fetched_epoch, directory_id=None):
    """Fetch v12-17 of one partition, by name (v12) or 16-byte topic id (v13+), naming the epoch of the last
    record fetched (KIP-320) and, from v17, the partition's replica directory id as tag 0: (error, high
    watermark, diverging (epoch, end offset) or None, records bytes)."""
    part = i32(partition) + i32(-1) + i64(offset) + i32(last_fetched_epoch) + i64(-1) + i32(1 << 20)
    if v >= 17 and directory_id is not None:
        part += uvarint(1) + uvarint(0) + uvarint(16) + directory_id
    else:
        part += TAGS
    name = topic if v >= 13 else cstring(topic)
    body = (i32(-1) if v <= 14 else b"") + i32(0) + i32(1) + i32(1 << 20) + i8(0) + i32(0) + i32(-1)
    body += array([name + array([part], True) + TAGS], True) + array([], True) + cstring(b"") + TAGS
    rd = conn.call(FETCH, v, body)
    if rd is None:
        return None
    rd.i32()  # throttle
    assert rd.i16() == 0, "top-level error"
    rd.i32()  # session id
    assert rd.count() == 1
    if v >= 13:
        rd.p += 16
    else:
        rd.string()
    assert rd.count() == 1 and rd.i32() == partition
    err, hw = rd.i16(), rd.i64()
    rd.i64(), rd.i64()  # last stable offset, log start offset
    aborted = rd.count()
    rd.p += max(aborted, 0) * 17
    rd.i32()  # preferred read replica
    n = rd.uvarint() - 1
    data = rd.d[rd.p:rd.p + max(n, 0)]
    rd.p += max(n, 0)
    diverging = None
    for _ in range(rd.uvarint()):
        tag, size = rd.uvarint(), rd.uvarint()
        if tag == 0:
            diverging = (rd.i32(), rd.i64())
            rd.tags()
        else:
            rd.p += size
    rd.tags()  # topic
    rd.tags()  # body
    rd.done()
    return err, hw, diverging, data


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


CREATE_TOPICS, DELETE_TOPICS, INIT_PRODUCER_ID = 19, 20, 22
FIRST_FLEXIBLE.update({CREATE_TOPICS: 5, DELETE_TOPICS: 4, INIT_PRODUCER_ID: 2})


def produce(conn, v, topic, partition, batch, acks=-1):
    """Produce v3-11 of one v2 batch, no transactional id: (error, base_offset, record_errors, error_message,
    current_leader); record_errors [(batch_index, message)] and error_message from v8, current_leader
    (leader_id, epoch) or None from v10 (KIP-951 tag 0)."""
    flex = flexible(PRODUCE, v)
    records = (uvarint(len(batch) + 1) if flex else i32(len(batch))) + batch
    part = i32(partition) + records + (TAGS if flex else b"")
    body = s_(None, flex) + i16(acks) + i32(10000) + array([s_(topic, flex) + array([part], flex) + (TAGS if flex else b"")],
                                                             flex) + (TAGS if flex else b"")
    rd = conn.call(PRODUCE, v, body)
    if rd is None:
        return None
    assert rd.count() == 1 and rd.string() == topic.decode() and rd.count() == 1 and rd.i32() == partition
    err, base = rd.i16(), rd.i64()
    rd.i64()  # log_append_time
    if v >= 5:
        rd.i64()  # log_start_offset
    record_errors, message, leader = [], None, None
    if v >= 8:
        for _ in range(rd.count()):
            record_errors.append((rd.i32(), rd.string()))
            rd.tags()
        message = rd.string()
    if flex:
        for _ in range(rd.uvarint()):
            tag, size = rd.uvarint(), rd.uvarint()
            if tag == 0:
                leader = (rd.i32(), rd.i32())
                rd.tags()
            else:
                rd.p += size
    rd.tags()
    rd.i32()  # throttle
    rd.tags()
    rd.done()
    return err, base, record_errors, message, leader


def init_producer_id(conn, v, producer_id=-1, epoch=-1):
    """InitProducerId v0-5 without a transactional id: (error, producer_id, epoch)."""
    flex = flexible(INIT_PRODUCER_ID, v)
    body = s_(None, flex) + i32(60000) + (i64(producer_id) + i16(epoch) if v >= 3 else b"") + (TAGS if flex else b"")
    rd = conn.call(INIT_PRODUCER_ID, v, body)
    if rd is None:
        return None
    rd.i32()
    out = rd.i16(), rd.i64(), rd.i16()
    rd.tags()
    rd.done()
    return out


def create_topics(conn, v, names, partitions, configs=None):
    """CreateTopics v0-7, replication factor 1: {name: dict(error, message, topic_id, partitions, replication,
    configs)} (topic_id from v7 as 16 bytes; partitions, replication and configs {name: value} from v5)."""
    flex = flexible(CREATE_TOPICS, v)
    cfg = [s_(k, flex) + s_(val, flex) + (TAGS if flex else b"") for k, val in (configs or {}).items()]
    topics = [s_(n, flex) + i32(partitions) + i16(1) + array([], flex) + array(cfg, flex) + (TAGS if flex else b"")
              for n in names]
    body = array(topics, flex) + i32(30000) + (i8(0) if v >= 1 else b"") + (TAGS if flex else b"")
    rd = conn.call(CREATE_TOPICS, v, body)
    if rd is None:
        return None
    if v >= 2:
        rd.i32()
    out = {}
    for _ in range(rd.count()):
        t = {}
        name = rd.string()
        if v >= 7:
            t["topic_id"] = rd.d[rd.p:rd.p + 16]
            rd.p += 16
        t["error"] = rd.i16()
        t["message"] = rd.string() if v >= 1 else None
        if v >= 5:
            t["partitions"], t["replication"] = rd.i32(), rd.i16()
            n = rd.count()
            t["configs"] = None if n < 0 else {}
            for _ in range(max(n, 0)):
                key, val = rd.string(), rd.string()
                rd.i8(), rd.i8(), rd.i8()  # read_only, source, sensitive
                rd.tags()
                t["configs"][key] = val
        rd.tags()
        out[name] = t
    rd.tags()
    rd.done()
    return out


def delete_topics(conn, v, names=(), ids=()):
    """DeleteTopics v0-6 by name (v6 also by 16-byte topic id): [(name, topic_id, error, message)]."""
    flex = flexible(DELETE_TOPICS, v)
    if v >= 6:
        entries = [cstring(n) + b"\0" * 16 + TAGS for n in names] + [cstring(None) + i + TAGS for i in ids]
        topics = array(entries, True)
    else:
        topics = array([s_(n, flex) for n in names], flex)
    rd = conn.call(DELETE_TOPICS, v, topics + i32(30000) + (TAGS if flex else b""))
    if rd is None:
        return None
    if v >= 1:
        rd.i32()
    out = []
    for _ in range(rd.count()):
        name = rd.string()
        tid = None
        if v >= 6:
            tid = rd.d[rd.p:rd.p + 16]
            rd.p += 16
        err = rd.i16()
        msg = rd.string() if v >= 5 else None
        rd.tags()
        out.append((name, tid, err, msg))
    rd.tags()
    rd.done()
    return out
