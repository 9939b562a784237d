# Shared by the librdkafka consumer-group tests (group_rdkafka.sh, group_broker_restart.sh): starting and
# killing member processes of tests/clients/group_consumer.cpp and reporting failures with the members'
# logs. Source it after lib.sh and after setting GROUP, TOPIC, RATE and P; optional: SESSION_MS (default
# 6000), CLIENT_ID (unset: the client's default client.id; empty: each member's name), EPOCHS.
CLIENT=${SAMSA_GROUP_CONSUMER:-$(dirname "$SAMSA")/tests/group_consumer}
[ -x "$CLIENT" ] || fail "group_consumer not built ($CLIENT); librdkafka-dev missing? (tools/install-deps.sh)"
PY=/usr/bin/python3
CHECK="$(dirname "${BASH_SOURCE[0]}")/group_check.py"

declare -A MEMBER_PID=()
group_cleanup() {
  for pid in "${MEMBER_PID[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${MEMBER_PID[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "${SAMSA_KEEP:-}" ] || cleanup
}
trap group_cleanup EXIT

gfail() { # fail, first printing the members' last events and every generation's assignment
  for f in "$WORK"/ev-*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -15 "$f" >&2; }; done
  echo "--- assignments" >&2
  $PY "$CHECK" assignments "$WORK"/ev-*.log --partitions "$P" --epochs "${EPOCHS:-}" >&2 || true
  fail "$@"
}
start_member() { # NAME
  local id=()
  [ -n "${CLIENT_ID+set}" ] && id=(--client-id "${CLIENT_ID:-$1}")
  "$CLIENT" "127.0.0.1:$KAFKA_PORT" "$GROUP" "$TOPIC" "$WORK/rec-$1.txt" --name "$1" "${id[@]}" \
    --max-rate "$RATE" --session-timeout-ms "${SESSION_MS:-6000}" --idle-exit 120 >"$WORK/ev-$1.log" 2>"$WORK/err-$1.log" &
  MEMBER_PID[$1]=$!
}
describe() { # FILE
  timeout 60 "$SAMSA" groups describe "$GROUP" $B >"$1" 2>&1 || gfail "groups describe: $(cat "$1")"
}
events() { echo "$WORK"/ev-*.log; }
records() { echo "$WORK"/rec-*.txt; }
total_lines() { { cat "$WORK"/rec-*.txt 2>/dev/null || true; } | wc -l; }
