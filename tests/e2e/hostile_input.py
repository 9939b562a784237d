"""Hostile Kafka-protocol input against a running samsa broker. Plain stdlib; each case on its own TCP
connection; every read has a socket timeout, so a broker that hangs fails the case instead of the test
hanging. After every case the broker process must be alive and must answer a fresh ApiVersions request.

    hostile_input.py PORT BROKER_PID TOPIC MAX_MESSAGE_BYTES

The broker runs with socket.request.max.bytes=1048576 and message.max.bytes=MAX_MESSAGE_BYTES; TOPIC exists
with one partition. Outcomes allowed per case are listed with it: "closed" (the broker closed the
connection) or "answer" (an error answer came back; checked where the case names one).
"""
import os
import random
import socket
import struct
import sys
import time

PORT = int(sys.argv[1])
PID = int(sys.argv[2])
TOPIC = sys.argv[3].encode()
MAX_MESSAGE_BYTES = int(sys.argv[4])
TIMEOUT = 15.0  # a broker that neither answers nor closes within this is hanging

failures = []
counts = {"closed": 0, "answer": 0}


# --- encoding helpers (shared with the other raw-socket tests in kafka_wire.py) -----------------------------
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kafka_wire import bytes_, crc32c, frame, i8, i16, i32, i64, string, u32, uvarint, varint  # noqa: E402,F401


def compact_string(s): return uvarint(len(s) + 1) + s


def header(key, version, corr, client=b"hostile", flexible=False):
    h = i16(key) + i16(version) + i32(corr) + string(client)
    return h + (b"\x00" if flexible else b"")


def record_batch(records, ts=1700000000000, producer_id=-1, producer_epoch=-1, base_sequence=-1):
    """Uncompressed v2 batch, records = [(key, value, [(hkey, hval)])]."""
    body = b""
    for i, (k, v, hs) in enumerate(records):
        r = i8(0) + varint(0) + varint(i)
        r += varint(-1) if k is None else varint(len(k)) + k
        r += varint(-1) if v is None else varint(len(v)) + v
        r += varint(len(hs)) + b"".join(varint(len(hk)) + hk + varint(len(hv)) + hv for hk, hv in hs)
        body += varint(len(r)) + r
    after_crc = (i16(0) + i32(len(records) - 1) + i64(ts) + i64(ts) + i64(producer_id) + i16(producer_epoch) +
                 i32(base_sequence) +
                 i32(len(records)) + body)
    after_len = i32(-1) + i8(2) + u32(crc32c(after_crc)) + after_crc
    return i64(0) + i32(len(after_len)) + after_len


def produce_request(corr, topic, batch, version=7, acks=-1):
    return frame(header(0, version, corr) + string(None) + i16(acks) + i32(30000) +
                 i32(1) + string(topic) + i32(1) + i32(0) + bytes_(batch))


# --- connection helpers -------------------------------------------------------------------------------------
def connect():
    s = socket.create_connection(("127.0.0.1", PORT), timeout=TIMEOUT)
    s.settimeout(TIMEOUT)
    return s


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def read_response(s):
    """Returns the response payload, or None when the broker closed the connection. Raises on timeout."""
    try:
        size = recv_exact(s, 4)
        if size is None:
            return None
        n, = struct.unpack(">i", size)
        if n < 4 or n > 64 * 1024 * 1024:
            raise AssertionError("absurd response size %d" % n)
        return recv_exact(s, n)
    except (ConnectionResetError, BrokenPipeError):
        return None


def send(s, data):
    try:
        s.sendall(data)
    except (ConnectionResetError, BrokenPipeError):
        pass  # closed while we were still sending: that is an allowed outcome


def broker_alive():
    try:
        os.kill(PID, 0)
    except OSError:
        return "broker process is gone"
    try:
        s = connect()
        send(s, frame(header(18, 0, 4242)))
        r = read_response(s)
        s.close()
    except socket.timeout:
        return "ApiVersions v0 on a fresh connection timed out"
    if r is None or struct.unpack_from(">ih", r) != (4242, 0):
        return "ApiVersions v0 on a fresh connection failed: %r" % (r[:16] if r else r)
    return None


