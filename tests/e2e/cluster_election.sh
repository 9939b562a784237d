#!/usr/bin/env bash
# Partition leader election by the controller on three real `samsa broker` processes (issue "Replicated
# partitions", section 4). Topic `elect` has 3 partitions on all 3 nodes (RF 3: every replica in the ISR
# at creation); topic `single` has 3 partitions of one replica each. kill -9 of the node that leads
# elect-0: on both survivors, alike, elect-0 has another leader (the next in-sync replica in assignment
# order), its leader epoch is one higher and no ISR of `elect` names the dead node, while partitions it did
# not lead keep their leader and leader epoch; Kafka's Metadata (kcat -L) says the same; the controller's
# log names the election; the dead node's `single` partition has no leader (-1) and keeps it as its only
# ISR member (never an empty ISR). The killed node restarts: it is unfenced and leads its `single`
# partition again (one more leader epoch); once it has caught up and is back in elect-0's ISR (the leader's
# AlterPartition), the preferred-leader check (every 2 s here) gives it elect-0's leadership back (one
# more leader epoch). Sessions are 60 s, so every fence here comes from the lost connection. The time from
# kill -9 to the new leader on every survivor is printed. Last, SIGTERM of elect-0's leader: a controlled
# shutdown (the controller confirms that its partitions moved away before it stops; it exits 0), after
# which elect-0 is led by another in-sync replica with one more leader epoch and no ISR names it.
# Usage: cluster_election.sh /path/to/samsa
source "$(dirname "$0")/cluster_lib.sh"

SETS=(--set broker.session.timeout.ms=60000 --set leader.imbalance.check.interval.seconds=2)
for i in 1 2 3; do start_node "$i" "${SETS[@]}"; done
for i in 1 2 3; do wait_started "$i"; done
wait_for 30 all_unfenced_everywhere >/dev/null || fail "not 3 unfenced brokers on every node 30 s after start"

"$SAMSA" topics create elect --partitions 3 --replication-factor 3 --broker "127.0.0.1:${NATIVE[1]}" >/dev/null \
  || fail "topics create elect"
"$SAMSA" topics create single --partitions 3 --replication-factor 1 --broker "127.0.0.1:${NATIVE[2]}" >/dev/null \
  || fail "topics create single"

# "TOPIC P LEADER EPOCH REPLICAS ISR" per partition of both topics, as node N describes them.
partitions() {
  "$SAMSA" topics describe elect single --broker "127.0.0.1:${NATIVE[$1]}" 2>/dev/null | $PY -c '
import re, sys
for line in sys.stdin:
    m = re.search(r"Topic: (\S+)\tPartition: (\d+)\tLeader: ([\d-]+)\tLeaderEpoch: (\d+)\tReplicas: ([\d,]*)\tIsr: ([\d,]*)", line)
    if m:
        print(" ".join(m.groups()))' | sort
}
alike() { # N...: the nodes describe all 6 partitions alike
  local ref="" d i
  for i in "$@"; do
    d=$(partitions "$i"); [ "$(wc -l <<<"$d")" = 6 ] || return 1
    if [ -z "$ref" ]; then ref=$d; elif [ "$d" != "$ref" ]; then return 1; fi
  done
  echo "$ref" >"$WORK/described"
}
field() { # TOPIC P COLUMN(3 leader, 4 epoch, 5 replicas, 6 isr) from $WORK/described
  awk -v t="$1" -v p="$2" -v c="$3" '$1 == t && $2 == p { print $c }' "$WORK/described"
}
wait_for 15 alike 1 2 3 >/dev/null || fail "the 3 nodes do not describe the topics alike"
cp "$WORK/described" "$WORK/before"
echo "before:"; sed 's/^/  /' "$WORK/before"
for p in 0 1 2; do
  [ "$(field elect $p 6)" = "$(field elect $p 5)" ] || fail "elect-$p was not created with every replica in sync: $(grep "^elect $p " "$WORK/before")"
done
s=$(status_json 1)
[ "$(json_field "$s" under_replicated_partitions)" = 0 ] || fail "cluster status: $(json_field "$s" under_replicated_partitions) under-replicated partitions right after creation, expected 0"

