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


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


# Every wait below is a bound for a broken broker, never an expectation of speed: on a loaded 2-core machine
# (ctest -j2 beside parallel builds) the broker may take seconds to get to a connection, so no check may
# assume it has done something within a fixed time. Only "did it happen" is checked, each with a wait
# that a working broker always beats.
WAIT = 30.0


def exchange(s, corr=4242):
    """None when an ApiVersions round trip on s works, else why not."""
    try:
        s.sendall(api_versions_request(corr))
        r = read_response(s)
    except OSError as e:
        return "%s: %s" % (type(e).__name__, e)
    if r is None:
        return "closed by the broker"
    return None if r[:4] == corr.to_bytes(4, "big") else "wrong correlation id %r" % r[:4]


def served(s, corr=4242):
    return exchange(s, corr) is None


def closed_by_broker(s, wait):
    """True when the broker closes s within `wait` seconds (EOF or reset), False when it stays open."""
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def runnable_ns():
    """Per broker thread: nanoseconds it has run plus waited to run (/proc/PID/task/TID/schedstat)."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % PID):
        try:
            with open("/proc/%d/task/%s/schedstat" % (PID, tid)) as f:
                run, wait = f.read().split()[:2]
            out[tid] = int(run) + int(wait)
        except OSError:
            pass  # the thread ended
    return out


def busiest_thread_share(seconds):
    """The largest share of `seconds` that one broker thread spent running or waiting for a core. A thread
    that spins is runnable all the time (share ~1) however loaded the machine is, while its CPU time would
    shrink with the load; an idle thread sleeps (share ~0)."""
    t0, r0 = time.monotonic(), runnable_ns()
    time.sleep(seconds)
    t1, r1 = time.monotonic(), runnable_ns()
    return max([(r1[t] - r0[t]) / 1e9 / (t1 - t0) for t in r1 if t in r0] + [0.0])


def per_ip(limit):
    # Connected one after another, so the broker's accept order is this order: the first `limit` are
    # admitted (each answers a request, which a refused connection never does), the rest are closed.
    socks = [connect(PORT, timeout=WAIT) for _ in range(limit + 10)]
    for i in range(limit):
        why = exchange(socks[i])
        if why:
            fail("admitted connection %d of %d is not served: %s" % (i, limit, why))
    open_ = [i for i in range(limit, limit + 10) if not closed_by_broker(socks[i], WAIT)]
    print("%d connections from 127.0.0.1 with max.connections.per.ip=%d: the first %d served, the last %d closed "
          "by the broker" % (len(socks), limit, limit, 10 - len(open_)))
    if open_:
        fail("connections %r beyond max.connections.per.ip=%d were not closed within %.0f s" % (open_, limit, WAIT))
    for s in socks:
        s.close()
    # The slots are given back: a full set of connections is admitted again and served. The broker learns
    # of the closes asynchronously, so a set that comes too early may still be refused in part: retry.
    deadline = time.monotonic() + 2 * WAIT
    attempts = 0
    while True:
        attempts += 1
        socks = [connect(PORT, timeout=WAIT) for _ in range(limit)]
        refused = [i for i, s in enumerate(socks) if not served(s)]
        for s in socks:
            s.close()
        if not refused:
            break
        if time.monotonic() > deadline:
            fail("after closing every connection, %d of %d new ones are still refused" % (len(refused), limit))
        time.sleep(0.2)
    print("after closing them all, %d new connections are admitted and served (attempt %d)" % (limit, attempts))


def total(limit):
    """At max.connections the broker stops accepting: the next clients wait (not refused) until one closes."""
    socks = [connect(PORT, timeout=WAIT) for _ in range(limit)]
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
    waiting.settimeout(WAIT)
    r = read_response(waiting)
    if r is None or r[:4] != (77).to_bytes(4, "big"):
        fail("the waiting connection was not served after another one closed")
    print("max.connections=%d: connection %d waits until one closes, then is served" % (limit, limit + 1))
    for s in socks + [waiting]:
        s.close()


def idle(idle_ms):
    """An idle connection is closed, not before connections.max.idle.ms; one that sends requests is not.

    Times are taken on the client so that load can only make them look longer, never shorter: the broker's
    last activity on a connection is never before the client sent its last request there."""
    period = idle_ms / 1000
    quiet = connect(PORT, timeout=WAIT)
    quiet_sent = time.monotonic()
    why = exchange(quiet)
    if why:
        fail("the quiet connection is not served: %s" % why)

    def new_busy():
        s = connect(PORT, timeout=WAIT)
        return s, time.monotonic()

    busy, busy_sent = new_busy()
    stalls = 0
    closed_at = None
    # The busy connection sends a request every period / 4 for 3 periods; the quiet one sends nothing.
    while time.monotonic() - quiet_sent < 3 * period:
        sent = time.monotonic()
        why = exchange(busy)
        if why:
            gap = time.monotonic() - busy_sent
            if gap < period:
                fail("the busy connection was closed %.2f s after its previous request: %s" % (gap, why))
            # This client itself did not run for a whole period (a loaded machine): the broker was right to
            # close it. Not a finding either way; start another busy connection.
            stalls += 1
            if stalls > 20:
                fail("the client stalled for longer than connections.max.idle.ms 20 times")
            busy, busy_sent = new_busy()
            continue
        busy_sent = sent
        if closed_at is None and closed_by_broker(quiet, period / 4):
            closed_at = time.monotonic() - quiet_sent
        elif closed_at is not None:
            time.sleep(period / 4)
    if closed_at is None and closed_by_broker(quiet, WAIT):
        closed_at = time.monotonic() - quiet_sent
    print("connections.max.idle.ms=%d: idle connection closed %s s after its last request; busy connection still "
          "open%s" % (idle_ms, "%.1f" % closed_at if closed_at is not None else "never",
                      " (%d client stalls)" % stalls if stalls else ""))
    if closed_at is None:
        fail("the idle connection was not closed")
    if closed_at < period * 0.9:
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
    # The broker accepts what its descriptors allow, then must go quiet. It may still be busy accepting in
    # the first windows on a loaded machine: a spinning broker stays runnable in every window.
    shares = []
    for _ in range(10):
        shares.append(busiest_thread_share(2.0))
        if shares[-1] <= 0.15:
            break
    print("%d idle connections: busiest broker thread runnable %s of each 2 s window" %
          (n, ", ".join("%.0f%%" % (100 * x) for x in shares)))
    if shares[-1] > 0.15:  # spinning: ~100% runnable; idle: ~0%
        fail("the broker spins (a thread runnable %.0f%% of the time) with %d idle connections" % (100 * shares[-1], n))
    for s in socks:
        s.close()
    deadline = time.monotonic() + 2 * WAIT
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
            fail("no new client served within %.0f s after the flood closed" % (2 * WAIT))
        time.sleep(0.2)
    print("after the flood closed, a new client is served")


{"per_ip": per_ip, "total": total, "idle": idle, "flood": flood}[MODE](ARG)
