#!/usr/bin/env bash
# Hostile bytes on the native CAF port (BASP), the broker under a 1 GiB address-space limit (prlimit --as, so
# a regression fails this test instead of taking the machine down): the 32-byte header announcing a 4 GiB
# payload, eight 100 MiB announcements held open, a stalled partial payload and garbage
# (native_port_attack.py). The broker must close those connections, stay alive with a small VmHWM, keep
# answering on the Kafka port, and the CLI must keep working. Then the same broker with TLS on the native
# port (tools/make-native-certs.sh): clients without a certificate of the cluster CA are refused before any
# BASP byte, the CLI with one works. Last, a native listener off loopback without TLS is refused.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
HERE=$(dirname "$0")
LIMIT=$((1024 * 1024 * 1024))
command -v prlimit >/dev/null || { echo "SKIP: prlimit (util-linux) is missing: no memory limit for the attack"; exit 0; }
BROKER_WRAPPER=(prlimit --as=$LIMIT)

hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$BROKER_PID/status"; }
cli_roundtrip() { # $1: topic; the CLI creates, produces and consumes through the native port
  "$SAMSA" topics create "$1" $B >/dev/null || fail "CLI: topics create $1"
  seq 1 100 | sed "s/^/$1-/" | "$SAMSA" produce "$1" $B >/dev/null || fail "CLI: produce $1"
  [ "$("$SAMSA" consume "$1" --from-beginning $B | wc -l)" -eq 100 ] || fail "CLI: consume $1"
}

# -- plain native port (the default configuration) -----------------------------------------------------------
start_broker
base=$(hwm_kb)
echo "broker VmHWM before the attack: $base kB (limit: address space $LIMIT bytes)"
cli_roundtrip before
timeout 300 $PY "$HERE/native_port_attack.py" plain "$NATIVE_PORT" "$KAFKA_PORT" "$BROKER_PID" \
  || fail "native_port_attack.py plain reported failures"
kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died"
hwm=$(hwm_kb)
echo "broker VmHWM after the attack: $hwm kB"
# 64 MiB of growth would mean a payload buffer was sized from an announcement rather than from bytes received.
[ $((hwm - base)) -lt 65536 ] || fail "VmHWM grew by $((hwm - base)) kB during the attack"
grep -q "announced a 4294967295-byte message" "$WORK/broker.log" || fail "the refusal is not in the broker log"
cli_roundtrip after
timeout 30 kcat -b "127.0.0.1:$KAFKA_PORT" -L >/dev/null || fail "kcat -L after the attack"
stop_broker

# -- TLS with mutual authentication on the native port -----------------------------------------------------
if ! command -v openssl >/dev/null; then
  echo "SKIP (TLS part): the openssl command is missing"
  echo "native_port_attack: ok (plain only)"
  exit 0
fi
CERTS="$WORK/certs"
"$HERE/../../tools/make-native-certs.sh" "$CERTS" node1 client >/dev/null || fail "make-native-certs.sh"
"$HERE/../../tools/make-native-certs.sh" "$WORK/rogue" rogue >/dev/null || fail "make-native-certs.sh (rogue CA)"
export SAMSA_NATIVE_SSL_CAFILE="$CERTS/ca.pem" SAMSA_NATIVE_SSL_CERTFILE="$CERTS/client.pem"
export SAMSA_NATIVE_SSL_KEYFILE="$CERTS/client.key"
start_broker --set "samsa.native.ssl.cafile=$CERTS/ca.pem" --set "samsa.native.ssl.certfile=$CERTS/node1.pem" \
  --set "samsa.native.ssl.keyfile=$CERTS/node1.key" --set "log.dirs=$WORK/data-tls"
cli_roundtrip tls-ok
# The CLI without certificates, and with a certificate of another CA (the client trusts the broker's CA, so
# only the broker's verification can refuse it).
env -u SAMSA_NATIVE_SSL_CAFILE -u SAMSA_NATIVE_SSL_CERTFILE -u SAMSA_NATIVE_SSL_KEYFILE \
  timeout 60 "$SAMSA" topics list $B >"$WORK/plain-cli.txt" 2>&1 && fail "the CLI without a certificate was served"
grep -q "did not answer as a samsa broker.*TLS-only" "$WORK/plain-cli.txt" || fail "plain CLI: $(cat "$WORK/plain-cli.txt")"
timeout 300 $PY "$HERE/native_port_attack.py" tls "$NATIVE_PORT" "$KAFKA_PORT" "$BROKER_PID" "$CERTS/ca.pem" \
  "$CERTS/client.pem" "$CERTS/client.key" "$WORK/rogue/rogue.pem" "$WORK/rogue/rogue.key" \
  || fail "native_port_attack.py tls reported failures"
cli_roundtrip tls-after
stop_broker
unset SAMSA_NATIVE_SSL_CAFILE SAMSA_NATIVE_SSL_CERTFILE SAMSA_NATIVE_SSL_KEYFILE

# -- a native listener off loopback needs authentication -----------------------------------------------------
# Refused before anything is bound.
if "$SAMSA" broker --set "log.dirs=$WORK/data-open" --set "samsa.native.listener=0.0.0.0:$NATIVE_PORT" \
  --set "listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT" >"$WORK/open.log" 2>&1; then
  fail "a broker with the native API on 0.0.0.0 without TLS started"
fi
grep -q "refusing to publish the native API on the non-loopback address 0.0.0.0" "$WORK/open.log" \
  || fail "no refusal message: $(cat "$WORK/open.log")"
echo "native_port_attack: ok"