def case(name, allowed, fn):
    """Runs fn(sock) -> outcome ("closed" | "answer" | description of a failure)."""
    s = connect()
    started = time.monotonic()
    try:
        outcome = fn(s)
    except socket.timeout:
        outcome = "HANG: neither an answer nor a close within %.0f s" % TIMEOUT
    except AssertionError as e:
        outcome = "bad answer: %s" % e
    finally:
        s.close()
    alive = broker_alive()
    ok = outcome in allowed and alive is None
    if outcome in counts:
        counts[outcome] += 1
    print("%-4s %-58s -> %s%s" % ("ok" if ok else "FAIL", name, outcome, "" if alive is None else "; " + alive))
    if not ok:
        failures.append(name)
    if alive is not None and "gone" in alive:
        print("broker died; stopping", file=sys.stderr)
        sys.exit(1)


def expect_close_or_answer(corr):
    """Reads once: EOF -> closed; an answer must carry our correlation id (an error answer)."""
    def check(s):
        r = read_response(s)
        if r is None:
            return "closed"
        assert len(r) >= 4 and struct.unpack_from(">i", r)[0] == corr, "correlation id %r" % r[:4]
        return "answer"
    return check


def after_send(data, corr=None, half_close=False):
    def fn(s):
        send(s, data)
        if half_close:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        r = read_response(s)
        if r is None:
            return "closed"
        if corr is not None:
            assert struct.unpack_from(">i", r)[0] == corr, "correlation id %r" % r[:4]
        return "answer"
    return fn


CLOSED = ("closed",)
CLOSED_OR_ANSWER = ("closed", "answer")


# --- framing ------------------------------------------------------------------------------------------------
# Claimed 2 GiB - 1 (the largest int32) and just over the limit: Kafka closes without reading the body.
case("size prefix 2 GiB-1 > socket.request.max.bytes", CLOSED, after_send(i32(0x7FFFFFFF) + b"\x00" * 64))
case("size prefix 1048577 (limit + 1)", CLOSED, after_send(i32(1048577) + b"\x00" * 64))
case("size prefix 0x80000000 (2 GiB as int32: negative)", CLOSED, after_send(u32(0x80000000) + b"\x00" * 64))
case("size prefix -1", CLOSED, after_send(i32(-1) + b"\x00" * 64))
case("size prefix 0", CLOSED, after_send(i32(0) + b"\x00" * 64))
# Truncated: size 100, 10 bytes, then our side closes (half-close so we can see the broker close too).
case("truncated frame (100 claimed, 10 sent, then EOF)", CLOSED,
     after_send(i32(100) + header(18, 0, 1)[:10], half_close=True))
case("truncated size prefix (2 bytes, then EOF)", CLOSED, after_send(b"\x00\x00", half_close=True))
case("frame shorter than a request header (3 bytes)", CLOSED_OR_ANSWER, after_send(frame(b"\x00\x03\x00")))
case("client_id length overruns the frame", CLOSED_OR_ANSWER,
     after_send(frame(i16(3) + i16(1) + i32(5) + i16(300) + b"abc")))

# --- API keys and versions ----------------------------------------------------------------------------------
case("unknown api key 9999", CLOSED_OR_ANSWER, after_send(frame(header(9999, 0, 11)), corr=11))
case("unknown api key -1", CLOSED_OR_ANSWER, after_send(frame(header(-1, 0, 12)), corr=12))
case("Produce v99", CLOSED_OR_ANSWER, after_send(frame(header(0, 99, 13) + b"\x00" * 32), corr=13))
case("Fetch v-1", CLOSED_OR_ANSWER, after_send(frame(header(1, -1, 14) + b"\x00" * 32), corr=14))
case("Metadata v9 (flexible) one byte short of its tagged fields", CLOSED_OR_ANSWER,
     after_send(frame(header(3, 9, 15, flexible=True) + b"\x01\x00\x00\x00"), corr=15))


