#!/usr/bin/env bash
# Topics on a 3-node cluster (issue "A samsa cluster"): every node answers Kafka's Metadata for the whole
# cluster (kcat -L, kafka-python and confluent-kafka see 3 brokers through any one bootstrap node); a topic
# created through one node with replication factor 3 is placed on all three and described alike by every
# node (time until all show it printed); all report one cluster id; RF 4 is refused with INVALID_REPLICATION_FACTOR; acks=all writes
# through one bootstrap node reach every partition's leader and a consumer group through another reads them
# all; a Produce or a Fetch sent straight to a node that does not lead the partition gets NOT_LEADER_OR_FOLLOWER (6),
# a group request to a node that does not coordinate the group NOT_COORDINATOR (16); cluster status counts
# no partition as under-replicated (every replica is in the ISR at creation). kill -9 of the quorum leader:
# a topic is still created through another node; the killed node restarts, is unfenced and learns the new
# topic. Then every node is killed with kill -9 and restarted: the records of topic `durable` (replication
# factor 1, so its partitions wait offline for their one node and come back with it) are all still there (a
# restarting node must not take the metadata log's replay, still catching up, for deleted topics). Last, a
# deletion through one node removes the replicas' directories on every node.
# Leader failover of replicated partitions is tests/e2e/cluster_election.sh and cluster_replication.sh.
# Usage: cluster_topics.sh /path/to/samsa
source "$(dirname "$0")/cluster_lib.sh"
CHECK="$PY $(dirname "$0")/cluster_topics_check.py"
export PYTHONPATH="$(dirname "$0")"

# Sessions of 60 s: every fencing below must come from a lost connection, not from a session running out.
SETS=(--set broker.session.timeout.ms=60000)
start_all() { for i in 1 2 3; do start_node "$i" "${SETS[@]}"; done; for i in 1 2 3; do wait_started "$i"; done; }
start_all
wait_for 30 all_unfenced_everywhere >/dev/null || fail "not 3 unfenced brokers on every node 30 s after start"

# -- every node shows the whole cluster ------------------------------------------------------------------
for i in 1 2 3; do
  n=$(kcat -L -b "127.0.0.1:${KAFKA[$i]}" -m 10 | grep -c "^  broker [0-9]* at ") || true
  [ "$n" = 3 ] || fail "kcat -L through node $i lists $n brokers, expected 3"
done
ids=$(for i in 1 2 3; do $CHECK cluster_id "${KAFKA[$i]}"; done | sort -u)
[ "$(wc -l <<<"$ids")" = 1 ] || fail "the nodes report different cluster ids: $ids"
leader=$(agreed_leader); leader=${leader%% *}
out=$($CHECK brokers "${KAFKA[2]}")
echo "through node 2: $out (quorum leader $leader)"
[ "$out" = "kafka-python=3 confluent=3 controller=$leader" ] || fail "clients see '$out' through node 2"

# -- placement ---------------------------------------------------------------------------------------------
t0=$(now_ms)
out=$($CHECK create "${KAFKA[2]}" orders 6 3)
[ "$out" = created ] || fail "create orders RF 3 through node 2: $out"
described_alike() {
  local ref="" d i
  for i in 1 2 3; do
    d=$("$SAMSA" topics describe orders --broker "127.0.0.1:${NATIVE[$i]}" 2>/dev/null \
        | grep -o "Partition: [0-9]*	Leader: [0-9-]*	LeaderEpoch: [0-9]*	Replicas: [0-9,]*	Isr: [0-9,]*") || return 1
    [ "$(wc -l <<<"$d")" = 6 ] || return 1
    if [ -z "$ref" ]; then ref=$d; elif [ "$d" != "$ref" ]; then return 1; fi
  done
  echo "$ref" >"$WORK/placement"
}
wait_for 15 described_alike >/dev/null || fail "the three nodes do not describe topic orders alike"
echo "topic orders created through node 2, described alike by all 3 nodes after $(( $(now_ms) - t0 )) ms:"
cat "$WORK/placement"
$PY - "$WORK/placement" <<'PYEOF' || fail "placement is not 3 distinct replicas per partition with leaders spread evenly"
import collections, re, sys
leaders = collections.Counter()
for line in open(sys.argv[1]):
    m = re.search(r"Leader: (\d+)\tLeaderEpoch: 0\tReplicas: ([\d,]+)", line)
    replicas = m.group(2).split(",")
    assert len(set(replicas)) == 3, line
    assert m.group(1) == replicas[0], line  # the preferred leader leads
    leaders[m.group(1)] += 1
assert sorted(leaders.values()) == [2, 2, 2], leaders
PYEOF
out=$($CHECK create "${KAFKA[3]}" too-wide 1 4)
echo "RF 4: $out"
grep -q "^INVALID_REPLICATION_FACTOR: .*larger than available brokers: 3" <<<"$out" || fail "RF 4 answered: $out"

