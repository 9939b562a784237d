#!/usr/bin/env bash
# A client that pipelines 60 Produce requests of 48 MiB each (below socket.request.max.bytes, so each frame
# is legal) as fast as loopback carries them: the broker, under a 1 GiB memory ceiling, must hold only a
# bounded number of request bytes per connection (not 60 x 48 MiB), answer every request in order (each
# batch is refused as too large for message.max.bytes, the cheap path), stay alive and keep serving.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/memlimit_lib.sh"
PY=/usr/bin/python3
limit_broker_memory $((1024 * 1024 * 1024))
start_broker
"$SAMSA" topics create flood --partitions 1 $B >/dev/null || fail "topics create flood"
timeout 300 $PY - "$KAFKA_PORT" "$BROKER_PID" <<'PYEOF' || fail "request flood client reported a failure"
import os, socket, struct, sys, threading, time
sys.path.insert(0, os.path.join(os.environ.get("E2E_DIR", "."), ""))
port, pid = int(sys.argv[1]), int(sys.argv[2])
def i16(v): return struct.pack(">h", v)
def i32(v): return struct.pack(">i", v)
def string(s): return i16(len(s)) + s
N, SIZE = 60, 48 << 20
blob = b"\0" * (SIZE - 200)  # not a valid batch: refused cheaply, but the whole frame must be read
def frame(corr):
    body = (i16(0) + i16(7) + i32(corr) + string(b"flood") + i16(-1) + i16(1) + i32(30000) + i32(1)
            + string(b"flood") + i32(1) + i32(0) + i32(len(blob)) + blob)
    return i32(len(body)) + body
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(120)
peak = [0]
def watch():
    while not done[0]:
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        peak[0] = max(peak[0], int(line.split()[1]) * 1024)
        except OSError:
            return
        time.sleep(0.02)
done = [False]
threading.Thread(target=watch, daemon=True).start()
def send_all():
    for c in range(N):
        s.sendall(frame(c))
sender = threading.Thread(target=send_all)
sender.start()
def recv_exact(n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise SystemExit("broker closed the connection after %d bytes" % len(buf))
        buf += chunk
    return buf
for c in range(N):
    size, = struct.unpack(">i", recv_exact(4))
    body = recv_exact(size)
    corr, = struct.unpack_from(">i", body)
    assert corr == c, "answer %d out of order (got %d)" % (c, corr)
sender.join()
done[0] = True
print("peak broker RSS while flooded: %.0f MiB" % (peak[0] / 1048576.0))
if peak[0] > 400 << 20:
    raise SystemExit("broker RSS reached %.0f MiB: request bytes are not bounded" % (peak[0] / 1048576.0))
PYEOF
kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died"
"$SAMSA" topics list $B >/dev/null || fail "broker no longer serves"
stop_broker
echo "request_flood: ok"