def api_versions_v99(s):
    # As librdkafka sends a newer ApiVersions: flexible header v2 and a v3-shaped body.
    body = compact_string(b"hostile") + compact_string(b"0.0.1") + b"\x00"
    send(s, frame(header(18, 99, 16, flexible=True) + body))
    r = read_response(s)
    if r is None:
        return "closed"
    corr, err, n = struct.unpack_from(">ihi", r)
    assert corr == 16, "correlation id %d" % corr
    assert err == 35, "error_code %d, expected 35 (UNSUPPORTED_VERSION)" % err
    assert 0 < n < 100 and len(r) == 10 + 6 * n, "api_keys array of %d in %d bytes" % (n, len(r))
    ranges = {}
    for i in range(n):
        key, lo, hi = struct.unpack_from(">hhh", r, 10 + 6 * i)
        assert 0 <= lo <= hi, "range of key %d: %d..%d" % (key, lo, hi)
        ranges[key] = (lo, hi)
    assert 18 in ranges and ranges[18][0] == 0 and ranges[18][1] >= 3, "ApiVersions range %r" % (ranges.get(18),)
    for key in (0, 1, 2, 3):  # Produce, Fetch, ListOffsets, Metadata
        assert key in ranges, "api key %d not advertised: %r" % (key, ranges)
    # The connection stays usable: the client retries with a version we support.
    send(s, frame(header(18, 0, 17)))
    r2 = read_response(s)
    assert r2 is not None and struct.unpack_from(">ih", r2) == (17, 0), "retry with v0: %r" % (r2[:6] if r2 else r2,)
    print("     ApiVersions v99 -> error 35 with %d ranges, e.g. %s" % (n, sorted(ranges.items())[:4]))
    return "answer"


case("ApiVersions v99 -> UNSUPPORTED_VERSION (35) with ranges", ("answer",), api_versions_v99)

# --- malformed bodies ---------------------------------------------------------------------------------------
case("Produce v7 topic array count -5", CLOSED_OR_ANSWER,
     after_send(frame(header(0, 7, 20) + string(None) + i16(-1) + i32(1000) + i32(-5)), corr=20))
case("Produce v7 topic array count 2^31-1 in a small frame", CLOSED_OR_ANSWER,
     after_send(frame(header(0, 7, 21) + string(None) + i16(-1) + i32(1000) + i32(0x7FFFFFFF)), corr=21))
case("Produce v7 partition array count -2", CLOSED_OR_ANSWER,
     after_send(frame(header(0, 7, 22) + string(None) + i16(-1) + i32(1000) + i32(1) + string(TOPIC) + i32(-2)),
                corr=22))
case("Produce v7 records length overruns the frame", CLOSED_OR_ANSWER,
     after_send(frame(header(0, 7, 23) + string(None) + i16(-1) + i32(1000) + i32(1) + string(TOPIC) + i32(1) +
                      i32(0) + i32(100000) + b"\x00" * 20), corr=23))
# Produce v9+ is flexible: compact counts (uvarint, length + 1) and a tag section after each struct.
case("Produce v11 (flexible) compact topic count 2^31 in a small frame", CLOSED_OR_ANSWER,
     after_send(frame(header(0, 11, 40, flexible=True) + b"\x00" + i16(-1) + i32(1000) + uvarint(1 << 31)),
                corr=40))
case("Produce v9 (flexible) records length overruns the frame", CLOSED_OR_ANSWER,
     after_send(frame(header(0, 9, 41, flexible=True) + b"\x00" + i16(-1) + i32(1000) + uvarint(2) +
                      uvarint(len(TOPIC) + 1) + TOPIC + uvarint(2) + i32(0) + uvarint(100000) + b"\x00" * 20),
                corr=41))
case("Produce v10 (flexible) tag section claiming 2^32 tags", CLOSED_OR_ANSWER,
     after_send(frame(header(0, 10, 42, flexible=True) + b"\x00" + i16(-1) + i32(1000) + uvarint(1) +
                      b"\xff\xff\xff\xff\x0f"), corr=42))
case("Metadata v1 topic name length overruns the frame", CLOSED_OR_ANSWER,
     after_send(frame(header(3, 1, 24) + i32(1) + i16(500) + b"short"), corr=24))
case("Metadata v4 topic name length -7", CLOSED_OR_ANSWER,
     after_send(frame(header(3, 4, 25) + i32(1) + i16(-7) + b"\x01"), corr=25))
