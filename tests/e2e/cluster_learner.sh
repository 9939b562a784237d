#!/usr/bin/env bash
# A broker-only node (process.roles=broker, KRaft's observer) in a 3-voter cluster: node 4 is not in
# controller.quorum.voters; it finds the voters through their samsa.native.listener, follows the metadata
# log as a Raft learner, registers its broker with the active controller and is unfenced in every node's
# `samsa cluster status` (which shows it as a learner, and the voters as voters). A topic with replication
# factor 4 places a replica on node 4, which joins the ISR; kcat produces (acks=all) and consumes through
# node 4 as the only bootstrap server. kill -9 of the quorum leader: the voters elect another, node 4
# follows it (its status names the new leader) and stays unfenced. kill -9 of node 4 does not disturb the
# quorum (same leader, same term, topics still created) and the leader forgets the learner; node 4 restarted with an empty data directory
# catches up from the leader's snapshot (the metadata log is compacted: a small
# metadata.log.max.record.bytes.between.snapshots), is unfenced and back in the ISR. Every process is
# killed on exit.
# Usage: cluster_learner.sh /path/to/samsa
NODES=4 VOTER_NODES=3
source "$(dirname "$0")/cluster_lib.sh"
CHECK="$PY $(dirname "$0")/cluster_topics_check.py"
export PYTHONPATH="$(dirname "$0")"
L=4 # the learner

# Sessions of 60 s: a fencing below comes from a lost connection, never from a session running out.
SETS=(--set broker.session.timeout.ms=60000 --set metadata.log.max.record.bytes.between.snapshots=1024)
for i in 1 2 3 4; do start_node "$i" "${SETS[@]}"; done
for i in 1 2 3 4; do wait_started "$i"; done
t=$(wait_for 30 all_unfenced_everywhere) || fail "not 4 unfenced brokers on every node 30 s after start"
echo "4 brokers registered and unfenced on every node after ${t} ms"

status_of() { # N FIELD
  json_field "$(status_json "$1")" "$2"
}
learner_follows() { # LEADER: node 4 is a learner naming LEADER, and LEADER lists it as a learner
  [ "$(status_of $L role)" = learner ] && [ "$(status_of $L voter)" = False ] && [ "$(status_of $L leader)" = "$1" ] \
    && [ "$(status_of "$1" learners)" = "[$L]" ]
}
leader=$(agreed_leader); read -r leader term <<<"$leader"
[ -n "$leader" ] && [ "$leader" != $L ] || fail "no agreed quorum leader among the voters (got '$leader')"
wait_for 10 learner_follows "$leader" >/dev/null || fail "node $L is not a learner following node $leader: $(status_json $L)"
for i in 1 2 3; do [ "$(status_of "$i" voter)" = True ] || fail "node $i is not a voter: $(status_json "$i")"; done
"$SAMSA" cluster status --broker "127.0.0.1:${NATIVE[$L]}" | head -2
"$SAMSA" cluster status --broker "127.0.0.1:${NATIVE[$L]}" | grep -q "^quorum: node $L (learner) follows leader $leader" \
  || fail "cluster status text of node $L does not say it is a learner following $leader"
grep -q "node $L is a learner (process.roles=broker)" "$WORK/node$L.log" || fail "node $L's log does not say it is a learner"

# -- Kafka through node 4 only -----------------------------------------------------------------------------
out=$($CHECK brokers "${KAFKA[$L]}")
echo "through node $L: $out"
[ "$out" = "kafka-python=4 confluent=4 controller=$leader" ] || fail "clients see '$out' through node $L"
out=$($CHECK create "${KAFKA[$L]}" wide 2 4)
[ "$out" = created ] || fail "create wide (RF 4) through node $L: $out"
in_isr_everywhere() { # TOPIC PARTITIONS: every partition on every live node has node 4 among replicas and ISR
  local i d
  for i in 1 2 3 4; do
    [ -n "${PID[$i]}" ] || continue
    "$SAMSA" topics describe "$1" --broker "127.0.0.1:${NATIVE[$i]}" 2>/dev/null | $PY -c '
import re, sys
rows = re.findall(r"Replicas: ([\d,]*)\tIsr: ([\d,]*)", sys.stdin.read())
ok = len(rows) == int(sys.argv[1]) and all(sys.argv[2] in r.split(",") and sys.argv[2] in i.split(",") for r, i in rows)
sys.exit(0 if ok else 1)' "$2" "$L" || return 1
  done
}
wait_for 20 in_isr_everywhere wide 2 >/dev/null || fail "node $L is not in every replica set and ISR of topic wide"
"$SAMSA" topics describe wide --broker "127.0.0.1:${NATIVE[$L]}" | grep Partition
seq 1 1000 | sed 's/^/r/' | kcat -P -b "127.0.0.1:${KAFKA[$L]}" -t wide -X acks=all -X message.timeout.ms=20000 \
  || fail "kcat produce through node $L"
