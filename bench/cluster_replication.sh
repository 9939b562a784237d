#!/usr/bin/env bash
# Replication benchmark (issue #10, "How it is checked"): three `samsa broker` processes on loopback forming one
# cluster (tests/e2e/cluster_lib.sh) beside a single-node broker, in one run, all with librdkafka clients
# (`samsa_bench --client`, bench/kafka_client.cpp):
#   1. produce throughput, one producer, 1 KiB values, P partitions (default 3): single node acks=1 (the base
#      case) and acks=all idempotent; the cluster with a topic of RF 3 / min.insync.replicas 2, acks=1, acks=all
#      and acks=all idempotent (librdkafka then keeps at most 5 requests in flight per connection). Each case
#      gets a fresh topic, runs --seconds, REPEAT times interleaved (the median run is reported).
#   2. consume from the beginning: a topic of the same shape filled untimed on each side, read by one consumer
#      (on the cluster from the P leaders, spread over the three nodes).
#   3. failover: an idempotent acks=all writer (RATE records/s round-robin over the partitions of an RF 3 /
#      min ISR 2 topic) runs throughout; ROUNDS times kill -9 of a node leading a partition that does not
#      host the active controller, then ROUNDS times kill -9 of the node that does (it leads a partition too).
#      Measured from the writer's acknowledgements (each with its time and the broker that answered): from
#      the kill to the next acknowledged write of every partition, by a broker other than the killed one, and
#      the longest time without an acknowledgement. The node restarts between rounds; the next round waits for
#      every ISR full, every partition led by its preferred replica again and the writer acknowledged by those
#      leaders. At the end every acknowledged record is read back and compared
#      (tests/e2e/cluster_replication_check.py verify: lost, moved, duplicated, out of order).
# Markdown on stdout (and appended to --out FILE), progress on stderr; every process is killed on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  cat >&2 <<EOF
usage: $0 [--samsa PATH] [--bench PATH] [--rounds N] [--repeat N] [--seconds S] [--partitions N] [--rate R]
          [--smoke] [--out FILE] [--keep] [--bench-args "SAMSA_BENCH OPTIONS"]
  --samsa PATH     the samsa executable (default: $ROOT/build/samsa)
  --bench PATH     the samsa_bench executable (default: bench/samsa_bench beside samsa)
  --rounds N       kills of each kind (default 10)
  --repeat N       runs of each produce and consume case, the median is kept (default 3)
  --seconds S      time cap of one produce case (default 3, as samsa_bench)
  --partitions N   partitions of every topic (default 3: one leader per node)
  --rate R         records/s of the failover writer (default 2000)
  --smoke          2 kills of each kind, 1 run of 1 s per case, 20,000 records to consume (under a minute)
  --out FILE       append the Markdown report to FILE too
  --keep           keep the work directory (data, node logs, the writer's acknowledgements)
  --bench-args S   the options given to samsa_bench (make bench BENCH_ARGS=...): --smoke, --out FILE, --keep,
                   --seconds S and --repeat N are taken from them; --only LIST without "cluster" or
                   "replication" skips this benchmark
EOF
  exit 2
}

source "$ROOT/bench/bench_args.sh"

BENCH_BIN=""
ROUNDS=10
REPEAT=3
SECONDS_CAP=3
PARTS=3
RATE=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --samsa) SAMSA_BIN=${2:?}; shift ;;
    --bench) BENCH_BIN=${2:?}; shift ;;
    --rounds) ROUNDS=${2:?}; shift ;;
    --repeat) REPEAT=${2:?}; shift ;;
    --seconds) SECONDS_CAP=${2:?}; shift ;;
    --partitions) PARTS=${2:?}; shift ;;
    --rate) RATE=${2:?}; shift ;;
    --smoke) SMOKE=1 ;;
    --out) OUT=${2:?}; shift ;;
    --keep) export SAMSA_KEEP=1 ;;
    --bench-args)
      parse_bench_args "${2-}" cluster replication
      SECONDS_CAP=${BENCH_SECONDS:-$SECONDS_CAP}; REPEAT=${BENCH_REPEAT:-$REPEAT}; shift ;;
    *) usage ;;
  esac
  shift
