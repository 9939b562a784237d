# Three `samsa broker` processes with controller.quorum.voters form a Raft quorum over CAF (each finds the
# others through their native listeners): one leader, named alike by every node and in its log; kill -9 of
# the leader elects another among the survivors (the time is measured, several rounds, median printed); the
# killed node, restarted, finds the others again (a new CAF node id) and follows the current leader.
# Finally all three are killed at once and restarted: the Raft state is durable (SQLite, metadata.db), so
# the terms and the log go on from where they were instead of starting over.
set -euo pipefail
source "$(dirname "$0")/cluster_lib.sh"
ROUNDS=${ROUNDS:-3}

for i in 1 2 3; do start_node "$i"; done
for i in 1 2 3; do wait_started "$i"; done

wait_leader() { # MAX_SECONDS [MIN_TERM]: prints "LEADER TERM"
  local deadline=$(( $(now_ms) + $1 * 1000 )) got
  while [ "$(now_ms)" -lt "$deadline" ]; do
    got=$(agreed_leader)
    if [ -n "$got" ] && [ "${got#* }" -gt "${2:-0}" ]; then echo "$got"; return 0; fi
    sleep 0.05
  done
  return 1
}

got=$(wait_leader 20) || fail "no agreed leader 20 s after start"
read -r leader term <<<"$got"
echo "initial leader: node $leader in term $term"
grep -q "quorum: node $leader is leader in term $term" "$WORK/node$leader.log" || fail "the leader's log does not say so"
# Status agrees on the peers: every node reaches the two others.
for i in 1 2 3; do
  peers=$(json_field "$(status_json "$i")" peers)
  [ "$peers" = "[$(seq -s ', ' 1 3 | sed "s/$i, //; s/, $i\$//")]" ] || fail "node $i reaches $peers"
done

times=()
for round in $(seq 1 "$ROUNDS"); do
  old=$leader; old_term=$term
  t0=$(now_ms)
  kill_node "$old"
  got=$(wait_leader 15 "$old_term") || fail "round $round: no new leader 15 s after killing node $old"
  read -r leader term <<<"$got"
  [ "$leader" != "$old" ] || fail "round $round: the killed node is still leader"
  # Election time from the new leader's own log line (spdlog's millisecond timestamp), not from polling.
  elected=$($PY - "$WORK/node$leader.log" "$leader" "$term" <<'PYEOF'
import re, sys, datetime
log, node, term = sys.argv[1:4]
for line in open(log, errors="replace"):
    if f"quorum: node {node} is leader in term {term}" in line:
        ts = re.match(r"\[?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})", line).group(1)
        print(int(datetime.datetime.strptime(ts, "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1000))
        break
PYEOF
)
  [ -n "$elected" ] || fail "round $round: node $leader's log has no 'is leader in term $term' line"
  ms=$(( elected - t0 ))
  times+=("$ms")
  echo "round $round: killed leader $old (term $old_term) -> node $leader leader in term $term after $ms ms"
  # The killed node comes back (its Raft state from metadata.db, a new CAF node id) and follows the new leader.
  start_node "$old"
  wait_started "$old"
  got=$(wait_leader 15 $(( term - 1 ))) || fail "round $round: restarted node $old did not rejoin"
  read -r leader term <<<"$got"
  s=$(status_json "$old")
  [ "$(json_field "$s" leader)" = "$leader" ] || fail "round $round: restarted node $old follows $(json_field "$s" leader)"
done

median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (${#times[@]} + 1) / 2 ))p")
echo "failover times (ms): ${times[*]}; median $median ms (measured, not asserted: liveness is the 15 s bound)"

# Whole-cluster crash: every node kill -9'd, then restarted. Durable terms and logs mean the next leader's
# term is above every term seen before, and every node still holds the entries it had.
before_last=$(json_field "$(status_json "$leader")" last_index)
for i in 1 2 3; do kill_node "$i"; done
for i in 1 2 3; do start_node "$i"; done
for i in 1 2 3; do wait_started "$i"; done
got=$(wait_leader 20 "$term") || fail "after restarting all nodes: no leader above term $term (Raft state not durable?)"
read -r leader term2 <<<"$got"
after_last=$(json_field "$(status_json "$leader")" last_index)
[ "$after_last" -gt "$before_last" ] || fail "log lost across the restart: last index $before_last before, $after_last after"
echo "after a whole-cluster kill -9: node $leader leader in term $term2 (was $term), last index $after_last (was $before_last)"
echo "PASS quorum_failover"
