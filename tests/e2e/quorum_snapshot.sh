#!/usr/bin/env bash
# Metadata log compaction on a 3-node cluster (issue "A samsa cluster": "a node started with an empty data
# directory catches up from a snapshot"). With a small metadata.log.max.record.bytes.between.snapshots,
# 30 topics created through the three nodes make every node snapshot its metadata image several times:
# `samsa cluster status` shows a snapshot index, and each node's metadata.db (sqlite3) holds that snapshot
# with no log entry at or below it. Then node 3 (node 2 when 3 leads the quorum) is stopped, its data
# directory deleted, and it is started empty: the leader's log no longer starts at index 1, so the node can
# only catch up from the leader's snapshot (its status and log say it installed one), and it describes all
# 30 topics (leader, replicas, ISR of every partition) exactly like the other two, with the replicas placed
# as before (leaders and ISRs move: stopping a node fences it, and the controller elects). Last, kill -9 of
# all three and a restart: every node starts from its own snapshot plus the log after it and still
# describes the 30 topics alike.
# SNAPSHOT_BYTES overrides the interval (a huge value shows the compaction checks failing).
# Usage: quorum_snapshot.sh /path/to/samsa
source "$(dirname "$0")/cluster_lib.sh"
SNAPSHOT_BYTES=${SNAPSHOT_BYTES:-1024}
TOPICS=30
SETS=(--set "metadata.log.max.record.bytes.between.snapshots=$SNAPSHOT_BYTES")

start_all() { for i in 1 2 3; do start_node "$i" "${SETS[@]}"; done; for i in 1 2 3; do wait_started "$i"; done; }
start_all
wait_for 30 all_unfenced_everywhere >/dev/null || fail "not 3 unfenced brokers on every node 30 s after start"

# -- 30 topics through the three nodes' native ports ------------------------------------------------------
for t in $(seq 1 "$TOPICS"); do
  i=$(( t % 3 + 1 ))
  out=$("$SAMSA" topics create "snap-$t" --partitions 2 --replication-factor 3 \
        --broker "127.0.0.1:${NATIVE[$i]}" 2>&1) || fail "topics create snap-$t through node $i: $out"
done
echo "created $TOPICS topics (2 partitions, RF 3) through nodes 1-3"

# Every partition of every topic as "topic p leader replicas isr", sorted: node N's view.
describe_all() {
  "$SAMSA" topics describe --broker "127.0.0.1:${NATIVE[$1]}" 2>/dev/null | $PY -c '
import re, sys
rows = []
for line in sys.stdin:
    m = re.search(r"Topic: (\S+)\tPartition: (\d+)\tLeader: ([\d-]+)\tLeaderEpoch: \d+\tReplicas: ([\d,]*)\tIsr: ([\d,]*)", line)
    if m and m.group(1).startswith("snap-"):
        rows.append(" ".join(m.groups()))
print("\n".join(sorted(rows)))'
}
described_alike() { # every live node shows TOPICS*2 partitions, all alike
  local ref="" d i
  for i in 1 2 3; do
    [ -n "${PID[$i]}" ] || continue
    d=$(describe_all "$i") || return 1
    [ "$(grep -c . <<<"$d")" = $(( TOPICS * 2 )) ] || return 1
    if [ -z "$ref" ]; then ref=$d; elif [ "$d" != "$ref" ]; then return 1; fi
  done
  echo "$ref" >"$WORK/described"
}
wait_for 30 described_alike >/dev/null || fail "the 3 nodes do not describe the $TOPICS topics alike: $(describe_all 1 | head -3)"
placement() { awk '{ print $1, $2, $4 }' "$1"; } # topic, partition, replicas
placement "$WORK/described" >"$WORK/placement.before"
echo "all 3 nodes describe the $TOPICS topics alike ($(grep -c . "$WORK/described") partitions), e.g. $(head -1 "$WORK/described")"