case("Metadata v1 trailing garbage after the body", CLOSED_OR_ANSWER,
     after_send(frame(header(3, 1, 26) + i32(0) + b"\xde\xad\xbe\xef"), corr=26))
case("Fetch v4 with partition count 2^30", CLOSED_OR_ANSWER,
     after_send(frame(header(1, 4, 27) + i32(-1) + i32(500) + i32(1) + i32(1024) + i8(0) + i32(1) + string(TOPIC) +
                      i32(1 << 30)), corr=27))
case("Fetch v13 (flexible) with topic count 2^30", CLOSED_OR_ANSWER,
     after_send(frame(header(1, 13, 34, flexible=True) + i32(-1) + i32(500) + i32(1) + i32(1024) + i8(0) + i32(0) +
                      i32(-1) + uvarint(1 << 30)), corr=34))
case("Fetch v16 with a replica_state tag cut short", CLOSED_OR_ANSWER,
     after_send(frame(header(1, 16, 35, flexible=True) + i32(500) + i32(1) + i32(1024) + i8(0) + i32(0) + i32(-1) +
                      uvarint(1) + uvarint(1) + compact_string(b"") + uvarint(1) + uvarint(1) + uvarint(13) +
                      i32(2)), corr=35))


def fetch_session_unknown(s):
    """An incremental Fetch v12 (epoch 1) of a session nobody opened: FETCH_SESSION_ID_NOT_FOUND (70) at the top,
    no partitions, the connection kept."""
    send(s, frame(header(1, 12, 36, flexible=True) + i32(-1) + i32(0) + i32(1) + i32(1024) + i8(0) + i32(12345) +
                  i32(1) + uvarint(1) + uvarint(1) + compact_string(b"") + b"\x00"))
    r = read_response(s)
    if r is None:
        return "closed"
    corr, = struct.unpack_from(">i", r)
    # correlation id, header tags (0), throttle, error, session id, topics (compact 1 = none), tags
    err, sid = struct.unpack_from(">hi", r, 4 + 1 + 4)
    assert corr == 36 and err == 70 and sid == 0, (corr, err, sid)
    print("     incremental fetch of an unknown session -> error %d" % err)
    return "answer"


case("Fetch v12 incremental of an unknown session -> error 70", ("answer",), fetch_session_unknown)


def create_huge_topic(s):
    send(s, frame(header(19, 2, 28) + i32(1) + string(b"huge-topic") + i32(1000000) + i16(1) + i32(0) + i32(0) +
                  i32(30000) + i8(0)))
    r = read_response(s)
    if r is None:
        return "closed"
    corr, throttle, n, ln = struct.unpack_from(">iiih", r)
    assert corr == 28 and n == 1 and r[14:14 + ln] == b"huge-topic", r[:40]
    err, = struct.unpack_from(">h", r, 14 + ln)
    assert err != 0, "a topic with 1,000,000 partitions was created"
    print("     CreateTopics 1,000,000 partitions -> error %d" % err)
    return "answer"


case("CreateTopics v2 with 1,000,000 partitions (valid frame) -> error", CLOSED_OR_ANSWER, create_huge_topic)


# --- record batches: CRC and size -----------------------------------------------------------------------------
def produce_errors(r):
    """Parses a Produce v7 response: [(topic, partition, error_code, base_offset)]."""
    pos = 4
    out = []
    n, = struct.unpack_from(">i", r, pos); pos += 4
    for _ in range(n):
        ln, = struct.unpack_from(">h", r, pos); pos += 2
        name = r[pos:pos + ln]; pos += ln
        m, = struct.unpack_from(">i", r, pos); pos += 4
        for _ in range(m):
            p, err, base = struct.unpack_from(">ihq", r, pos); pos += 4 + 2 + 8 + 8 + 8
            out.append((name, p, err, base))
    return out


def produce_expect(batch, corr, want_error):
    def fn(s):
        send(s, produce_request(corr, TOPIC, batch))
        r = read_response(s)
        if r is None:
            return "closed"
        assert struct.unpack_from(">i", r)[0] == corr, "correlation id"
        errs = produce_errors(r)
        assert len(errs) == 1 and errs[0][:2] == (TOPIC, 0), errs
        assert errs[0][2] == want_error, "error_code %d, expected %d" % (errs[0][2], want_error)
        return "answer"
    return fn


