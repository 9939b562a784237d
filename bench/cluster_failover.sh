#!/usr/bin/env bash
# Cluster benchmark (issue #9's closing note): three real `samsa broker` processes on loopback forming one
# controller quorum (tests/e2e/cluster_lib.sh), default timeouts. Measures, ROUNDS times each:
#   1. election after kill -9 of the quorum leader (the killed node restarts between rounds),
#   2. election after SIGSTOP of the quorum leader (SIGCONT once the survivors agree),
#   3. a topic created through one node until all three nodes have it (their logs) and describe it,
#   4. fencing of a follower broker after kill -9 (connection drop) and after SIGSTOP (session timeout), and
#      of the quorum leader's own broker after kill -9 (the new controller never watched its lifecycle: the
#      quorum's lost connection to it fences it once that controller is active).
# Times come from the nodes' own log lines (spdlog, millisecond timestamps) against the time of the kill,
# so polling does not blur them; the polled figures are printed beside them. Between rounds the cluster is
# back to stable: one leader named alike by all three nodes, three unfenced brokers on every node.
# Markdown on stdout (and appended to --out FILE), progress on stderr; every process is killed on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  cat >&2 <<EOF
usage: $0 [--samsa PATH] [--rounds N] [--smoke] [--out FILE] [--keep] [--bench-args "SAMSA_BENCH OPTIONS"]
  --samsa PATH     the samsa executable (default: $ROOT/build/samsa)
  --rounds N       rounds per measurement (default 10)
  --smoke          2 rounds, none of the fencing rounds that wait for broker.session.timeout.ms
  --out FILE       append the Markdown report to FILE too
  --keep           keep the work directory (data and node logs)
  --bench-args S   the options given to samsa_bench (make bench BENCH_ARGS=...): --smoke, --out FILE and
                   --keep are taken from them; --only LIST without "cluster" skips this benchmark
EOF
  exit 2
}

source "$ROOT/bench/bench_args.sh"

ROUNDS=10
while [ $# -gt 0 ]; do
  case "$1" in
    --samsa) SAMSA_BIN=${2:?}; shift ;;
    --rounds) ROUNDS=${2:?}; shift ;;
    --smoke) SMOKE=1 ;;
    --out) OUT=${2:?}; shift ;;
    --keep) export SAMSA_KEEP=1 ;;
    --bench-args) parse_bench_args "${2-}" cluster; shift ;;
    *) usage ;;
  esac
  shift
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || usage
[ "$SMOKE" = 1 ] && ROUNDS=2
if [ "$SKIP" = 1 ]; then echo "cluster benchmark skipped (--only without cluster)" >&2; exit 0; fi
[ -x "$SAMSA_BIN" ] || { echo "no samsa executable at $SAMSA_BIN (build first, or --samsa PATH)" >&2; exit 2; }
SAMSA_BIN=$(cd "$(dirname "$SAMSA_BIN")" && pwd)/$(basename "$SAMSA_BIN")

NODES=3
source "$ROOT/tests/e2e/cluster_lib.sh" "$SAMSA_BIN"
# cluster_lib's EXIT trap kills the nodes; bash runs it on a signal only when the signal is trapped.
trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 129' HUP
RESULTS=$WORK/results.tsv # METRIC <tab> MS, one line per round
: >"$RESULTS"
log() { echo "[cluster bench] $*" >&2; }
record() { printf '%s\t%s\n' "$1" "$2" >>"$RESULTS"; }