# -- compaction: a snapshot on every node, the log in SQLite starts after it ------------------------------
snapshot_index() { json_field "$(status_json "$1")" snapshot_index; }
compacted_everywhere() {
  local i; for i in 1 2 3; do [ "$(snapshot_index "$i")" -gt 0 ] 2>/dev/null || return 1; done
}
wait_for 15 compacted_everywhere >/dev/null \
  || fail "not every node took a snapshot: snapshot_index $(snapshot_index 1) $(snapshot_index 2) $(snapshot_index 3)"
for i in 1 2 3; do
  s=$(status_json "$i")
  db="$WORK/data$i/metadata.db"
  stored=$(sqlite3 "$db" "SELECT last_index FROM raft_snapshot")
  first=$(sqlite3 "$db" "SELECT COALESCE(MIN(log_index), 0) FROM raft_log")
  rows=$(sqlite3 "$db" "SELECT COUNT(*) FROM raft_log")
  echo "node $i: snapshots taken $(json_field "$s" snapshots_taken), snapshot index $(json_field "$s" snapshot_index)" \
       "(metadata.db: snapshot at $stored, log entries $first.. ($rows rows), last index $(json_field "$s" last_index))"
  [ "$(json_field "$s" snapshots_taken)" -ge 2 ] || fail "node $i took fewer than 2 snapshots: $s"
  [ "$stored" -gt 0 ] || fail "node $i: no snapshot in metadata.db"
  [ "$first" = 0 ] || [ "$first" -gt "$stored" ] || fail "node $i: metadata.db keeps log entry $first at or below its snapshot $stored"
done

# -- node 3 rebuilt from nothing --------------------------------------------------------------------------
leader=$(agreed_leader); leader=${leader%% *}
# Node 3, unless it leads the quorum: then node 2. A follower wiped under a leader that stays is the hard
# case (the leader still holds the match index the node acknowledged before it lost everything).
victim=3; [ "$leader" != 3 ] || victim=2
kill "${PID[$victim]}"; wait "${PID[$victim]}" 2>/dev/null || true; PID[$victim]=""
rm -rf "$WORK/data$victim"
echo "node $victim stopped (SIGTERM), its data directory deleted (quorum leader was node $leader)"
start_node "$victim" "${SETS[@]}"
wait_started "$victim"
installed() { [ "$(json_field "$(status_json "$victim")" snapshots_installed)" -ge 1 ] 2>/dev/null; }
ms=$(wait_for 30 installed) || fail "node $victim did not install a snapshot: $(status_json "$victim")"
grep -q "quorum: node $victim installs the snapshot at index" "$WORK/node$victim.log" || fail "no install line in node $victim's log"
echo "node $victim installed the leader's snapshot $ms ms after its start: $(grep -o "installs the snapshot at index [0-9]* ([^)]*)" "$WORK/node$victim.log" | tail -1)"
wait_for 30 all_unfenced_everywhere >/dev/null || fail "node $victim not registered and unfenced after its rebuild"
wait_for 30 described_alike >/dev/null || fail "node $victim does not describe the topics like the others: $(diff <(describe_all 1) <(describe_all "$victim") | head -5)"
cmp -s <(placement "$WORK/described") "$WORK/placement.before" || fail "the placement changed across the rebuild"
echo "node $victim describes the $TOPICS topics exactly like the others"

# -- kill -9 of every node, restart ------------------------------------------------------------------------
for i in 1 2 3; do kill_node "$i"; done
start_all
wait_for 30 all_unfenced_everywhere >/dev/null || fail "not 3 unfenced brokers 30 s after the restart"
wait_for 30 described_alike >/dev/null || fail "the topics are not described alike after kill -9 of all and a restart"
cmp -s <(placement "$WORK/described") "$WORK/placement.before" || fail "the placement changed across the restart"
for i in 1 2 3; do
  grep -q "image loaded from the snapshot at index" "$WORK/node$i.log" || fail "node $i did not start from its snapshot"
done
echo "after kill -9 of all 3 nodes and a restart: every node started from its snapshot, the $TOPICS topics described alike"
for i in 1 2 3; do kill -0 "${PID[$i]}" 2>/dev/null || fail "node $i exited"; done
echo "PASS"