victim=$(field elect 0 3)
replicas=$(field elect 0 5)
# The expected successor: the next replica of elect-0 in assignment order (all are in sync and live).
successor=$(tr , '\n' <<<"$replicas" | grep -vx "$victim" | head -1)
single_p=$(awk -v v="$victim" '$1 == "single" && $3 == v { print $2 }' "$WORK/before")
[ -n "$single_p" ] || fail "node $victim leads no partition of topic single"
survivors=(); for i in 1 2 3; do [ "$i" = "$victim" ] || survivors+=("$i"); done

t0=$(now_ms)
kill_node "$victim"
elected() { alike "${survivors[@]}" && [ "$(field elect 0 3)" = "$successor" ]; }
wait_for 30 elected >/dev/null \
  || fail "30 s after kill -9 of node $victim, the survivors do not agree on leader $successor for elect-0: $(partitions "${survivors[0]}" | tr '\n' ';')"
ms=$(( $(now_ms) - t0 ))
echo "kill -9 of node $victim (leader of elect-0): node $successor leads it on nodes ${survivors[*]} after $ms ms"
echo "after:"; sed 's/^/  /' "$WORK/described"

[ "$(field elect 0 4)" = $(( $(awk '$1 == "elect" && $2 == 0 { print $4 }' "$WORK/before") + 1 )) ] \
  || fail "elect-0's leader epoch is $(field elect 0 4), expected one more than before"
elected_epoch=$(field elect 0 4) # the preferred-leader move back is the one leader change after this
for p in 0 1 2; do
  isr=$(field elect $p 6)
  grep -qw "$victim" <<<"${isr//,/ }" && fail "elect-$p's ISR $isr still names the dead node $victim"
  [ "$isr" = "$(tr , '\n' <<<"$(field elect $p 5)" | grep -vx "$victim" | paste -sd,)" ] \
    || fail "elect-$p's ISR is $isr: expected its replicas without node $victim, in assignment order"
  if [ "$p" != 0 ]; then
    grep -q "^elect $p $(field elect $p 3) $(field elect $p 4) " "$WORK/before" \
      || fail "elect-$p (not led by node $victim) changed leader or leader epoch: $(grep "^elect $p " "$WORK/described")"
  fi
done
[ "$(field single "$single_p" 3)" = -1 ] || fail "single-$single_p (only on node $victim) has leader $(field single "$single_p" 3), expected -1"
[ "$(field single "$single_p" 6)" = "$victim" ] || fail "single-$single_p's ISR is '$(field single "$single_p" 6)': its last member must stay"
s=$(status_json "${survivors[0]}")
[ "$(json_field "$s" under_replicated_partitions)" = 3 ] && [ "$(json_field "$s" offline_partitions)" = 1 ] \
  || fail "cluster status on node ${survivors[0]}: $(json_field "$s" under_replicated_partitions) under-replicated, $(json_field "$s" offline_partitions) offline (expected 3 and 1)"

# Kafka's view through a survivor: the same leader and ISR for elect-0.
md=$(kcat -L -b "127.0.0.1:${KAFKA[${survivors[0]}]}" -t elect -m 10 2>&1) || fail "kcat -L: $md"
line=$(grep -E "^\s+partition 0, leader" <<<"$md") || fail "kcat -L lists no partition 0 of elect: $md"
want_isr=$(field elect 0 6)
grep -Eq "partition 0, leader $successor, replicas: $replicas, isrs: $want_isr(,|$| )" <<<"$line" \
  || fail "kcat -L through node ${survivors[0]} says '$line' (expected leader $successor, isrs $want_isr)"
echo "kcat -L through node ${survivors[0]}: $(echo $line)"
grep -hq "controller: elect-0 leader $victim -> $successor, leader epoch $(field elect 0 4)" "$WORK"/node*.log \
  || fail "no controller log line names the election of elect-0"
grep -hq "controller: single-$single_p has no leader: leader $victim is fenced" "$WORK"/node*.log \
  || fail "no controller log line says single-$single_p went offline"

