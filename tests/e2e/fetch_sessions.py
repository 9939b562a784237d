"""Raw-TCP side of tests/e2e/fetch_sessions.sh: incremental fetch sessions (KIP-227) over Fetch v11 (classic
encoding) and v12 (flexible), the sessionless answer of epoch -1, the session errors (70, 71), and Fetch
v13's UNKNOWN_TOPIC_ID. Usage: fetch_sessions.py KAFKA_PORT HTTP_PORT (topic "sess" exists with 2
partitions, empty)."""
import sys
import urllib.request

from admin_wire import Reader, cstring
from kafka_wire import connect, frame, header, i8, i32, i64, produce_request, read_response, record_batch, string
from kafka_wire import uvarint

TOPIC = b"sess"
failures = []


def check(name, got, want):
    ok = got == want
    print("%-4s %-78s %s" % ("ok" if ok else "FAIL", name, got))
    if not ok:
        failures.append("%s: got %s, want %s" % (name, got, want))


def fetch_body(version, session_id, epoch, parts, forgotten=(), topic_id=None):
    """Fetch v11/v12/v13 of partitions [(partition, offset)] of TOPIC (by id in v13), forgetting `forgotten`."""
    flex = version >= 12
    arr = (lambda n: uvarint(n + 1)) if flex else i32
    name = (lambda: topic_id) if version >= 13 else ((lambda: cstring(TOPIC)) if flex else (lambda: string(TOPIC)))
    tags = b"\x00" if flex else b""
    body = i32(-1) + i32(0) + i32(1) + i32(1 << 20) + i8(0) + i32(session_id) + i32(epoch)
    if parts:
        body += arr(1) + name() + arr(len(parts))
        for p, off in parts:
            body += i32(p) + i32(-1) + i64(off) + (i32(-1) if flex else b"") + i64(-1) + i32(1 << 20) + tags
        body += tags
    else:
        body += arr(0)
    if forgotten:
        body += arr(1) + name() + arr(len(forgotten)) + b"".join(i32(p) for p in forgotten) + tags
    else:
        body += arr(0)
    body += (cstring(b"") if flex else string(b"")) + tags
    hdr = header(1, version, 0)
    if flex:
        hdr += b"\x00"  # request header v2: tag section
    return hdr, body


def fetch(s, corr, version, session_id, epoch, parts, forgotten=(), topic_id=None):
    """(top error, session id, {partition: (error, high watermark, record bytes)})."""
    hdr, body = fetch_body(version, session_id, epoch, parts, forgotten, topic_id)
    hdr = hdr[:4] + i32(corr) + hdr[8:]
    s.sendall(frame(hdr + body))
    r = Reader(read_response(s), version >= 12)
    assert r.take(">i") == corr
    r.tags()  # response header v1
    r.take(">i")  # throttle
    err, sid = r.take(">h"), r.take(">i")
    out = {}
    for _ in range(r.count()):
        if version >= 13:
            r.p += 16
        else:
            r.string()
        for _ in range(r.count()):
            p, perr, hw = r.take(">i"), r.take(">h"), r.take(">q")
            r.take(">q")
            r.take(">q")
            n = r.count()
            r.p += max(n, 0) * (17 if r.flex else 16)
            r.take(">i")  # preferred read replica
            size = r.uvarint() - 1 if r.flex else r.take(">i")
            out[p] = (perr, hw, max(size, 0))
            r.p += max(size, 0)
            r.tags()
        r.tags()
    r.tags()
    return err, sid, out


def produce(s, corr, partition, values):
    s.sendall(produce_request(corr, TOPIC, partition, record_batch(values), acks=1))
    read_response(s)


def metric(http_port, name):
    text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % http_port, timeout=10).read().decode()
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.split()[-1])
    return None


def session_walk(s, version, corr):
    """One session's life at `version`; the partitions' high watermarks grow by what is produced here."""
    tag = "v%d" % version
    hw0 = fetch(s, corr, version, 0, -1, [(0, 0), (1, 0)])[2]
    base0, base1 = hw0[0][1], hw0[1][1]
    produce(s, corr + 1, 0, [b"a", b"b", b"c"])
    err, sid, parts = fetch(s, corr + 2, version, 0, 0, [(0, base0), (1, base1)])
    check(tag + " full fetch (epoch 0): a session id", (err, sid != 0), (0, True))
    check(tag + " full fetch lists every partition, p0 with its records",
          (sorted(parts), parts[0][1], parts[0][2] > 0, parts[1][2]), ([0, 1], base0 + 3, True, 0))
    err, sid2, parts = fetch(s, corr + 3, version, sid, 1, [(0, base0 + 3)])
    check(tag + " incremental (epoch 1), p0 moved to its end: nothing new to list", (err, sid2, parts), (0, sid, {}))
    produce(s, corr + 4, 1, [b"x", b"y"])
    err, _, parts = fetch(s, corr + 5, version, sid, 2, [])
    check(tag + " incremental (epoch 2) naming nothing: p1 listed with its new records",
          (err, sorted(parts), parts.get(1, (0, 0, 0))[1], parts.get(1, (0, 0, 0))[2] > 0),
          (0, [1], base1 + 2, True))
    check(tag + " the same epoch again: INVALID_FETCH_SESSION_EPOCH (71)",
          fetch(s, corr + 6, version, sid, 2, [])[:2], (71, 0))
    check(tag + " an unknown session: FETCH_SESSION_ID_NOT_FOUND (70)",
          fetch(s, corr + 7, version, sid ^ 0x5A5A5A, 1, [])[:2], (70, 0))
    err, _, parts = fetch(s, corr + 8, version, sid, 3, [], forgotten=[1])
    check(tag + " incremental (epoch 3) forgetting p1 (its offset is still 0: it would have data)",
          (err, parts), (0, {}))
    produce(s, corr + 9, 1, [b"z"])
    check(tag + " p1 forgotten: its new records are not listed (epoch 4)",
          fetch(s, corr + 10, version, sid, 4, []), (0, sid, {}))
    err, sid3, parts = fetch(s, corr + 11, version, sid, -1, [(0, base0)])
    check(tag + " epoch -1 closes the session: a sessionless answer of what it names",
          (err, sid3, sorted(parts)), (0, 0, [0]))
    check(tag + " the closed session is gone (70)", fetch(s, corr + 12, version, sid, 5, [])[:2], (70, 0))


def main(port, http_port):
    s = connect(port)
    before = metric(http_port, "samsa_kafka_fetch_sessions_incremental_total") or 0
    session_walk(s, 11, 100)
    session_walk(s, 12, 200)
    after = metric(http_port, "samsa_kafka_fetch_sessions_incremental_total")
    check("/metrics counts the incremental fetches answered (2 x 4)", after - before, 8)
    check("/metrics counts the session errors (2 x 3)", metric(http_port, "samsa_kafka_fetch_session_errors_total"), 6)
    # v13 names topics by id: an id nobody knows is UNKNOWN_TOPIC_ID (100) for each of its partitions.
    unknown = bytes(range(1, 17))
    err, sid, parts = fetch(s, 300, 13, 0, -1, [(0, 0), (1, 0)], topic_id=unknown)
    check("v13 of an unknown topic id: UNKNOWN_TOPIC_ID per partition",
          (err, sid, {p: v[0] for p, v in parts.items()}), (0, 0, {0: 100, 1: 100}))
    s.close()
    if failures:
        print("fetch_sessions: %d FAILED" % len(failures))
        sys.exit(1)
    print("fetch_sessions.py: ok")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