# First log line of node N, at or after AFTER_MS, that contains one of the TEXTs: "MS K", its timestamp in
# ms and which TEXT (0, 1, ...) it contains; empty if none.
log_ms() { # N AFTER_MS TEXT...
  $PY - "$WORK/node$1.log" "${@:2}" <<'PYEOF'
import datetime, re, sys
log, after, texts = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for line in open(log, errors="replace"):
    m = re.match(r"\[?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})", line)
    k = next((k for k, t in enumerate(texts) if t in line), None)
    if not m or k is None:
        continue
    ms = int(datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1000)
    if ms >= after:
        print(ms, k)
        break
PYEOF
}
wait_log() { # MAX_SECONDS N AFTER_MS TEXT...: like log_ms, waiting for the line to be written; prints MS [K]
  local deadline=$(( $(now_ms) + $1 * 1000 )) ms
  while :; do
    ms=$(log_ms "${@:2}"); [ -n "$ms" ] && { [ $# -gt 4 ] && echo "$ms" || echo "${ms% *}"; return 0; }
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.02
  done
}

# "LEADER TERM" when each of the given nodes names the same leader above MIN_TERM, one of them, which says
# it leads; else "". (agreed_leader of cluster_lib asks every live node, and a stopped one never answers.)
agreed_among() { # MIN_TERM NODE...
  local min=$1 i; shift
  for i in "$@"; do status_json "$i"; echo; done | $PY -c '
import json, sys
min_term, nodes = int(sys.argv[1]), sys.argv[2:]
try:
    st = [json.loads(l) for l in sys.stdin.read().splitlines() if l.strip()]
except ValueError:
    sys.exit()
if len(st) != len(nodes) or len({(s["leader"], s["term"]) for s in st}) != 1:
    sys.exit()
leader, term = st[0]["leader"], st[0]["term"]
if leader != -1 and term > min_term and str(leader) in nodes and st[nodes.index(str(leader))]["role"] == "leader":
    print(leader, term)' "$min" "$@"
}
# Polls every ~10 ms; prints "LEADER TERM MS" with MS the time since T0 at which agreement was seen.
poll_agreed() { # MAX_SECONDS T0 MIN_TERM NODE...
  local max=$1 t0=$2 min=$3 got; shift 3
  while [ $(( $(now_ms) - t0 )) -lt $(( max * 1000 )) ]; do
    got=$(agreed_among "$min" "$@")
    [ -n "$got" ] && { echo "$got $(( $(now_ms) - t0 ))"; return 0; }
    sleep 0.01
  done
  return 1
}
all_nodes() { seq 1 "$NODES"; }
others() { local i; for i in $(all_nodes); do [ "$i" = "$1" ] || echo "$i"; done; }
stable() { [ -n "$(agreed_among -1 $(all_nodes))" ] && all_unfenced_everywhere; }
reregistered() { [ "$(epoch_of "$1" "$2")" -gt "$3" ] 2>/dev/null; } # ON_NODE ID OLD_EPOCH
wait_stable() { # WHAT: one leader named by all, all brokers unfenced everywhere; prints "LEADER TERM"
  wait_for 60 stable >/dev/null || fail "cluster not stable 60 s after $1"
  agreed_among -1 $(all_nodes)
}

# One election: the leader is killed (kill -9) or stopped (SIGSTOP) at T0; the survivors' log lines give the
# time the new leader took office and the time the other survivor followed it (= both agree).
election_round() { # KIND(kill|stop) ROUND
  local kind=$1 r=$2 leader term t0 got new nterm polled lead_ms follow_ms other epoch
  got=$(wait_stable "the previous round") || exit 1
  read -r leader term <<<"$got"
  mapfile -t surv < <(others "$leader")
  epoch=$(epoch_of "$leader" "$leader")
  t0=$(now_ms)
  if [ "$kind" = kill ]; then kill_node "$leader"; else kill -STOP "${PID[$leader]}"; fi
  got=$(poll_agreed 30 "$t0" "$term" "${surv[@]}") || fail "$kind round $r: no new leader 30 s after node $leader's $kind"
  read -r new nterm polled <<<"$got"
  other=$(others "$new" | grep -vx "$leader")
  lead_ms=$(wait_log 5 "$new" "$t0" "quorum: node $new is leader in term $nterm") \
    || fail "$kind round $r: node $new's log does not say it leads term $nterm"
  follow_ms=$(wait_log 5 "$other" "$t0" "quorum: node $other follows leader $new in term $nterm") \
    || fail "$kind round $r: node $other's log does not say it follows node $new in term $nterm"
  [ "$kind" = stop ] && kill -CONT "${PID[$leader]}"
  record "$kind.elected" $(( lead_ms - t0 ))
  record "$kind.agreed" $(( (lead_ms > follow_ms ? lead_ms : follow_ms) - t0 ))
  record "$kind.polled" "$polled"
  log "$kind round $r: leader $leader (term $term) -> node $new leads term $nterm after $(( lead_ms - t0 )) ms," \
      "node $other follows after $(( follow_ms - t0 )) ms (polled: $polled ms)"
  if [ "$kind" = kill ]; then
    local t1; t1=$(now_ms)
    start_node "$leader"; wait_started "$leader"
    # The new controller gave the old leader's broker a fresh session (it never saw that connection drop),
    # so it may still be unfenced: stable only once the restarted node registered again (a new epoch).
    wait_for 60 reregistered "$new" "$leader" "$epoch" >/dev/null || fail "restarted node $leader did not register again"
    wait_stable "restarting node $leader" >/dev/null
    record "kill.rejoin" $(( $(now_ms) - t1 ))
  else
    wait_stable "SIGCONT of node $leader" >/dev/null
  fi
}

# One topic: created through node VIA (the CLI, RF 3); when each node's log says it applied the topic
# record, and when `topics describe` on each node's native port first describes it (polled ~10 ms).
topic_round() { # ROUND
  local r=$1 via=$(( ($1 - 1) % NODES + 1 )) name="bench-$1-$RANDOM" t0 ack i ms last=0 seen=0 per=""
  local -A at=()
  wait_stable "the previous round" >/dev/null
  t0=$(now_ms)
  "$SAMSA" topics create "$name" --replication-factor 3 --broker "127.0.0.1:${NATIVE[$via]}" >/dev/null \
    || fail "topic round $r: create $name through node $via failed"
  ack=$(( $(now_ms) - t0 ))
  while [ "$seen" -lt "$NODES" ]; do
    [ $(( $(now_ms) - t0 )) -lt 30000 ] || fail "topic round $r: $name not described by all nodes after 30 s"
    for i in $(all_nodes); do
      [ -z "${at[$i]:-}" ] || continue
      if "$SAMSA" topics describe "$name" --broker "127.0.0.1:${NATIVE[$i]}" 2>/dev/null | grep -q "Topic: $name"; then
        at[$i]=$(( $(now_ms) - t0 )); seen=$((seen + 1))
      fi
    done
    sleep 0.01
  done
  for i in $(all_nodes); do
    ms=$(wait_log 5 "$i" "$t0" "cluster: topic $name (id") || fail "topic round $r: node $i's log has no topic $name"
    [ $(( ms - t0 )) -gt "$last" ] && last=$(( ms - t0 ))
    per="$per node $i $(( ms - t0 ))"
  done
  record topic.ack "$ack"
  record topic.logged "$last"
  record topic.described "$(printf '%s\n' "${at[@]}" | sort -n | tail -1)"
  log "topic round $r: $name through node $via: acknowledged after $ack ms, in every node's image after $last ms ($per )," \
      "described by all after $(printf '%s\n' "${at[@]}" | sort -n | tail -1) ms"
}

# The first log line of one of NODES (at or after T0) saying the controller fences broker ID at EPOCH:
# "MS HOW NODE", HOW 0 for "connection lost" (its lifecycle's monitor fired), 1 for "session expired", 2 for
# "quorum connection lost" (the quorum lost its peer: how a new controller fences the old one's node).
wait_fenced() { # MAX_SECONDS T0 ID EPOCH NODE...
  local deadline=$(( $(now_ms) + $1 * 1000 )) t0=$2 id=$3 epoch=$4 i got; shift 4
  while [ "$(now_ms)" -lt "$deadline" ]; do
    for i in "$@"; do
      got=$(log_ms "$i" "$t0" "controller: node $id's broker (epoch $epoch) is gone" "fence_broker node $id epoch $epoch" \
                   "controller: the connection to node $id is down: fencing its broker (epoch $epoch)")
      [ -z "$got" ] || { echo "$got $i"; return 0; }
    done
    sleep 0.05
  done
  return 1
}

# One fencing: a broker is killed or stopped at T0 (kill/stop: a follower, not the quorum leader; leader: the
# quorum leader, kill -9); the active controller's log line saying it fences it gives the time. Then the
# node comes back (restart or SIGCONT) until unfenced everywhere.
fence_round() { # KIND(kill|stop|leader) ROUND
  local kind=$1 r=$2 leader victim epoch t0 ms t1 got how by
  got=$(wait_stable "the previous round") || exit 1
  read -r leader _ <<<"$got"
  # One broker heartbeat interval (2000 ms) more: every lifecycle has found the current controller. Without
  # it, a broker killed within ~2 s of a controller change is fenced only when its session expires.
  sleep 3
  mapfile -t fol < <(others "$leader")
  victim=${fol[$(( r % ${#fol[@]} ))]}
  [ "$kind" = leader ] && victim=$leader
  epoch=$(epoch_of "$leader" "$victim")
  t0=$(now_ms)
  if [ "$kind" = stop ]; then kill -STOP "${PID[$victim]}"; else kill_node "$victim"; fi
  got=$(wait_fenced 40 "$t0" "$victim" "$epoch" $(others "$victim")) || fail "fence $kind round $r: node $victim not fenced in 40 s"
  read -r ms how by <<<"$got"
  case $how in 0) how="connection lost" ;; 1) how="session expired" ;; *) how="quorum connection lost" ;; esac
  t1=$(now_ms)
  if [ "$kind" = stop ]; then kill -CONT "${PID[$victim]}"; else start_node "$victim"; wait_started "$victim"; fi
  wait_stable "bringing node $victim back" >/dev/null
  record "fence.$kind" $(( ms - t0 ))
  record "fence.$kind.back" $(( $(now_ms) - t1 ))
  [ "$kind" != kill ] || [ "$how" != "session expired" ] || record "fence.kill.by_session" $(( ms - t0 ))
  log "fence $kind round $r: node $victim (epoch $epoch) fenced by node $by ($how) after $(( ms - t0 )) ms;" \
      "unfenced everywhere $(( $(now_ms) - t1 )) ms after its $([ "$kind" = stop ] && echo SIGCONT || echo restart)"
}

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load=$(cut -d' ' -f1-3 /proc/loadavg)
log "3 nodes, $ROUNDS rounds per measurement, work directory $WORK"
for i in $(all_nodes); do start_node "$i"; done
for i in $(all_nodes); do wait_started "$i"; done
wait_stable "the start" >/dev/null
for r in $(seq 1 "$ROUNDS"); do election_round kill "$r"; done
for r in $(seq 1 "$ROUNDS"); do election_round stop "$r"; done
for r in $(seq 1 "$ROUNDS"); do topic_round "$r"; done
for r in $(seq 1 "$ROUNDS"); do fence_round kill "$r"; done
# These two wait for a session to expire (broker.session.timeout.ms) in every round: not in --smoke.
[ "$SMOKE" = 1 ] || for r in $(seq 1 "$ROUNDS"); do fence_round stop "$r"; done
[ "$SMOKE" = 1 ] || for r in $(seq 1 "$ROUNDS"); do fence_round leader "$r"; done

# CLI round trip for scale: the polled figures include one `samsa` CLI call (connect + request) per probe.
for _ in $(seq 1 10); do
  t0=$(now_ms); status_json 1 >/dev/null; record cli $(( $(now_ms) - t0 ))
done

report=$($PY - "$RESULTS" "$ROUNDS" "$started" "$load" "$(nproc)" <<'PYEOF'
import collections, statistics, sys
path, rounds, started, load, cpus = sys.argv[1:6]
v = collections.defaultdict(list)
for line in open(path):
    k, ms = line.split("\t")
    v[k].append(int(ms))
rows = [
    ("kill.elected", "kill -9 of the quorum leader -> a survivor leads", "its log line 'is leader in term T'"),
    ("kill.agreed", "kill -9 of the quorum leader -> both survivors agree", "later of the leader's and the other survivor's 'follows leader' line"),
    ("kill.polled", "kill -9 of the quorum leader -> agreement seen by polling", "`samsa cluster status --output json` on both survivors, every ~10 ms"),
    ("kill.rejoin", "killed node restarted -> registered again, 3 unfenced everywhere", "polled, includes process start"),
    ("stop.elected", "SIGSTOP of the quorum leader -> a survivor leads", "its log line"),
    ("stop.agreed", "SIGSTOP of the quorum leader -> both survivors agree", "later of the two log lines"),
    ("stop.polled", "SIGSTOP of the quorum leader -> agreement seen by polling", "cluster status every ~10 ms"),
    ("topic.ack", "topic created (RF 3) -> `samsa topics create` returns", "through node 1, 2, 3 in turn; includes the CLI's connect"),
    ("topic.logged", "topic created -> in the metadata image of all 3 nodes", "latest of the nodes' 'cluster: topic' log lines"),
    ("topic.described", "topic created -> `samsa topics describe` answers on all 3 nodes", "polled every ~10 ms per node"),
    ("fence.kill", "kill -9 of a follower broker -> fenced", "the controller's 'is gone: fencing it now' line (or 'session expired')"),
    ("fence.kill.by_session", "... of which fenced by session expiry, not at once", "the controller's 'session expired' line"),
    ("fence.kill.back", "the killed follower restarted -> unfenced on all 3 nodes", "polled, includes process start"),
    ("fence.stop", "SIGSTOP of a follower broker -> fenced (session expired)", "the controller's 'session expired' line"),
    ("fence.stop.back", "SIGCONT -> unfenced on all 3 nodes", "polled"),
    ("fence.leader", "kill -9 of the quorum leader -> its broker fenced", "the new controller's line: the quorum's lost connection to that node ('the connection to node N is down'), else its session"),
    ("fence.leader.back", "the killed leader restarted -> unfenced on all 3 nodes", "polled, includes process start"),
    ("cli", "one `samsa cluster status` call (the polling's unit)", "for scale"),
]
print(f"### Cluster: 3 nodes on loopback ({started}; {rounds} rounds; load average at start {load}; {cpus} CPUs)")
print()
print("| measurement | n | median ms | min ms | max ms | measured by |")
print("|---|---:|---:|---:|---:|---|")
for k, label, how in rows:
    if k in v:
        xs = v[k]
        print(f"| {label} | {len(xs)} | {statistics.median(xs):.0f} | {min(xs)} | {max(xs)} | {how} |")
print()
print("Default settings: controller.quorum.election.timeout.ms=1000, controller.quorum.fetch.timeout.ms=2000, "
      "broker.session.timeout.ms=9000, broker.heartbeat.interval.ms=2000; Raft heartbeats every 100 ms "
      "(election timeout / 10); CAF middleman.heartbeat-interval=100 ms, middleman.connection-timeout=9000 ms "
      "(the largest of the fetch timeout, 2000 and the session timeout: actors/node.cpp). "
      "Times from log lines are the node's spdlog timestamp minus the time taken just before the kill/stop/create.")
PYEOF
)
echo "$report"
if [ -n "$OUT" ]; then printf '\n%s\n' "$report" >>"$OUT"; fi
log "done"
