# Several `samsa broker` processes on loopback forming one controller quorum (controller.quorum.voters),
# each with its own data directory, ports and log; every process is killed on exit. Source it instead of
# lib.sh: cluster_lib.sh /path/to/samsa [NODES]. Helpers take a node number 1..NODES. VOTER_NODES (default
# NODES): nodes 1..VOTER_NODES are the voters, the others start with process.roles=broker (learners).
set -euo pipefail
SAMSA=${1:?usage: $0 PATH_TO_SAMSA}
NODES=${NODES:-3}
VOTER_NODES=${VOTER_NODES:-$NODES}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/samsa-cluster.XXXXXX")
PY=/usr/bin/python3

free_port() {
  $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
declare -A NATIVE=() KAFKA=() PID=()
VOTERS=""
for i in $(seq 1 "$NODES"); do
  NATIVE[$i]=$(free_port)
  KAFKA[$i]=$(free_port)
  [ "$i" -le "$VOTER_NODES" ] && VOTERS="${VOTERS:+$VOTERS,}$i@127.0.0.1:${NATIVE[$i]}"
done

cluster_cleanup() {
  for pid in "${PID[@]}"; do [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${PID[@]}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
  [ -n "${SAMSA_KEEP:-}" ] || rm -rf "$WORK"
}
trap cluster_cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for i in $(seq 1 "$NODES"); do
    [ -f "$WORK/node$i.log" ] && { echo "--- node $i" >&2; tail -15 "$WORK/node$i.log" >&2; }
  done
  exit 1
}

start_node() { # N [--set k=v ...]
  local i=$1; shift
  [ "$i" -le "$VOTER_NODES" ] || set -- --set process.roles=broker "$@"
  "$SAMSA" broker --set "node.id=$i" --set "log.dirs=$WORK/data$i" \
    --set "samsa.native.listener=127.0.0.1:${NATIVE[$i]}" --set "listeners=PLAINTEXT://127.0.0.1:${KAFKA[$i]}" \
    --set "controller.quorum.voters=$VOTERS" --set "samsa.http.listener=" "$@" >>"$WORK/node$i.log" 2>&1 &
  PID[$i]=$!
}

wait_started() { # N: until its native API answers
  local i=$1
  for _ in $(seq 1 600); do
    "$SAMSA" topics list --broker "127.0.0.1:${NATIVE[$i]}" >/dev/null 2>&1 && return 0
    kill -0 "${PID[$i]}" 2>/dev/null || fail "node $i exited at start"
    sleep 0.05
  done
  fail "node $i did not start"
}

kill_node() { # N: kill -9
  kill -9 "${PID[$1]}" 2>/dev/null || true
  wait "${PID[$1]}" 2>/dev/null || true
  PID[$1]=""
}

status_json() { # N: samsa cluster status --output json of node N (empty on error)
  "$SAMSA" cluster status --broker "127.0.0.1:${NATIVE[$1]}" --output json 2>/dev/null || true
}

json_field() { # JSON FIELD
  $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2" 2>/dev/null || true
}

# "LEADER TERM" when every live node names the same leader, which is live and says it leads; else "".
agreed_leader() {
  local leader="" term="" s l t
  for i in $(seq 1 "$NODES"); do
    [ -n "${PID[$i]}" ] || continue
    s=$(status_json "$i"); [ -n "$s" ] || { echo ""; return; }
    l=$(json_field "$s" leader); t=$(json_field "$s" term)
    [ "$l" != "-1" ] || { echo ""; return; }
    if [ -z "$leader" ]; then leader=$l; term=$t
    elif [ "$leader" != "$l" ] || [ "$term" != "$t" ]; then echo ""; return; fi
  done
  [ -n "$leader" ] && [ -n "${PID[$leader]:-}" ] || { echo ""; return; }
  [ "$(json_field "$(status_json "$leader")" role)" = "leader" ] || { echo ""; return; }
  echo "$leader $term"
}

now_ms() { date +%s%3N; }

# "ID:EPOCH:f|u ..." of the brokers in node N's image (empty on error).
brokers() {
  $PY -c 'import json,sys
s=json.loads(sys.argv[1])
print(" ".join("%d:%d:%s" % (b["id"], b["broker_epoch"], "f" if b["fenced"] else "u") for b in s["brokers"]))' \
    "$(status_json "$1")" 2>/dev/null || true
}
epoch_of() { # N ID
  local b; for b in $(brokers "$1"); do [ "${b%%:*}" = "$2" ] && { b=${b#*:}; echo "${b%%:*}"; return; }; done
}
state_of() { # N ID: f, u or empty
  local b; for b in $(brokers "$1"); do [ "${b%%:*}" = "$2" ] && { echo "${b##*:}"; return; }; done
}
wait_for() { # MAX_SECONDS CMD...: until CMD succeeds; prints the ms it took
  local t0 deadline; t0=$(now_ms); deadline=$(( t0 + $1 * 1000 )); shift
  while [ "$(now_ms)" -lt "$deadline" ]; do
    if "$@"; then echo $(( $(now_ms) - t0 )); return 0; fi
    sleep 0.05
  done
  return 1
}
all_unfenced_on() { # N: NODES brokers, all unfenced
  local b; b=$(brokers "$1"); [ "$(wc -w <<<"$b")" = "$NODES" ] && ! grep -q ":f" <<<"$b"
}
all_unfenced_everywhere() {
  local i; for i in $(seq 1 "$NODES"); do [ -n "${PID[$i]}" ] || continue; all_unfenced_on "$i" || return 1; done
}