n=$(kcat -C -b "127.0.0.1:${KAFKA[$L]}" -t wide -o beginning -e -q 2>/dev/null | sort -u | wc -l)
[ "$n" = 1000 ] || fail "kcat consumed $n distinct records of 1000 through node $L"
echo "kcat: 1000 records produced (acks=all) and read back through node $L alone"
# More metadata, so that every node compacts its log (the snapshot node 4 will need at the end).
for t in $(seq 1 8); do
  "$SAMSA" topics create "meta-$t" --partitions 2 --replication-factor 2 --broker "127.0.0.1:${NATIVE[$L]}" \
    >/dev/null 2>&1 || fail "topics create meta-$t through node $L"
done
[ "$(status_of $L active_controller)" = False ] || fail "node $L says it is the active controller"

# -- kill -9 of the quorum leader ----------------------------------------------------------------------------
echo "kill -9 of the quorum leader, node $leader (term $term)"
kill_node "$leader"
new_leader() { local l; l=$(agreed_leader); l=${l%% *}; [ -n "$l" ] && [ "$l" != "$leader" ]; }
t=$(wait_for 15 new_leader) || fail "no new agreed quorum leader 15 s after kill -9 of node $leader"
old=$leader; read -r leader term <<<"$(agreed_leader)"
echo "node $leader leads in term $term after ${t} ms; node $L follows it"
[ "$leader" != $L ] || fail "the learner became the quorum leader"
wait_for 10 learner_follows "$leader" >/dev/null || fail "node $L does not follow the new leader $leader: $(status_json $L)"
learner_unfenced() { [ "$(state_of "$leader" $L)" = u ] && [ "$(state_of $L $L)" = u ]; }
wait_for 15 learner_unfenced >/dev/null || fail "node $L is not unfenced in the new controller's image"
for _ in $(seq 1 6); do learner_unfenced || fail "node $L fenced after the leader change"; sleep 0.5; done
out=$($CHECK create "${KAFKA[$L]}" after-failover 1 3)
[ "$out" = created ] || fail "create through node $L after the failover: $out"
start_node "$old" "${SETS[@]}"
wait_started "$old"
wait_for 30 all_unfenced_everywhere >/dev/null || fail "node $old not unfenced everywhere after its restart"

# -- kill -9 of node 4 ---------------------------------------------------------------------------------------
read -r leader term <<<"$(agreed_leader)"
echo "kill -9 of node $L (quorum leader $leader, term $term)"
kill_node $L
fenced() { [ "$(state_of "$leader" $L)" = f ]; }
wait_for 15 fenced >/dev/null || fail "node $L not fenced after its kill -9"
out=$($CHECK create "${KAFKA[1]}" without-learner 1 3)
[ "$out" = created ] || fail "create through node 1 with node $L down: $out"
sleep 2
[ "$(agreed_leader)" = "$leader $term" ] || fail "the quorum changed after the learner's kill -9: '$(agreed_leader)', was '$leader $term'"
echo "quorum undisturbed: node $leader still leads term $term"
# The voters saw the learner's handle go down: it is forgotten (not replicated to, not listed) until its hello.
forgotten() { [ "$(status_of "$leader" learners)" = "[]" ]; }
wait_for 10 forgotten >/dev/null || fail "leader $leader still lists learner $L after its kill -9: $(status_json "$leader")"
grep -q "quorum: node $leader forgets learner $L" "$WORK/node$leader.log" || fail "node $leader's log does not say it forgot learner $L"
echo "leader $leader forgot learner $L"

# -- node 4 back with an empty data directory: the snapshot --------------------------------------------------
snap=$(status_of "$leader" snapshot_index)
[ "${snap:-0}" -gt 1 ] || fail "the leader's metadata log is not compacted (snapshot index '$snap')"
rm -rf "$WORK/data$L"
start_node $L "${SETS[@]}"
wait_started $L
t=$(wait_for 30 all_unfenced_everywhere) || fail "node $L (empty data directory) not unfenced everywhere 30 s after start"
installed=$(status_of $L snapshots_installed)
[ "${installed:-0}" -ge 1 ] || fail "node $L did not install the leader's snapshot: $(status_json $L)"
grep -q "quorum: node $L installs the snapshot at index" "$WORK/node$L.log" || fail "node $L's log does not say it installed a snapshot"
wait_for 10 learner_follows "$leader" >/dev/null || fail "node $L does not follow $leader after its restart"
echo "node $L restarted empty: snapshot at index $snap of leader $leader installed, unfenced after ${t} ms"
wait_for 30 in_isr_everywhere wide 2 >/dev/null || fail "node $L (rebuilt) not back in the ISR of topic wide"
for i in 1 2 3; do
  [ "$("$SAMSA" topics list --broker "127.0.0.1:${NATIVE[$L]}" | sort)" = "$("$SAMSA" topics list --broker "127.0.0.1:${NATIVE[$i]}" | sort)" ] \
    || fail "node $L and node $i list different topics"
done
n=$(kcat -C -b "127.0.0.1:${KAFKA[$L]}" -t wide -o beginning -e -q 2>/dev/null | sort -u | wc -l)
[ "$n" = 1000 ] || fail "kcat consumed $n distinct records of 1000 through the rebuilt node $L"
echo "PASS: learner node $L follows the quorum, serves Kafka, survives a leader change and a rebuild"
