"""Kafka wire helpers for the end-to-end tests that talk raw TCP (stdlib only): request encoding, a v2
record batch with CRC-32C, response framing and a Fetch v4 response parser."""
import socket
import struct
import time


def i8(v): return struct.pack(">b", v)
def i16(v): return struct.pack(">h", v)
def i32(v): return struct.pack(">i", v)
def u32(v): return struct.pack(">I", v)
def i64(v): return struct.pack(">q", v)
def string(s): return i16(-1) if s is None else i16(len(s)) + s
def bytes_(b): return i32(-1) if b is None else i32(len(b)) + b


def uvarint(v):
    out = b""
    while v >= 0x80:
        out += bytes([(v & 0x7F) | 0x80])
        v >>= 7
    return out + bytes([v])


def varint(v): return uvarint((v << 1) ^ (v >> 63))


def header(key, version, corr, client=b"e2e"):
    return i16(key) + i16(version) + i32(corr) + string(client)


def frame(payload): return i32(len(payload)) + payload


_CRC32C = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC32C.append(_c)


def crc32c(data):
    c = 0xFFFFFFFF
    table = _CRC32C
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def record_batch(values, ts=1700000000000):
    """Uncompressed v2 batch of key-less records with the given values."""
    body = b""
    for i, v in enumerate(values):
        r = i8(0) + varint(0) + varint(i) + varint(-1) + varint(len(v)) + v + varint(0)
        body += varint(len(r)) + r
    after_crc = (i16(0) + i32(len(values) - 1) + i64(ts) + i64(ts) + i64(-1) + i16(-1) + i32(-1) +
                 i32(len(values)) + body)
    after_len = i32(-1) + i8(2) + u32(crc32c(after_crc)) + after_crc
    return i64(0) + i32(len(after_len)) + after_len


def produce_request(corr, topic, partition, batch, acks=-1):
    """Produce v7 of one batch to one partition."""
    return frame(header(0, 7, corr) + string(None) + i16(acks) + i32(30000) +
                 i32(1) + string(topic) + i32(1) + i32(partition) + bytes_(batch))


def fetch_request(corr, topic, partition, offset, max_bytes, partition_max_bytes, max_wait_ms=0):
    """Fetch v4 of one partition."""
    return frame(header(1, 4, corr) + i32(-1) + i32(max_wait_ms) + i32(1) + i32(max_bytes) + i8(0) +
                 i32(1) + string(topic) + i32(1) + i32(partition) + i64(offset) + i32(partition_max_bytes))


def api_versions_request(corr):
    return frame(header(18, 0, corr))


def connect(port, timeout=15.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.settimeout(timeout)
    return s


def recv_exact(s, n):
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = s.recv_into(view[got:], n - got)
        if k == 0:
            return None
        got += k
    return bytes(buf)


def read_response(s):
    """The payload of one response frame (correlation id first), or None at EOF."""
    size = recv_exact(s, 4)
    if size is None:
        return None
    n, = struct.unpack(">i", size)
    if n < 4:
        raise AssertionError("absurd response size %d" % n)
    return recv_exact(s, n)


def parse_fetch_v4(payload):
    """(correlation_id, [(topic, partition, error, high_watermark, records)]) of a Fetch v4 response."""
    pos = 0

    def take(fmt):
        nonlocal pos
        v = struct.unpack_from(fmt, payload, pos)
        pos += struct.calcsize(fmt)
        return v[0]

    corr = take(">i")
    take(">i")  # throttle
    out = []
    for _ in range(take(">i")):
        n = take(">h")
        topic = payload[pos:pos + n]
        pos += n
        for _ in range(take(">i")):
            part, err, hwm, _lso = take(">i"), take(">h"), take(">q"), take(">q")
            aborted = take(">i")
            pos += max(aborted, 0) * 16
            size = take(">i")
            records = b"" if size < 0 else payload[pos:pos + size]
            pos += max(size, 0)
            out.append((topic, part, err, hwm, records))
    return corr, out


def batch_sizes(records):
    """Total sizes of the whole batches in a records field."""
    sizes = []
    pos = 0
    while pos + 12 <= len(records):
        length, = struct.unpack_from(">i", records, pos + 8)
        if pos + 12 + length > len(records):
            break
        sizes.append(12 + length)
        pos += 12 + length
    return sizes


def find_coordinator(port, group, seconds=30):
    """FindCoordinator v0 of `group` (bytes) through `port`, retried while COORDINATOR_NOT_AVAILABLE (on a
    cluster the first request creates __consumer_offsets): (error_code, node_id, coordinator port)."""
    deadline = time.time() + seconds
    while True:
        s = connect(int(port))
        s.sendall(frame(header(10, 0, 1) + string(group)))
        payload = read_response(s)
        s.close()
        err, node = struct.unpack_from(">hi", payload, 4)
        if err != 15 or time.time() > deadline:
            break
        time.sleep(0.2)
    n, = struct.unpack_from(">h", payload, 10)
    coord_port, = struct.unpack_from(">i", payload, 12 + n)
    return err, node, coord_port