# -- data through the leaders --------------------------------------------------------------------------------
out=$($CHECK produce "${KAFKA[3]}" orders 3000)
[ "$out" = "acknowledged=3000" ] || fail "produce through node 3: $out"
out=$($CHECK consume "${KAFKA[1]}" orders g1)
[ "$out" = "distinct=3000" ] || fail "consume through node 1: $out"
out=$($CHECK create "${KAFKA[1]}" durable 6 1)
[ "$out" = created ] || fail "create durable RF 1 through node 1: $out"
out=$($CHECK produce "${KAFKA[2]}" durable 3000)
[ "$out" = "acknowledged=3000" ] || fail "produce durable through node 2: $out"
p0=$(head -1 "$WORK/placement")
l0=$(grep -o "Leader: [0-9]*" <<<"$p0"); l0=${l0#Leader: }
other=$(( l0 % 3 + 1 ))
out=$($CHECK produce_raw "${KAFKA[$other]}" orders 0)
[ "$out" = "error_code=6" ] || fail "Produce of orders-0 (led by node $l0) sent to node $other: $out"
echo "orders-0 is led by node $l0; a Produce sent to node $other: $out (NOT_LEADER_OR_FOLLOWER)"
out=$($CHECK fetch_raw "${KAFKA[$other]}" orders 0)
[ "$out" = "error_code=6" ] || fail "Fetch of orders-0 (led by node $l0) sent to node $other: $out (expected 6)"
echo "a Fetch of orders-0 sent to node $other: $out (NOT_LEADER_OR_FOLLOWER)"
out=$($CHECK coordinator_check g1 "${KAFKA[1]}" "${KAFKA[2]}" "${KAFKA[3]}")
echo "group g1: $out (16 = NOT_COORDINATOR)"
grep -Eq "^coordinator=[123] others=16,16$" <<<"$out" || fail "group requests to non-coordinators: $out"
s=$(status_json 1)
# 12 partitions of the test's topics and 16 of __consumer_offsets (created for the group above).
[ "$(json_field "$s" partitions)" = 28 ] && [ "$(json_field "$s" under_replicated_partitions)" = 0 ] \
  || fail "cluster status: $(json_field "$s" partitions) partitions, $(json_field "$s" under_replicated_partitions) under-replicated (expected 12 + 16 and 0: every replica is in sync at creation)"

# -- kill -9 of the quorum leader: admin operations carry on through the others ----------------------------
leader=$(agreed_leader); leader=${leader%% *}
[ -n "$leader" ] || fail "no agreed quorum leader"
survivor=$(( leader % 3 + 1 ))
kill_node "$leader"
fenced_on_survivor() { [ "$(state_of "$survivor" "$leader")" = f ]; }
ms=$(wait_for 20 fenced_on_survivor) \
  || fail "the killed quorum leader's broker (node $leader) is not fenced 20 s after kill -9 (sessions are 60 s: the new controller must fence it for its lost connection)"
echo "kill -9 of quorum leader node $leader: its broker fenced after $ms ms (session 60 s)"
out=$($CHECK create_retrying "${KAFKA[$survivor]}" after-failover 3 2 15)
echo "kill -9 of quorum leader node $leader; topic after-failover through node $survivor: $out"
grep -q "^created after" <<<"$out" || fail "create after killing the quorum leader: $out"
start_node "$leader" "${SETS[@]}"; wait_started "$leader"
wait_for 30 all_unfenced_everywhere >/dev/null || fail "node $leader not unfenced again after its restart"
caught_up() { "$SAMSA" topics describe after-failover --broker "127.0.0.1:${NATIVE[$leader]}" >/dev/null 2>&1; }
wait_for 15 caught_up >/dev/null || fail "restarted node $leader does not know topic after-failover"
echo "node $leader restarted, unfenced, and knows topic after-failover"

# -- kill -9 of every node, restart -------------------------------------------------------------------------
for i in 1 2 3; do kill_node "$i"; done
start_all
wait_for 30 all_unfenced_everywhere >/dev/null || fail "not 3 unfenced brokers 30 s after the restart"
wait_for 15 described_alike >/dev/null || fail "topic orders not described alike after the restart"
out=$($CHECK consume "${KAFKA[2]}" durable g2)
[ "$out" = "distinct=3000" ] || fail "after kill -9 of every node and a restart, a new group reads $out of topic durable"
echo "after kill -9 of all 3 nodes and a restart: $out"

# -- deletion ------------------------------------------------------------------------------------------------
out=$($CHECK delete "${KAFKA[1]}" orders)
[ "$out" = deleted ] || fail "delete through node 1: $out"
gone_everywhere() { ! compgen -G "$WORK/data[123]/orders-*" >/dev/null; }
wait_for 15 gone_everywhere >/dev/null || fail "replica directories left after the deletion: $(ls -d "$WORK"/data*/orders-* | head -3)"
echo "deleted through node 1: no replica directory left on any node"
for i in 1 2 3; do kill -0 "${PID[$i]}" 2>/dev/null || fail "node $i exited"; done
echo "PASS"