good = record_batch([(b"k%d" % i, b"hostile-control-%d" % i, [(b"h", b"v")]) for i in range(10)])
case("control: a valid hand-built batch is accepted (error 0)", ("answer",), produce_expect(good, 30, 0))
corrupt = bytearray(record_batch([(b"k%d" % i, b"will-be-corrupted-%d" % i, []) for i in range(10)]))
corrupt[-3] ^= 0x55  # inside the last record's value: covered by the CRC
case("Produce batch with a bad CRC -> CORRUPT_MESSAGE (2)", ("answer",), produce_expect(bytes(corrupt), 31, 2))
bad_crc_field = bytearray(good)
bad_crc_field[17] ^= 0xFF  # the CRC field itself
case("Produce batch with a flipped CRC field -> CORRUPT_MESSAGE (2)", ("answer",),
     produce_expect(bytes(bad_crc_field), 32, 2))


def fetch_unknown_topic(corr):
    """Fetch v4 of a topic that does not exist: UNKNOWN_TOPIC_OR_PARTITION with an EMPTY record set. A null
    one (size -1) makes librdkafka drop the whole response ("invalid MessageSetSize -1")."""
    def fn(s):
        topic = b"no-such-topic-hostile"
        send(s, frame(header(1, 4, corr) + i32(-1) + i32(0) + i32(1) + i32(1 << 20) + b"\x00" + i32(1)
                      + i16(len(topic)) + topic + i32(1) + i32(0) + struct.pack(">q", 0) + i32(1 << 20)))
        r = read_response(s)
        if r is None:
            return "closed"
        pos = 4 + 4 + 4  # correlation id, throttle, topic count
        ln, = struct.unpack_from(">h", r, pos)
        pos += 2 + ln + 4
        part, err, _hw, _lso, aborted = struct.unpack_from(">ihqqi", r, pos)
        pos += 4 + 2 + 8 + 8 + 4 + max(aborted, 0) * 16
        size, = struct.unpack_from(">i", r, pos)
        assert err == 3, "error_code %d, expected 3" % err
        assert size == 0, "record set size %d, expected 0 (empty, not null)" % size
        return "answer"
    return fn


case("Fetch of an unknown topic -> error 3, empty (not null) records", ("answer",), fetch_unknown_topic(33))


def produce_acks0_then_metadata(batch, corr):
    """acks=0 gets no answer; a failed one closes the connection (Kafka), a good one keeps it: a Metadata
    request after it tells which."""
    def fn(s):
        send(s, produce_request(corr, TOPIC, batch, acks=0))
        send(s, frame(header(3, 1, corr + 1) + i32(0)))
        r = read_response(s)
        if r is None:
            return "closed"
        assert struct.unpack_from(">i", r)[0] == corr + 1, "correlation id of the Metadata answer"
        return "answer"
    return fn


