#!/usr/bin/env bash
# `samsa consume --follow` survives broker restarts: a plain follower (every partition) and a group member
# (--group) run while the broker is killed with -9 and restarted on the same ports and data directory, then
# stopped with SIGTERM and restarted again, records produced before and after each restart. Each follower
# says once per restart that it lost the broker and reconnected, and prints every record exactly once, each
# partition dense from offset 0 in order (nothing printed twice, nothing skipped). SIGINT ends both with
# exit 0; the group's commits then cover every record (LAG 0) and it has no member left. Last, SIGINT while
# the broker is down (reconnecting) ends a plain follower with 0 and a group member with 1 ("stopped while
# reconnecting"), both without hanging.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
T=follow
start_broker --set group.initial.rebalance.delay.ms=0
"$SAMSA" topics create $T --partitions 2 $B >/dev/null || fail "topics create $T"

declare -A PID=()
start_follower() { # NAME [OPTIONS...]: a follower from the beginning, JSON lines to $WORK/NAME.out
  local name=$1
  shift
  "$SAMSA" consume $T --from-beginning --follow --output json "$@" $B >"$WORK/$name.out" 2>"$WORK/$name.err" &
  PID[$name]=$!
}
lines() { wc -l <"$WORK/$1.out"; }
# wait_lines COUNT NAME...: each follower printed COUNT lines (bounded: 60 s), all still running.
wait_lines() {
  local want=$1 ok name
  shift
  for _ in $(seq 1 300); do
    ok=1
    for name in "$@"; do
      kill -0 "${PID[$name]}" 2>/dev/null || fail "consumer $name exited: $(cat "$WORK/$name.err")"
      [ "$(lines "$name")" -ge "$want" ] || ok=""
    done
    [ -n "$ok" ] && return 0
    sleep 0.2
  done
  for name in "$@"; do echo "$name: $(lines "$name") lines; stderr: $(cat "$WORK/$name.err")" >&2; done
  fail "the followers did not print $want records within 60 s"
}
# wait_err TEXT NAME...: each follower's stderr has TEXT (bounded: 30 s).
wait_err() {
  local text=$1 ok name
  shift
  for _ in $(seq 1 150); do
    ok=1
    for name in "$@"; do grep -qF "$text" "$WORK/$name.err" || ok=""; done
    [ -n "$ok" ] && return 0
    sleep 0.2
  done
  for name in "$@"; do echo "$name stderr: $(cat "$WORK/$name.err")" >&2; done
  fail "the followers did not say '$text' within 30 s"
}
produced=0
produce() { # COUNT: keyed records v<n>, numbered on from the last ones
  seq $((produced + 1)) $((produced + $1)) | awk '{ print "k" ($1 % 13) ":v" $1 }' \
    | timeout 60 "$SAMSA" produce $T --key-separator : $B 2>"$WORK/produce.err" || fail "produce: $(cat "$WORK/produce.err")"
  produced=$((produced + $1))
}
# stop_follower NAME RC: SIGINT, then it exits with RC (a hang is bounded: 20 s).
stop_follower() {
  local name=$1 want=$2 rc=0
  kill -INT "${PID[$name]}"
  for _ in $(seq 1 100); do kill -0 "${PID[$name]}" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "${PID[$name]}" 2>/dev/null; then
    kill -9 "${PID[$name]}"
    fail "consumer $name still running 20 s after SIGINT: $(cat "$WORK/$name.err")"
  fi
  wait "${PID[$name]}" || rc=$?
  unset "PID[$name]"
  [ "$rc" -eq "$want" ] || fail "consumer $name exited with $rc after SIGINT, expected $want: $(cat "$WORK/$name.err")"
}
# check NAME: every record produced exactly once, each partition dense from offset 0 in order.
check() {
  $PY - "$WORK/$1.out" "$produced" <<'EOF' || fail "records of $1"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
want = int(sys.argv[2])
values = [r["value"] for r in rows]
assert sorted(values) == sorted(f"v{i}" for i in range(1, want + 1)), f"{len(values)} records, {len(set(values))} distinct, {want} produced"
for p in (0, 1):
    offsets = [r["offset"] for r in rows if r["partition"] == p]
    assert offsets == list(range(len(offsets))), f"partition {p}: offsets not dense from 0 in order: {offsets[:50]}"
assert all(r["key"] == "k" + str(int(r["value"][1:]) % 13) for r in rows), "a key does not match its value"
EOF
}
# The followers never outlive the test; SAMSA_KEEP keeps the broker and $WORK, as lib.sh does.
cleanup_followers() { for p in "${PID[@]}"; do kill -9 "$p" 2>/dev/null || true; done; [ -n "${SAMSA_KEEP:-}" ] || cleanup; }
trap cleanup_followers EXIT

start_follower plain
start_follower group --group g
produce 300
wait_lines 300 plain group

# -- kill -9, restart on the same ports and data directory -------------------------------------------------
crash_broker
wait_err "lost the broker at 127.0.0.1:$NATIVE_PORT (connection closed); reconnecting" plain group
start_broker --set group.initial.rebalance.delay.ms=0
produce 200
wait_lines 500 plain group
grep -q "^reconnected; resuming $T-0 at offset [0-9]*, $T-1 at offset [0-9]*$" "$WORK/plain.err" \
  || fail "plain follower did not say where it resumed: $(cat "$WORK/plain.err")"
grep -q "^reconnected; rejoining group g$" "$WORK/group.err" || fail "group member: $(cat "$WORK/group.err")"
check plain
check group
echo "kill -9: both followers reconnected and printed $produced records exactly once"

# -- SIGTERM, restart -----------------------------------------------------------------------------------------
stop_broker
start_broker --set group.initial.rebalance.delay.ms=0
produce 200
wait_lines 700 plain group
for name in plain group; do
  [ "$(grep -c "^lost the broker" "$WORK/$name.err")" -eq 2 ] || fail "$name: not one loss per restart: $(cat "$WORK/$name.err")"
  [ "$(grep -c "^reconnected" "$WORK/$name.err")" -eq 2 ] || fail "$name: not one reconnect per restart: $(cat "$WORK/$name.err")"
done
check plain
check group
echo "SIGTERM: both followers reconnected and printed $produced records exactly once"

# -- Ctrl-C with the broker up: exit 0, the group committed everything and is empty ---------------------------
stop_follower plain 0
stop_follower group 0
"$SAMSA" groups describe g $B >"$WORK/g.desc" || fail "groups describe g"
grep -q "state Empty" "$WORK/g.desc" || fail "group g not left: $(cat "$WORK/g.desc")"
[ "$(awk -v t=$T '$1 == t { s += $3 } END { print s }' "$WORK/g.desc")" = "$produced" ] \
  || fail "group g did not commit all $produced records: $(cat "$WORK/g.desc")"
check plain
check group

# -- Ctrl-C while reconnecting: no hang -----------------------------------------------------------------------
start_follower plain2
start_follower group2 --group g2
wait_lines "$produced" plain2 group2
crash_broker
wait_err "; reconnecting" plain2 group2
stop_follower plain2 0
stop_follower group2 1
grep -q "stopped while reconnecting; group g2 was not left" "$WORK/group2.err" || fail "group2: $(cat "$WORK/group2.err")"
check plain2
check group2
echo "cli_follow_restart: a plain and a group follower survived kill -9 and SIGTERM restarts ($produced records, each once, in order); Ctrl-C ends them with the broker up and while reconnecting"