# -- the killed node returns -----------------------------------------------------------------------------
start_node "$victim" "${SETS[@]}"; wait_started "$victim"
wait_for 30 all_unfenced_everywhere >/dev/null || fail "node $victim is not unfenced 30 s after its restart"
back() { alike 1 2 3 && [ "$(field single "$single_p" 3)" = "$victim" ]; }
wait_for 15 back >/dev/null || fail "node $victim does not lead single-$single_p again: $(partitions "${survivors[0]}" | tr '\n' ';')"
[ "$(field single "$single_p" 4)" = 2 ] || fail "single-$single_p's leader epoch is $(field single "$single_p" 4), expected 2 (offline, then back)"
echo "node $victim restarted: unfenced, leads single-$single_p again (leader epoch 2)"
# The rebalance may already be done here: the victim catches up at once (nothing was written), and the
# 2 s imbalance check can move elect-0 back before the describes above agree. So its epoch is counted from
# the election after the kill (one leader change since), not from what `back` happened to see.
preferred() { alike 1 2 3 && [ "$(field elect 0 3)" = "$victim" ]; }
ms=$(wait_for 30 preferred) || fail "elect-0's preferred replica $victim does not lead it again: $(partitions "$victim" | tr '\n' ';')"
[ "$(field elect 0 4)" = $(( elected_epoch + 1 )) ] \
  || fail "elect-0's leader epoch is $(field elect 0 4) after the rebalance, expected $(( elected_epoch + 1 )) (one more than after the kill's election)"
grep -qw "$victim" <<<"$(field elect 0 6 | tr , ' ')" || fail "node $victim leads elect-0 but is not in its ISR: $(grep "^elect 0 " "$WORK/described")"
grep -hq "controller: moving the leadership of [0-9]* partition(s) back to their preferred replica" "$WORK"/node*.log \
  || fail "no controller log line for the preferred-leader rebalance"
echo "node $victim back in elect-0's ISR and its leader again (preferred replica) $ms ms after it led single-$single_p again, leader epoch $(field elect 0 4)"
for i in 1 2 3; do kill -0 "${PID[$i]}" 2>/dev/null || fail "node $i exited"; done

# -- controlled shutdown: SIGTERM of elect-0's leader ---------------------------------------------------------
stopping=$(field elect 0 3)
grep -q , <<<"$(field elect 0 6)" || fail "elect-0 has no in-sync replica beside its leader $stopping"
epoch0=$(field elect 0 4)
single_s=$(awk -v v="$stopping" '$1 == "single" && $3 == v { print $2 }' "$WORK/described")
t0=$(now_ms)
kill -TERM "${PID[$stopping]}"
for _ in $(seq 1 600); do kill -0 "${PID[$stopping]}" 2>/dev/null || break; sleep 0.05; done
kill -0 "${PID[$stopping]}" 2>/dev/null && fail "node $stopping still runs 30 s after SIGTERM"
rc=0; wait "${PID[$stopping]}" || rc=$?; PID[$stopping]=""
[ "$rc" = 0 ] || fail "node $stopping exited with $rc after SIGTERM"
ms=$(( $(now_ms) - t0 ))
grep -q "lifecycle: node $stopping: the controller moved its partitions away: it may stop" "$WORK/node$stopping.log" \
  || fail "node $stopping stopped without the controller confirming its controlled shutdown: $(grep -h "lifecycle: node $stopping" "$WORK/node$stopping.log" | tail -3)"
grep -hq "controller: node $stopping asks for a controlled shutdown" "$WORK"/node*.log || fail "no controller log line for the controlled shutdown"
left=(); for i in 1 2 3; do [ -n "${PID[$i]}" ] && left+=("$i"); done
moved() { alike "${left[@]}" && [ "$(field elect 0 3)" != "$stopping" ] && [ "$(field elect 0 3)" != -1 ]; }
wait_for 15 moved >/dev/null || fail "after node $stopping's controlled shutdown elect-0 has no other leader: $(partitions "${left[0]}" | tr '\n' ';')"
other=$(field elect 0 3)
[ "$(field elect 0 4)" = $(( epoch0 + 1 )) ] || fail "elect-0's leader epoch is $(field elect 0 4), expected $(( epoch0 + 1 ))"
for p in 0 1 2; do
  grep -qw "$stopping" <<<"$(field elect $p 6 | tr , ' ')" && fail "elect-$p's ISR still names node $stopping after its controlled shutdown"
done
if [ -n "$single_s" ]; then
  [ "$(field single "$single_s" 3)" = -1 ] && [ "$(field single "$single_s" 6)" = "$stopping" ] \
    || fail "single-$single_s (only on node $stopping) is $(grep "^single $single_s " "$WORK/described")"
fi
echo "SIGTERM of node $stopping: controlled shutdown confirmed, exit 0 after $ms ms; elect-0 led by node $other, leader epoch $(field elect 0 4)"
echo "PASS"
