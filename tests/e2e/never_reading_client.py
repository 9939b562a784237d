"""A client that pipelines Fetch requests and never reads the answers must not grow the broker without
bound (the broker stops reading from it once a bounded amount of answers waits to be written), must not
starve other clients, and must get every answer, correct and in order, once it drains them. Also checks
that a Fetch honours max_bytes across the answer (Kafka: whole batches up to max_bytes, but at least one).

    never_reading_client.py PORT BROKER_PID TOPIC REQUESTS MAX_HWM_MIB

TOPIC exists with one partition and is empty. Every socket read has a timeout, so a hung broker fails the
test instead of hanging it.
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kafka_wire import (api_versions_request, batch_sizes, connect, fetch_request, parse_fetch_v4,  # noqa: E402
                        produce_request, read_response, record_batch)

PORT, PID, TOPIC = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].encode()
REQUESTS, MAX_HWM_MIB = int(sys.argv[4]), int(sys.argv[5])
MiB = 1 << 20
BATCHES, VALUE = 28, 300 * 1024          # about 8.4 MiB in the partition, 300 KiB per batch
HOSTILE_MAX = 2 * MiB                    # each pipelined fetch asks for up to 2 MiB (6 batches)


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def status(field):
    try:
        with open("/proc/%d/status" % PID) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) // 1024  # MiB
    except OSError:
        return None
    return None


def alive():
    try:
        os.kill(PID, 0)
        return True
    except OSError:
        return False


def fetch_once(max_bytes, partition_max_bytes, corr=7):
    s = connect(PORT)
    s.sendall(fetch_request(corr, TOPIC, 0, 0, max_bytes, partition_max_bytes))
    r = read_response(s)
    s.close()
    if r is None:
        fail("fetch: connection closed")
    got_corr, parts = parse_fetch_v4(r)
    if got_corr != corr or len(parts) != 1 or parts[0][2] != 0:
        fail("fetch: unexpected answer corr=%d %r" % (got_corr, [(p[1], p[2]) for p in parts]))
    return len(r) + 4, parts[0][4]


# 1. Data: 28 batches of 300 KiB.
batch = record_batch([b"v" * VALUE], ts=int(time.time() * 1000))  # now: old timestamps would expire
s = connect(PORT)
for i in range(BATCHES):
    s.sendall(produce_request(i, TOPIC, 0, batch))
for i in range(BATCHES):
    r = read_response(s)
    # Produce v7 answer: corr, [topic, [partition, error_code, ...]], throttle.
    err_at = 4 + 4 + 2 + len(TOPIC) + 4 + 4
    if r is None or struct.unpack_from(">ih", r, err_at - 4)[1] != 0:
        fail("produce %d failed: %r" % (i, r and r[:40]))
s.close()
total = BATCHES * len(batch)

ref_size, ref_records = fetch_once(HOSTILE_MAX, 64 * MiB)
print("reference answer for the pipelined fetch: %d bytes" % ref_size)

# 2. The never-reading client: REQUESTS pipelined fetches, no reads (the kernel buffers a few MiB of
# answers on both ends; everything beyond waits in the broker, which must bound it).
hostile = connect(PORT)
payload = b"".join(fetch_request(i, TOPIC, 0, 0, HOSTILE_MAX, 64 * MiB) for i in range(REQUESTS))
hostile.sendall(payload)
print("sent %d pipelined fetches (%.0f MiB of answers if all were computed); not reading" %
      (REQUESTS, REQUESTS * ref_size / MiB))
peak = 0
deadline = time.monotonic() + 8
while time.monotonic() < deadline:
    if not alive():
        fail("the broker died while the client did not read (memory ceiling reached?)")
    peak = max(peak, status("VmRSS") or 0)
    time.sleep(0.1)
hwm = status("VmHWM")
print("broker while the client does not read: VmRSS peak sampled %d MiB, VmHWM %d MiB (bound %d MiB)" %
      (peak, hwm, MAX_HWM_MIB))
if hwm is None or hwm > MAX_HWM_MIB:
    fail("broker memory grew to VmHWM %s MiB with a never-reading client" % hwm)

# 3. Other clients are still served.
s = connect(PORT)
s.sendall(api_versions_request(4242))
r = read_response(s)
s.close()
if r is None or r[:4] != b"\x00\x00\x10\x92":
    fail("ApiVersions on a fresh connection failed while the hostile client stalls")
size, _ = fetch_once(MiB, 64 * MiB)
print("another client is served meanwhile (fetch answer %d bytes)" % size)

# 4. The hostile client drains: every answer arrives, in order, identical to the reference.
started = time.monotonic()
hostile.settimeout(60.0)
for i in range(REQUESTS):
    r = read_response(hostile)
    if r is None:
        fail("hostile connection closed after %d of %d answers" % (i, REQUESTS))
    corr, parts = parse_fetch_v4(r)
    if corr != i:
        fail("answer %d carries correlation id %d: out of order" % (i, corr))
    if len(parts) != 1 or parts[0][2] != 0 or parts[0][4] != ref_records:
        fail("answer %d differs from the reference: %r" % (i, [(p[1], p[2], p[3], len(p[4])) for p in parts]))
hostile.close()
print("drained %d answers in order in %.1f s; broker VmHWM now %d MiB" %
      (REQUESTS, time.monotonic() - started, status("VmHWM")))
if not alive():
    fail("broker died")

# 5. max_bytes across the answer: 1 MiB with a huge partition limit carries whole batches up to 1 MiB,
# and a limit below one batch still returns exactly one batch (a consumer never stalls).
size, records = fetch_once(MiB, 64 * MiB)
sizes = batch_sizes(records)
print("fetch max_bytes=1 MiB, partition_max_bytes=64 MiB: answer %d bytes, records %d bytes in %d batches "
      "(partition holds %d bytes)" % (size, len(records), len(sizes), total))
if len(records) > MiB or sum(sizes) != len(records) or len(sizes) != MiB // len(batch):
    fail("max_bytes=1 MiB answered %d bytes of records (%d batches)" % (len(records), len(sizes)))
if len(batch_sizes(ref_records)) != HOSTILE_MAX // len(batch):
    fail("max_bytes=2 MiB answered %d batches" % len(batch_sizes(ref_records)))
_, records = fetch_once(1, 64 * MiB)
if batch_sizes(records) != [len(batch)]:
    fail("max_bytes=1 should answer exactly one batch, got %d bytes" % len(records))
_, records = fetch_once(64 * MiB, 512 * 1024)
if batch_sizes(records) != [len(batch)]:
    fail("partition_max_bytes=512 KiB should answer one 300 KiB batch, got %d bytes" % len(records))
print("never_reading_client: ok")
