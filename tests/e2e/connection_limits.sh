#!/usr/bin/env bash
# Connection limits of the Kafka listener (tests/e2e/connection_limits.py), one broker each:
# max.connections.per.ip=50 closes the 51st+ connection from one address (one rate-limited log line) and
# gives slots back on close; at max.connections=5 the 6th client waits until one closes; connections.max.idle.ms=1000 closes an idle connection, not a busy one; under
# RLIMIT_NOFILE=300 (prlimit), 400 idle connections must not make the broker spin (CAF retried a failing
# accept() on every poll) and a new client is served once they close.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
CL="$(dirname "$0")/connection_limits.py"

start_broker --set max.connections.per.ip=50
timeout 120 $PY "$CL" per_ip "$KAFKA_PORT" "$BROKER_PID" 50 || fail "max.connections.per.ip"
# Rate-limited: the burst of 10 refusals (and any refused retries) give one line per 10 s window, not one
# per connection. Checked on the lines' own timestamps, since a loaded machine may stretch the test over
# several windows.
/usr/bin/python3 - "$WORK/broker.log" <<'EOF' || fail "refusal lines not rate-limited"
import datetime, sys
at = [datetime.datetime.strptime(l[:23], "%Y-%m-%d %H:%M:%S.%f") for l in open(sys.argv[1])
      if "refused a connection from 127.0.0.1: it has 50 open (max.connections.per.ip=50)" in l]
gaps = [(b - a).total_seconds() for a, b in zip(at, at[1:])]
print("  %d refusal line(s), %s s apart" % (len(at), gaps))
sys.exit(0 if at and all(g >= 9.0 for g in gaps) else 1)
EOF
stop_broker

start_broker --set max.connections=5
timeout 120 $PY "$CL" total "$KAFKA_PORT" "$BROKER_PID" 5 || fail "max.connections"
grep -q "5 connections open (max.connections=5): not accepting new ones until one closes" "$WORK/broker.log" \
  || fail "no max.connections line in the broker log"
stop_broker

start_broker --set connections.max.idle.ms=1000
timeout 120 $PY "$CL" idle "$KAFKA_PORT" "$BROKER_PID" 1000 || fail "connections.max.idle.ms"
stop_broker

REAL=$SAMSA
SAMSA="$WORK/samsa-nofile"
printf '#!/bin/sh\nexec prlimit --nofile=300:300 "%s" "$@"\n' "$REAL" >"$SAMSA"
chmod +x "$SAMSA"
start_broker
grep -q "open files limit (RLIMIT_NOFILE): 300" "$WORK/broker.log" || fail "the descriptor limit is not logged"
timeout 120 $PY "$CL" flood "$KAFKA_PORT" "$BROKER_PID" 400 || fail "connection flood at the descriptor limit"
grep -q "too many open files" "$WORK/broker.log" || fail "no 'too many open files' line in the broker log"
stop_broker
grep -h "Kafka listener:" "$WORK/broker.log" | sed 's/^/  log: /'
echo "connection_limits: ok"