done
for n in "$ROUNDS" "$REPEAT" "$PARTS" "$RATE"; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || usage; done
[[ "$SECONDS_CAP" =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage
CONSUME_RECORDS=500000
if [ "$SMOKE" = 1 ]; then ROUNDS=2; REPEAT=1; SECONDS_CAP=1; CONSUME_RECORDS=20000; fi
if [ "$SKIP" = 1 ]; then echo "replication benchmark skipped (--only without cluster or replication)" >&2; exit 0; fi
[ -x "$SAMSA_BIN" ] || { echo "no samsa executable at $SAMSA_BIN (build first, or --samsa PATH)" >&2; exit 2; }
SAMSA_BIN=$(cd "$(dirname "$SAMSA_BIN")" && pwd)/$(basename "$SAMSA_BIN")
[ -n "$BENCH_BIN" ] || BENCH_BIN=$(dirname "$SAMSA_BIN")/bench/samsa_bench
[ -x "$BENCH_BIN" ] || { echo "no samsa_bench at $BENCH_BIN (build it, or --bench PATH)" >&2; exit 2; }

NODES=3
source "$ROOT/tests/e2e/cluster_lib.sh" "$SAMSA_BIN"
# cluster_lib's EXIT trap kills the nodes; bash runs it on a signal only when the signal is trapped.
trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 129' HUP
CHECK="$PY $ROOT/tests/e2e/cluster_replication_check.py"
RESULTS=$WORK/results.tsv # KIND <tab> fields..., one line per run or round
: >"$RESULTS"
log() { echo "[replication bench] $*" >&2; }
record() { local IFS=$'\t'; echo "$*" >>"$RESULTS"; }
FAILED=0
failed() { log "FAILED: $*"; record failure "$*"; FAILED=1; }

# The single node: node 4 of cluster_lib without controller.quorum.voters (a later --set wins).
S=4 NATIVE[4]=$(free_port) KAFKA[4]=$(free_port)
# Preferred leaders come back within a second of a node's return, so every failover round starts from the
# same layout (the default check interval is 300 s).
SETS=(--set leader.imbalance.check.interval.seconds=1)
ALL="127.0.0.1:${KAFKA[1]},127.0.0.1:${KAFKA[2]},127.0.0.1:${KAFKA[3]}"
all_nodes() { seq 1 "$NODES"; }
cluster_pids() { local i s=""; for i in $(all_nodes); do s="${s:+$s,}${PID[$i]}"; done; echo "$s"; }

# side: "single" or "cluster": where a topic lives and how clients reach it.
native_of() { [ "$1" = single ] && echo "127.0.0.1:${NATIVE[$S]}" || echo "127.0.0.1:${NATIVE[1]}"; }
bootstrap_of() { [ "$1" = single ] && echo "127.0.0.1:${KAFKA[$S]}" || echo "$ALL"; }
pids_of() { [ "$1" = single ] && echo "${PID[$S]}" || cluster_pids; }
create_topic() { # SIDE TOPIC
  local t0 rc=0 i
  t0=$(now_ms)
  if [ "$1" = single ]; then
    timeout 30 "$SAMSA" topics create "$2" --partitions "$PARTS" --broker "$(native_of single)" >/dev/null
  else
    timeout 30 "$SAMSA" topics create "$2" --partitions "$PARTS" --replication-factor 3 \
      --config min.insync.replicas=2 --broker "$(native_of cluster)" >/dev/null
  fi || rc=$?
  [ "$rc" = 0 ] && return 0
  # Seen once: no answer in 60 s although the controller had committed the topic within ~1 s. Keep what
  # tells why (every node's threads, the logs), then carry on if the topic exists.
  failed "topics create $2 on the $1 side: exit status $rc after $(( $(now_ms) - t0 )) ms (stacks and logs kept in $WORK)"
  SAMSA_KEEP=1
  for i in $(all_nodes) "$S"; do
    [ -z "${PID[$i]}" ] || timeout 60 gdb -p "${PID[$i]}" -batch -ex "thread apply all bt" >"$WORK/stacks-$2-node$i.txt" 2>&1 || true
  done
  timeout 30 "$SAMSA" topics describe "$2" --broker "$(native_of "$1")" >/dev/null 2>&1 || fail "topic $2 does not exist"
}
delete_topic() { timeout 30 "$SAMSA" topics delete "$2" --broker "$(native_of "$1")" >/dev/null 2>&1 || log "topics delete $2 failed"; }
field() { grep -o "$1=[^ ]*" <<<"$2" | head -1 | cut -d= -f2; } # NAME LINE: the value of NAME=VALUE

# "P LEADER REPLICAS ISR" per partition of TOPIC as node N describes it.
layout() { # N TOPIC
  "$SAMSA" topics describe "$2" --broker "127.0.0.1:${NATIVE[$1]}" 2>/dev/null | $PY -c '
import re, sys
for line in sys.stdin:
    m = re.search(r"Partition: (\d+)\tLeader: ([\d-]+)\tLeaderEpoch: \d+\tReplicas: ([\d,]*)\tIsr: ([\d,]*)", line)
    if m:
        print(" ".join(m.groups()))' || true
}
# Every node describes every partition of TOPIC with a full ISR, led by its first (preferred) replica.
settled() { # TOPIC
  local i l
  for i in $(all_nodes); do
    l=$(layout "$i" "$1")
    [ "$(grep -c . <<<"$l")" = "$PARTS" ] || return 1
    awk '{ split($3, r, ","); if ($2 != r[1] || split($4, s, ",") != 3) bad = 1 } END { exit bad }' <<<"$l" || return 1
  done
}

# -- 1 and 2: throughput --------------------------------------------------------------------------------------
# SIDE ACKS: ACKS 1, all, or idem (acks=all with enable.idempotence)
CASES=("single 1" "single idem" "cluster 1" "cluster all" "cluster idem")
produce_run() { # SIDE ACKS REP
  local side=$1 acks=$2 rep=$3 topic="p-$1-$2-$3" out idem=()
  [ "$acks" = idem ] && { acks=all; idem=(--idempotent); }
  create_topic "$side" "$topic"
  [ "$side" = single ] || wait_for 20 settled "$topic" >/dev/null || fail "topic $topic not settled: $(layout 1 "$topic")"
  sync # the previous runs' writeback is not this run's cost
  out=$("$BENCH_BIN" --client produce --bootstrap "$(bootstrap_of "$side")" --topic "$topic" --partitions "$PARTS" \
    --record-size 1024 --acks "$acks" "${idem[@]}" --records 100000000 --seconds "$SECONDS_CAP" \
    --server-pids "$(pids_of "$side")") || fail "samsa_bench --client produce failed on the $side side"
  log "produce $side $2 run $rep: $out"
  [ -z "$(field note "$out")" ] || failed "produce $side $2 run $rep: $out"
  record produce "$side $2" "$rep" "$(field records "$out")" "$(field bytes "$out")" "$(field seconds "$out")" \
    "$(field server_cpu_s "$out")"
  delete_topic "$side" "$topic"
}
fill_topic() { # SIDE: fills topic c-SIDE with CONSUME_RECORDS records (untimed, acks=all)
  local side=$1 out
  create_topic "$side" "c-$side"
  [ "$side" = single ] || wait_for 20 settled "c-$side" >/dev/null || fail "topic c-$side not settled"
  out=$("$BENCH_BIN" --client produce --bootstrap "$(bootstrap_of "$side")" --topic "c-$side" --partitions "$PARTS" \
    --record-size 1024 --acks all --records "$CONSUME_RECORDS" --seconds 600) || fail "filling c-$side failed"
  [ "$(field records "$out")" = "$CONSUME_RECORDS" ] || fail "filling c-$side: $out"
}
consume_run() { # SIDE REP
  local side=$1 rep=$2 out
  sync
  out=$("$BENCH_BIN" --client consume --bootstrap "$(bootstrap_of "$side")" --topic "c-$side" --partitions "$PARTS" \
    --records "$CONSUME_RECORDS" --seconds 120 --server-pids "$(pids_of "$side")") || fail "samsa_bench --client consume failed"
  log "consume $side run $rep: $out"
  [ "$(field records "$out")" = "$CONSUME_RECORDS" ] && [ "$(field errors "$out")" = 0 ] \
    || failed "consume $side run $rep: $out"
  record consume "$side" "$rep" "$(field records "$out")" "$(field bytes "$out")" "$(field seconds "$out")" \
    "$(field server_cpu_s "$out")"
}

# -- 3: failover ----------------------------------------------------------------------------------------------
FT=failover
ACKED=$WORK/acked.jsonl STATUS=$WORK/writer.status STOP=$WORK/writer.stop
# Every partition has an acknowledgement after T0 from a broker other than VICTIM (the writer's status file).
resumed() { # T0 VICTIM
  awk -v t0="$1" -v v="$2" -v n="$PARTS" '$2 >= t0 && $3 != v { ok++ } END { exit !(ok == n && NR == n) }' \
    "$STATUS" 2>/dev/null
}
# The writer's last acknowledgement of every partition is recent and came from its leader in LAYOUT: the
# client follows the current leaders (after a node's return librdkafka may wait out its reconnect backoff).
writing_to_leaders() { # LAYOUT
  awk -v now="$(now_ms)" -v n="$PARTS" -v lay="$1" 'BEGIN { m = split(lay, l, "\n"); for (i = 1; i <= m; i++) {
      split(l[i], f, " "); leader[f[1]] = f[2] } }
    $2 >= now - 200 && $3 == leader[$1] { ok++ } END { exit !(ok == n && NR == n) }' "$STATUS" 2>/dev/null
}
quorum_leader() { local got; got=$(agreed_leader); echo "${got%% *}"; }
failover_round() { # KIND(leader|controller) ROUND
  local kind=$1 r=$2 ctl victim t0 ms t1 lay led
  local -a cands
  wait_for 90 settled "$FT" >/dev/null || fail "$kind round $r: not settled 90 s after the last round: $(layout 1 "$FT")"
  wait_for 30 all_unfenced_everywhere >/dev/null || fail "$kind round $r: a broker is still fenced"
  ctl=$(quorum_leader); [ -n "$ctl" ] || fail "$kind round $r: no agreed quorum leader"
  lay=$(layout 1 "$FT")
  wait_for 30 writing_to_leaders "$lay" >/dev/null \
    || fail "$kind round $r: the writer is not acknowledged by every leader: $(cat "$STATUS"); leaders: $lay"
  if [ "$kind" = controller ]; then
    victim=$ctl
  else
    mapfile -t cands < <(awk -v c="$ctl" '$2 != c { print $2 }' <<<"$lay" | sort -u)
    [ "${#cands[@]}" -gt 0 ] || fail "leader round $r: only the controller's node $ctl leads: $lay"
    victim=${cands[$(( r % ${#cands[@]} ))]}
  fi
  led=$(awk -v v="$victim" '$2 == v { printf "%s%s", s, $1; s = "," }' <<<"$lay")
  t0=$(now_ms)
  kill_node "$victim"
  if ms=$(wait_for 30 resumed "$t0" "$victim"); then
    log "$kind round $r: kill -9 of node $victim (leads partitions ${led:-none}; controller: node $ctl):" \
        "every partition acknowledged again within ~$ms ms (polled)"
  else
    failed "$kind round $r: not every partition acknowledged 30 s after kill -9 of node $victim: $(cat "$STATUS")"
  fi
  t1=$(now_ms)
  start_node "$victim" "${SETS[@]}"; wait_started "$victim"
  wait_for 90 settled "$FT" >/dev/null || fail "$kind round $r: node $victim did not rejoin every ISR and lead again"
  wait_for 60 writing_to_leaders "$(layout 1 "$FT")" >/dev/null \
    || fail "$kind round $r: the writer is not acknowledged by every leader 60 s after the restart: $(cat "$STATUS")"
  record round "$kind" "$r" "$t0" "$victim" "$ctl" "${led:--}" "$t1" "$(now_ms)"
  # A node killed within one broker heartbeat interval (2 s) of a controller change would be fenced by its
  # session, not its lost connection (docs/benchmarks.md, "Cluster"): the next round waits that out.
  [ "$kind" = leader ] || sleep 3
}

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load=$(cut -d' ' -f1-3 /proc/loadavg)
log "single node + 3 nodes, $PARTS partitions, $REPEAT run(s) of ${SECONDS_CAP} s per produce case, $ROUNDS kills of" \
    "each kind, work directory $WORK"
for i in $(all_nodes); do start_node "$i" "${SETS[@]}"; done
start_node "$S" --set controller.quorum.voters=
for i in $(all_nodes) "$S"; do wait_started "$i"; done
wait_for 60 all_unfenced_everywhere >/dev/null || fail "not 3 unfenced brokers on every node 60 s after start"

for rep in $(seq 1 "$REPEAT"); do
  for c in "${CASES[@]}"; do produce_run $c "$rep"; done
done
for side in single cluster; do fill_topic "$side"; done
record layout "$(layout 1 c-cluster | awk '{ printf "%s%s leads %s", s, $2, $1; s = ", " }')"
for rep in $(seq 1 "$REPEAT"); do
  for side in single cluster; do consume_run "$side" "$rep"; done
done
for side in single cluster; do delete_topic "$side" "c-$side"; done

create_topic cluster "$FT"
wait_for 20 settled "$FT" >/dev/null || fail "topic $FT not settled: $(layout 1 "$FT")"
"$BENCH_BIN" --client failover-writer --bootstrap "$ALL" --topic "$FT" --partitions "$PARTS" --rate "$RATE" \
  --acks-out "$ACKED" --status "$STATUS" --stop-file "$STOP" --seconds 3600 >"$WORK/writer.out" 2>"$WORK/writer.err" &
WRITER=$!
PID[writer]=$WRITER # killed with the nodes if the script fails
wait_for 30 resumed 0 0 >/dev/null || fail "the failover writer got no acknowledgement on every partition: $(cat "$WORK/writer.err")"
for r in $(seq 1 "$ROUNDS"); do failover_round leader "$r"; done
for r in $(seq 1 "$ROUNDS"); do failover_round controller "$r"; done
sleep 1
touch "$STOP"
wait "$WRITER" || failed "the failover writer exited with an error: $(cat "$WORK/writer.err")"
PID[writer]=""
out=$(cat "$WORK/writer.out")
log "failover writer: $out"
record writer "$out"
[ "$(field failed "$out")" = 0 ] && [ "$(field unfinished "$out")" = 0 ] && [ "$(field fatal "$out")" = - ] \
  || failed "failover writer: $out"
out=$($CHECK verify "${KAFKA[1]},${KAFKA[2]},${KAFKA[3]}" "$FT" "$ACKED") || failed "reading back failed: $out"
log "read back: $out"
record verify "$out"
grep -q "lost=0 moved=0 duplicates=0 out_of_order_partitions=0" <<<"$out" || failed "acknowledged records: $out"

report=$($PY - "$RESULTS" "$ACKED" "$WORK" "$started" "$load" "$(nproc)" "$PARTS" "$SECONDS_CAP" "$REPEAT" \
  "$CONSUME_RECORDS" "$RATE" "$SMOKE" <<'PYEOF'
import collections, datetime, glob, json, re, statistics, sys
path, acked_path, work, started, load, cpus, parts, cap, repeat, consume_n, rate, smoke = sys.argv[1:13]
parts = int(parts)
rows = [l.rstrip("\n").split("\t") for l in open(path)]

def median_run(kind, case):
    runs = [r for r in rows if r[0] == kind and r[1] == case and r[5] not in ("", "0")]
    runs = [(int(r[3]) / float(r[5]), int(r[4]) / float(r[5]) / 1e6, float(r[6] or 0) / (int(r[3]) / 1e6 or 1)) for r in runs
            if int(r[3]) > 0]
    if not runs:
        return None
    runs.sort()
    return runs[len(runs) // 2] + (len(runs),)

def fmt(v):
    return f"{v / 1e6:.2f}M" if v >= 1e6 else f"{v / 1e3:.1f}k" if v >= 1e3 else f"{v:.0f}"

print(f"### Replication: single node vs 3 nodes on loopback ({started}; load average at start {load}; {cpus} CPUs)")
print()
print(f"Produce: one librdkafka producer (linger.ms=5), 1 KiB values, {parts} partitions round-robin, a fresh topic "
      f"per run, {cap} s per run, median of {repeat} run(s) interleaved across the cases; rate = acknowledged records "
      "over the time to the last acknowledgement; MB/s of values (10^6 B). Cluster topics: RF 3, "
      "min.insync.replicas=2, leaders one per node. Server CPU: utime+stime of the broker processes (all three "
      "for the cluster) per million records.")
print()
print("| case | rec/s | MB/s | vs single node acks=1 | server CPU s/M | runs |")
print("|---|---:|---:|---:|---:|---:|")
labels = {"single 1": "single node, acks=1 (base case)", "single idem": "single node, acks=all, idempotent",
          "cluster 1": "3 nodes, RF 3, acks=1", "cluster all": "3 nodes, RF 3, acks=all, not idempotent",
          "cluster idem": "3 nodes, RF 3, acks=all, idempotent"}
med = {c: median_run("produce", c) for c in labels}
base = med["single 1"]
for c, label in labels.items():
    m = med[c]
    if m is None:
        print(f"| {label} | failed | - | - | - | - |")
        continue
    ratio = f"{m[0] / base[0]:.2f}x" if base else "-"
    print(f"| {label} | {fmt(m[0])} | {m[1]:.1f} | {ratio} | {m[2]:.2f} | {m[3]} |")
print()
lay = next((r[1] for r in rows if r[0] == "layout"), "?")
print(f"Consume from the beginning: {int(consume_n):,} records of 1 KiB in {parts} partitions (filled untimed with "
      f"acks=all), one consumer (assign() at the beginning of every partition); on the cluster it fetches from "
      f"the leaders ({lay}); median of {repeat} run(s).")
print()
print("| side | rec/s | MB/s | vs single node | server CPU s/M | runs |")
print("|---|---:|---:|---:|---:|---:|")
cm = {s: median_run("consume", s) for s in ("single", "cluster")}
for s, label in (("single", "single node"), ("cluster", "3 nodes, RF 3")):
    m = cm[s]
    if m is None:
        print(f"| {label} | failed | - | - | - | - |")
        continue
    ratio = f"{m[0] / cm['single'][0]:.2f}x" if cm["single"] else "-"
    print(f"| {label} | {fmt(m[0])} | {m[1]:.1f} | {ratio} | {m[2]:.2f} | {m[3]} |")
print()

# Failover: the first acknowledgement after each kill, per partition, from a broker other than the victim.
acks = collections.defaultdict(list)  # partition -> [(unix ms, broker)], in acknowledgement order
for line in open(acked_path):
    v, p, off, t, broker = json.loads(line)
    acks[p].append((t * 1000, broker))
logs = {}
for f in glob.glob(work + "/node[1-3].log"):
    out = []
    for line in open(f, errors="replace"):
        m = re.match(r"\[?(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})", line)
        if m and "controller: failover-" in line:
            ms = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1000
            out.append((ms, line))
    logs[f] = out
def longest_gap(p, start, end):
    """The longest time without an acknowledgement of partition p from `start` to its last one before `end`."""
    prev, best = start, 0
    for t, _ in acks[p]:
        if start <= t <= end:
            best, prev = max(best, t - prev), t
    return best

per_kind = collections.defaultdict(lambda: collections.defaultdict(list))
lines = []
for r in rows:
    if r[0] != "round":
        continue
    kind, rnd, t0, victim, ctl, led, t1, t2 = r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5]), r[6], int(r[7]), int(r[8])
    led = [int(x) for x in led.split(",")] if led != "-" else []
    first = {}
    for p in range(parts):
        first[p] = next((t - t0 for t, b in acks[p] if t >= t0 and b != victim), None)
    if any(v is None for v in first.values()):
        per_kind[kind]["lost"].append(rnd)
        continue
    k = per_kind[kind]
    k["all"].append(max(first.values()))
    if led:
        k["led"].append(max(first[p] for p in led))
    others = [first[p] for p in range(parts) if p not in led]
    if others:
        k["others"].append(max(others))
    # the controller's log line naming each led partition's new leader (server side of the failover)
    elected = []
    for p in led:
        pat = f"controller: failover-{p} leader {victim} -> "
        ts = [ms for out in logs.values() for ms, line in out if ms >= t0 and pat in line]
        if ts:
            elected.append(min(ts) - t0)
    if led and len(elected) == len(led):
        k["elected"].append(max(elected))
    gap = max(longest_gap(p, t0, t1) for p in range(parts))
    back = max(longest_gap(p, t1, t2) for p in range(parts))
    k["gap"].append(gap)
    k["rejoin"].append(t2 - t1)
    k["back"].append(back)
    lines.append(f"{kind} {rnd}: node {victim} (led {','.join(map(str, led)) or 'none'}, controller node {ctl}): "
                 + ", ".join(f"p{p} {first[p]:.0f}" for p in range(parts))
                 + f" ms; longest gap {gap:.0f} ms; after the restart {back:.0f} ms")

print(f"Failover: an idempotent acks=all librdkafka producer writes {int(rate):,} records/s round-robin over the "
      f"{parts} partitions of an RF 3 / min.insync.replicas=2 topic throughout (librdkafka defaults otherwise: "
      "retry.backoff.ms=100, topic.metadata.refresh.fast.interval.ms=250, reconnect.backoff.ms=100 to "
      "reconnect.backoff.max.ms=10000); kill -9 of one node per round, restarted once every partition was "
      "acknowledged again; each round starts with every ISR full, every partition led by its preferred replica "
      "and the writer acknowledged by those leaders. Times from the kill (taken just before it) to the first "
      "acknowledgement after it, per partition, from a broker other than the killed one; a round's figure is "
      "its slowest partition. The longest gap: the longest time without an acknowledgement on any partition "
      "from the kill to the restart (an acknowledgement of a request in flight at the kill does not end it).")
print()
print("| kill -9 of | -> | n | median ms | min ms | max ms |")
print("|---|---|---:|---:|---:|---:|")
names = {"leader": "a partition leader's node (not the controller's)", "controller": "the active controller's node (leads a partition too)"}
what = [("all", "next acknowledged write on every partition"),
        ("led", "... on the partitions it led (new leader)"),
        ("others", "... on the partitions it followed (ISR shrinks)"),
        ("elected", "the controller's log names the new leader(s)"),
        ("gap", "longest gap between acknowledgements on any partition"),
        ("rejoin", "restart -> full ISRs, preferred leaders back, writer follows (polled)"),
        ("back", "... longest gap on any partition meanwhile (leadership moves back)")]
for kind in ("leader", "controller"):
    k = per_kind.get(kind, {})
    for key, label in what:
        xs = k.get(key, [])
        if xs:
            print(f"| {names[kind]} | {label} | {len(xs)} | {statistics.median(xs):.0f} | {min(xs):.0f} | {max(xs):.0f} |")
    if k.get("lost"):
        print(f"| {names[kind]} | rounds where a partition got no acknowledgement | {len(k['lost'])} | - | - | - |")
print()
writer = next((r[1] for r in rows if r[0] == "writer"), "?")
verify = next((r[1] for r in rows if r[0] == "verify"), "?")
print(f"The writer: {writer}. Read back through all nodes: {verify}.")
print()
print("#### Goals of issue #10")
print()
print("| goal | measured | verdict |")
print("|---|---|---|")
def verdict(ok):
    return "met" if ok else "MISSED"
if base and med["cluster idem"]:
    ratio = med["cluster idem"][0] / base[0]
    print(f"| 3-node RF 3 acks=all (idempotent) >= 50% of single-node acks=1 | {ratio * 100:.0f}% ({fmt(med['cluster idem'][0])} vs "
          f"{fmt(base[0])} rec/s) | {verdict(ratio >= 0.5)} |")
for kind in ("leader", "controller"):
    xs = per_kind.get(kind, {}).get("all", [])
    lost = per_kind.get(kind, {}).get("lost", [])
    if xs or lost:
        ok = xs and not lost and max(xs) < 1000
        print(f"| kill -9 of {names[kind]} -> next acknowledged write on every partition < 1 s | median "
              f"{statistics.median(xs) if xs else float('nan'):.0f} ms, max {max(xs) if xs else float('nan'):.0f} ms over "
              f"{len(xs) + len(lost)} kills | {verdict(ok)}{' (median met)' if not ok and xs and statistics.median(xs) < 1000 else ''} |")
ok = "lost=0 moved=0 duplicates=0 out_of_order_partitions=0" in verify
print(f"| no acknowledged record lost (or duplicated, moved, reordered) | {verify} | {verdict(ok)} |")
print()
print("Per round (ms from the kill to each partition's next acknowledgement):")
print()
for l in lines:
    print(f"- {l}")
failures = [r[1] for r in rows if r[0] == "failure"]
if failures:
    print()
    print("Failures:")
    print()
    for f in failures:
        print(f"- FAILED {f}")
PYEOF
)
echo "$report"
if [ -n "$OUT" ]; then printf '\n%s\n' "$report" >>"$OUT"; fi
log "done"
exit "$FAILED"
