"""Hostile bytes on a samsa broker's native CAF port (BASP), plain stdlib; driven by native_port_attack.sh.

    native_port_attack.py plain NATIVE_PORT KAFKA_PORT BROKER_PID
    native_port_attack.py tls NATIVE_PORT KAFKA_PORT BROKER_PID CA GOOD_CERT GOOD_KEY ROGUE_CERT ROGUE_KEY

BASP header as CAF 0.17.6 writes it (libcaf_io/caf/io/basp/header.hpp, binary_serializer: network byte
order, 32 bytes): operation u8 | padding u8 | padding u8 | flags u8 | payload_len u32 | operation_data u64 |
source_actor u64 | dest_actor u64. A client_handshake (operation 1) with zero actor ids is a valid header
whatever payload_len says, and CAF 0.17.6 then resizes its read buffer to payload_len at once.

Every case runs on its own connection with socket timeouts; after each, the broker process must be alive
and its Kafka port must answer ApiVersions. Prints the broker's VmHWM after each case.
"""
import os
import socket
import ssl
import struct
import sys
import time

MODE = sys.argv[1]
NATIVE = int(sys.argv[2])
KAFKA = int(sys.argv[3])
PID = int(sys.argv[4])
TIMEOUT = 20.0
failures = []


def basp_header(op, payload_len, flags=0, op_data=0, src=0, dst=0):
    h = struct.pack(">BBBBIQQQ", op, 0, 0, flags, payload_len, op_data, src, dst)
    assert len(h) == 32
    return h


CLIENT_HANDSHAKE = 1


def vm(field):
    try:
        with open(f"/proc/{PID}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])  # kB
    except FileNotFoundError:
        pass
    return "(broker gone)"


def alive():
    try:
        os.kill(PID, 0)
        return True
    except OSError:
        return False


def kafka_api_versions():
    """One ApiVersions v0 request on a fresh connection; True when a well-formed answer comes back."""
    s = socket.create_connection(("127.0.0.1", KAFKA), timeout=TIMEOUT)
    try:
        body = struct.pack(">hhih", 18, 0, 7, 5) + b"attack"[:5]
        s.sendall(struct.pack(">i", len(body)) + body)
        size = struct.unpack(">i", recv_exact(s, 4))[0]
        resp = recv_exact(s, size)
        corr, err = struct.unpack(">ih", resp[:6])
        return corr == 7 and err == 0
    finally:
        s.close()


def recv_exact(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            raise ConnectionError("closed after %d of %d bytes" % (len(out), n))
        out += chunk
    return out


def wait_closed(s):
    """Reads until the broker closes the connection; True if it did within TIMEOUT."""
    s.settimeout(TIMEOUT)
    deadline = time.time() + TIMEOUT
    try:
        while time.time() < deadline:
            if not s.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
        return True
    except socket.timeout:
        return False
    return False


def check(name, ok, detail=""):
    state = "ok" if ok else "FAIL"
    print(f"  {state}: {name} {detail}".rstrip(), flush=True)
    if not ok:
        failures.append(name)


def after(name):
    if not alive():
        check(f"{name}: broker alive", False)
        print("broker died", flush=True)
        sys.exit(1)
    try:
        kafka_ok = kafka_api_versions()
    except Exception as e:  # noqa: BLE001 - any failure to answer is the finding
        kafka_ok, _ = False, print(f"  ApiVersions: {e}")
    check(f"{name}: Kafka port answers ApiVersions", kafka_ok, f"(VmHWM {vm('VmHWM')} kB)")


def connect_plain():
    return socket.create_connection(("127.0.0.1", NATIVE), timeout=TIMEOUT)


def plain_cases():
    # 1. The 32-byte packet: a valid client_handshake header announcing 4 GiB - 1 of payload.
    s = connect_plain()
    s.sendall(basp_header(CLIENT_HANDSHAKE, 0xFFFFFFFF))
    check("4 GiB announcement: connection closed", wait_closed(s))
    s.close()
    after("4 GiB announcement")

    # 2. Eight connections at once, each announcing just under the default cap (100 MiB) and sending
    #    nothing more: CAF alone would reserve 800 MiB for them before a payload byte arrives.
    socks = [connect_plain() for _ in range(8)]
    for s in socks:
        s.sendall(basp_header(CLIENT_HANDSHAKE, 104857600 - 64))
    time.sleep(1.0)
    after("8 x 100 MiB announcements (held open)")
    # 3. One of them sends 1 MiB of its "payload" and stalls: memory follows the bytes received.
    socks[0].sendall(b"\0" * (1 << 20))
    time.sleep(1.0)
    after("1 MiB of a 100 MiB payload sent")
    for s in socks:
        s.close()

    # 4. Garbage: not a BASP header at all (invalid operation), then random bytes.
    s = connect_plain()
    s.sendall(b"\xde\xad\xbe\xef" * 4096)
    check("garbage: connection closed", wait_closed(s))
    s.close()
    s = connect_plain()
    s.sendall(os.urandom(1 << 16))
    check("random bytes: connection closed", wait_closed(s))
    s.close()
    after("garbage")


def tls_context(ca=None, cert=None, key=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    if ca:
        ctx.load_verify_locations(ca)
    else:
        ctx.verify_mode = ssl.CERT_NONE
    if cert:
        ctx.load_cert_chain(cert, key)
    return ctx


def tls_first_bytes(ctx):
    """Connects with TLS; returns the first 32 bytes the broker sends (its BASP server handshake header), or
    None when the broker refused us (handshake failure or the connection closed)."""
    raw = connect_plain()
    try:
        s = ctx.wrap_socket(raw)
        return s, recv_exact(s, 32)
    except (ssl.SSLError, ConnectionError, OSError):
        raw.close()
        return None, None


def tls_cases(ca, good_cert, good_key, rogue_cert, rogue_key):
    # Plain BASP bytes against the TLS port: the TLS layer refuses them.
    s = connect_plain()
    s.sendall(basp_header(CLIENT_HANDSHAKE, 0xFFFFFFFF))
    check("plaintext 4 GiB announcement on the TLS port: connection closed", wait_closed(s))
    s.close()
    after("plaintext on the TLS port")

    for name, ctx in [("TLS without a client certificate", tls_context(ca)),
                      ("TLS with a certificate from another CA", tls_context(ca, rogue_cert, rogue_key))]:
        s, first = tls_first_bytes(ctx)
        check(f"{name}: refused before any BASP byte", first is None)
        if s:
            s.close()
        after(name)

    # An authenticated peer gets the BASP server handshake; its oversized announcement is still refused.
    s, first = tls_first_bytes(tls_context(ca, good_cert, good_key))
    check("TLS with the cluster's client certificate: BASP server handshake received",
          first is not None and first[0] == 0, f"(first byte {first[0] if first else None})")
    if s:
        s.sendall(basp_header(CLIENT_HANDSHAKE, 0xFFFFFFFF))
        check("authenticated 4 GiB announcement: connection closed", wait_closed(s))
        s.close()
    after("authenticated 4 GiB announcement")


if MODE == "plain":
    plain_cases()
else:
    tls_cases(*sys.argv[5:10])
if failures:
    print("FAILED: " + ", ".join(failures))
    sys.exit(1)
print("all cases ok")
