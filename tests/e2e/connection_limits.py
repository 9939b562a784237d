"""Connection limits of the Kafka listener against a running broker (raw sockets, stdlib only).

    connection_limits.py per_ip PORT BROKER_PID LIMIT   # LIMIT+10 connections: the extra ones are closed
    connection_limits.py total PORT BROKER_PID LIMIT    # at max.connections the next client waits for a slot
    connection_limits.py idle PORT BROKER_PID IDLE_MS   # an idle connection is closed, an active one is not
    connection_limits.py flood PORT BROKER_PID N        # N idle connections beyond RLIMIT_NOFILE: no spinning
"""
import os
import resource
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kafka_wire import api_versions_request, connect, read_response  # noqa: E402

MODE, PORT, PID, ARG = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
CLK_TCK = os.sysconf("SC_CLK_TCK")


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def served(s, corr=4242):
    """An ApiVersions round trip on s works."""
    try:
        s.sendall(api_versions_request(corr))
        r = read_response(s)
    except OSError:
        return False
    return r is not None and r[:4] == corr.to_bytes(4, "big")


def closed_by_broker(s, wait):
    """True when the broker closes s within `wait` seconds (EOF or reset), False when it stays open."""
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def cpu_ticks():
    with open("/proc/%d/stat" % PID) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def per_ip(limit):
    socks = [connect(PORT) for _ in range(limit + 10)]
    time.sleep(1.0)  # let the broker accept every one of them
    closed = [i for i, s in enumerate(socks) if closed_by_broker(s, 0.05)]
    print("%d connections from 127.0.0.1 with max.connections.per.ip=%d: %d closed by the broker (%s)" %
          (len(socks), limit, len(closed), closed[:3] + (["..."] if len(closed) > 3 else [])))
    if closed != list(range(limit, limit + 10)):
        fail("expected exactly connections %d..%d to be closed, got %r" % (limit, limit + 9, closed))
    if not served(socks[0]) or not served(socks[limit - 1]):
        fail("an admitted connection is not served")
    for s in socks:
        s.close()
    # The slots are given back: a full set of connections is admitted again and served.
    deadline = time.monotonic() + 10
    while True:
        socks = [connect(PORT) for _ in range(limit)]
        time.sleep(0.3)
        closed = [i for i, s in enumerate(socks) if closed_by_broker(s, 0.01)]
        if not closed:
            break
        for s in socks:
            s.close()
        if time.monotonic() > deadline:
            fail("after closing every connection, %d of %d new ones are still refused" % (len(closed), limit))
        time.sleep(0.2)
    if not all(served(s) for s in socks):
        fail("new connections after the old ones closed are not served")
    for s in socks:
        s.close()
    print("after closing them all, %d new connections are admitted and served" % limit)


def total(limit):
    """At max.connections the broker stops accepting: the next clients wait (not refused) until one closes."""
    socks = [connect(PORT) for _ in range(limit)]
    if not all(served(s) for s in socks):
        fail("a connection below max.connections is not served")
    waiting = connect(PORT)  # completes in the listen backlog
    waiting.settimeout(1.0)
    waiting.sendall(api_versions_request(77))
    try:
        r = read_response(waiting)
        fail("connection %d was served at max.connections=%d (%r)" % (limit + 1, limit, r and r[:8]))
    except socket.timeout:
        pass
    socks.pop().close()
    waiting.settimeout(10.0)
    r = read_response(waiting)
    if r is None or r[:4] != (77).to_bytes(4, "big"):
        fail("the waiting connection was not served after another one closed")
    print("max.connections=%d: connection %d waits until one closes, then is served" % (limit, limit + 1))
    for s in socks + [waiting]:
        s.close()


def idle(idle_ms):
    quiet = connect(PORT)
    busy = connect(PORT)
    if not served(quiet) or not served(busy):
        fail("not served")
    started = time.monotonic()
    closed_at = None
    # The busy connection sends a request every idle_ms / 4 for 3 idle periods; the quiet one sends nothing.
    while time.monotonic() - started < 3 * idle_ms / 1000:
        if not served(busy):
            fail("the busy connection was closed after %.1f s" % (time.monotonic() - started))
        if closed_at is None and closed_by_broker(quiet, idle_ms / 4000):
            closed_at = time.monotonic() - started
        elif closed_at is not None:
            time.sleep(idle_ms / 4000)
    if closed_at is None and closed_by_broker(quiet, 5.0):
        closed_at = time.monotonic() - started
    print("connections.max.idle.ms=%d: idle connection closed after %s s; busy connection still open" %
          (idle_ms, "%.1f" % closed_at if closed_at is not None else "never"))
    if closed_at is None:
        fail("the idle connection was not closed")
    if closed_at < idle_ms / 1000 * 0.9:
        fail("the idle connection was closed too early (%.1f s)" % closed_at)
    busy.close()
    quiet.close()


def flood(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, n + 100)), hard))
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", PORT))  # completes in the kernel's listen backlog if not accepted
        socks.append(s)
    time.sleep(2.0)  # let the broker accept what it will
    t0, c0 = time.monotonic(), cpu_ticks()
    time.sleep(2.0)
    t1, c1 = time.monotonic(), cpu_ticks()
    share = (c1 - c0) / CLK_TCK / (t1 - t0)
    print("%d idle connections: broker CPU %.0f%% of a core over %.1f s" % (n, 100 * share, t1 - t0))
    if share > 0.15:  # spinning measured 40-100% (less on a loaded machine), idle 0%
        fail("the broker spins at %.0f%% of a core with %d idle connections" % (100 * share, n))
    for s in socks:
        s.close()
    deadline = time.monotonic() + 15
    while True:
        try:
            s = connect(PORT, timeout=2.0)
            ok = served(s)
            s.close()
            if ok:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            fail("no new client served within 15 s after the flood closed")
        time.sleep(0.2)
    print("after the flood closed, a new client is served")


{"per_ip": per_ip, "total": total, "idle": idle, "flood": flood}[MODE](ARG)
