#!/usr/bin/env bash
# Incremental fetch sessions (KIP-227) over raw TCP: a full fetch opens a session, incremental fetches add,
# move and forget partitions and are answered with only what is new, epoch -1 closes, a wrong epoch or an
# unknown session are errors 71 and 70, /metrics counts them; Fetch v11 (classic) and v12 (flexible), and
# v13's UNKNOWN_TOPIC_ID. Python side: tests/e2e/fetch_sessions.py.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
start_broker
"$SAMSA" topics create sess --partitions 2 $B >/dev/null || fail "topics create"
timeout 60 $PY "$(dirname "$0")/fetch_sessions.py" "$KAFKA_PORT" "$HTTP_PORT" || fail "fetch_sessions.py"
kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died"
stop_broker
echo "fetch_sessions: ok"