case("acks=0 Produce with a bad CRC -> connection closed", ("closed",), produce_acks0_then_metadata(bytes(corrupt), 33))
case("acks=0 Produce of a good batch -> connection kept", ("answer",), produce_acks0_then_metadata(good, 35))
big = record_batch([(None, b"x" * (MAX_MESSAGE_BYTES // 4), []) for _ in range(5)])
assert MAX_MESSAGE_BYTES < len(big) < 1048576 - 200
case("Produce batch of %d bytes > max.message.bytes -> MESSAGE_TOO_LARGE (10)" % len(big), ("answer",),
     produce_expect(big, 33, 10))
case("Produce with batch_length beyond the records -> CORRUPT_MESSAGE (2)", ("answer",),
     produce_expect(good[:8] + i32(len(good) + 100) + good[12:], 34, 2))
case("Produce with a truncated batch (half of it) -> CORRUPT_MESSAGE (2)", ("answer",),
     produce_expect(good[:len(good) // 2], 35, 2))
case("Produce with 7 bytes of records -> CORRUPT_MESSAGE (2)", ("answer",), produce_expect(b"\x00" * 7, 36, 2))
# Producer ids come from InitProducerId; made-up ones would each cost producer state (issue 8 item 11).
for n, pid in enumerate((123456789, 2**62)):
    forged = record_batch([(b"k", b"forged-producer", [])], producer_id=pid, producer_epoch=0, base_sequence=0)
    case("Produce with never-issued producer id %d -> UNKNOWN_PRODUCER_ID (59)" % pid, ("answer",),
         produce_expect(forged, 37 + n, 59))


# --- abrupt disconnects ---------------------------------------------------------------------------------------
def pipelined_then_reset(s):
    send(s, b"".join(frame(header(3, 1, 100 + i) + i32(-1)) for i in range(50)))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close sends RST
    return "closed"


case("50 pipelined Metadata requests, then RST", CLOSED, pipelined_then_reset)


def produce_then_reset(s):
    send(s, b"".join(produce_request(200 + i, TOPIC, good) for i in range(20)))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return "closed"


case("20 pipelined Produce requests, then RST", CLOSED, produce_then_reset)


def max_size_garbage(s):
    # Exactly socket.request.max.bytes of junk behind a real header: allowed in size, rejected when decoded.
    body = header(0, 7, 300) + bytes(random.Random(7).getrandbits(8) for _ in range(1048576 - 17))
    assert len(body) == 1048576
    send(s, frame(body))
    r = read_response(s)
    if r is None:
        return "closed"
    assert struct.unpack_from(">i", r)[0] == 300, "correlation id"
    return "answer"


case("Produce frame of exactly socket.request.max.bytes of junk", CLOSED_OR_ANSWER, max_size_garbage)


def idle_partial_frames(s):
    # 50 other connections each hold half a frame open (as a slow client would); the broker must keep
    # serving everyone else meanwhile (this case's own connection asks for metadata).
    held = []
    try:
        for i in range(50):
            c = connect()
            send(c, i32(1000) + b"\x00" * (i % 10))
            held.append(c)
        send(s, frame(header(3, 1, 400) + i32(-1)))
        r = read_response(s)
        assert r is not None and struct.unpack_from(">i", r)[0] == 400, "metadata while 50 partial frames are open"
        alive = broker_alive()
        assert alive is None, alive
        return "answer"
    finally:
        for c in held:
            c.close()


case("metadata answered while 50 connections hold partial frames", ("answer",), idle_partial_frames)

# --- garbage (fixed seeds) --------------------------------------------------------------------------------------
rng = random.Random(20240607)
for i in range(40):
    n = rng.choice([1, 3, 4, 7, 16, 64, 300, 4096])
    data = bytes(rng.getrandbits(8) for _ in range(n))
    # Raw random bytes, then EOF: whatever the prefix claims, the broker must not hang or die.
    case("raw garbage #%d (%d bytes, then EOF)" % (i, n), CLOSED_OR_ANSWER, after_send(data, half_close=True))

# Well-framed random bodies behind a real header: exercises every API's decoder with junk.
keys = [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22]
fuzzed = 0
for i in range(300):
    key = rng.choice(keys)
    version = rng.randint(0, 12)
    n = rng.choice([0, 1, 2, 5, 10, 30, 100, 1000])
    body = bytes(rng.getrandbits(8) for _ in range(n))
    s = connect()
    try:
        send(s, frame(header(key, version, 1000 + i, flexible=rng.random() < 0.5) + body))
        r = read_response(s)
        outcome = "closed" if r is None else "answer"
    except socket.timeout:
        outcome = "HANG"
    finally:
        s.close()
    counts[outcome] = counts.get(outcome, 0) + 1
    fuzzed += 1
    if outcome == "HANG":
        failures.append("framed garbage #%d key %d v%d" % (i, key, version))
        print("FAIL framed garbage #%d (key %d v%d, %d bytes) hung" % (i, key, version, n))
    if i % 50 == 49:
        alive = broker_alive()
        if alive is not None:
            failures.append("framed garbage up to #%d: %s" % (i, alive))
            print("FAIL after framed garbage #%d: %s" % (i, alive))
            if "gone" in alive:
                sys.exit(1)
print("ok   %d framed random bodies behind real headers (keys %s, versions 0-12)" % (fuzzed, keys))

print("outcomes: %s" % counts)
if failures:
    print("hostile_input: %d FAILED: %s" % (len(failures), failures))
    sys.exit(1)
print("hostile_input.py: ok")
