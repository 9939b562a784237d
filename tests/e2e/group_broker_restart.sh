#!/usr/bin/env bash
# Consumer group across broker restarts: 3 librdkafka members (tests/clients/group_consumer.cpp, path in
# SAMSA_GROUP_CONSUMER) consume 200,000 records of a 6-partition topic, throttled. Mid-run the broker is
# restarted twice on the same ports and data directory: first a clean stop (SIGTERM), then a crash
# (kill -9). The members share librdkafka's default client.id ("rdkafka"), as real deployments do
# (SAMSA_GROUP_CLIENT_ID= gives each its own). After each
# restart the three members must be back in one generation covering the 6 partitions and consuming (a new
# generation, or the one before the restart: the broker restores the group from its stored metadata and the
# members may go on in it, as on Kafka; never a lower generation than before; the broker log says it restored
# the group at the generation before with its 3 members), resuming from the offsets
# committed before the restart (every record consumed after a snapshot of the committed
# offsets is at or above them). At the end: all 200,000 values seen (duplicates counted), committed offsets
# equal the log end offsets (LAG 0), and in no generation a partition was assigned to two members.
# Prints the times from broker start to the rejoined, stable group.
source "$(dirname "$0")/lib.sh"
N=${SAMSA_GROUP_RECORDS:-200000}
RATE=${SAMSA_GROUP_RATE:-3000} # records per second per member
P=6
TOPIC=grp-restart
GROUP=restart-group
MEMBERS="m1 m2 m3"
CLIENT_ID=${SAMSA_GROUP_CLIENT_ID-rdkafka} # empty: each member's client.id is its name
T0=$(date +%s%3N)
SHUTDOWN_PROBLEM=""

source "$(dirname "$0")/group_lib.sh"
lines_of() { { cat "$WORK/rec-$1.txt" 2>/dev/null || true; } | wc -l; }

# SIGTERM with a bound: a broker that does not exit within 30 s is noted (the test fails at the end) and
# killed, so the rest of the run still checks the group.
bounded_stop() {
  local t=$(date +%s%3N)
  kill -TERM "$BROKER_PID"
  for _ in $(seq 1 300); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$BROKER_PID" 2>/dev/null; then
    echo "PROBLEM: the broker did not exit within 30 s of SIGTERM; killing it with -9"
    SHUTDOWN_PROBLEM="broker did not exit within 30 s of SIGTERM ($1)"
    crash_broker
  else
    local rc=0
    wait "$BROKER_PID" || rc=$?
    BROKER_PID=""
    [ "$rc" -eq 0 ] || gfail "broker exited with $rc on SIGTERM"
    echo "broker stopped cleanly in $(( $(date +%s%3N) - t )) ms"
  fi
}

# The three members in one generation after SINCE covering all partitions, each consuming: prints
# "GEN LAST_ASSIGNED_TS". Bounded to 90 s; returns 2 at once if two clients got the same partition in one
# generation or reported the same member id (a coordinator bug no waiting repairs).
wait_group_back() { # SINCE
  local since=$1 stable="" base1 base2 base3 rc
  base1=$(lines_of m1); base2=$(lines_of m2); base3=$(lines_of m3)
  for _ in $(seq 1 450); do
    rc=0
    stable=$($PY "$CHECK" stable $(events) --members m1,m2,m3 --partitions $P --since "$since" --strict) || rc=$?
    [ "$rc" -eq 2 ] && return 2 # conflicting assignments (printed on stderr): waiting cannot repair them
    if [ "$rc" -eq 1 ] && [ "$($PY "$CHECK" latest-gen $(events) --since "$since")" = 0 ]; then
      # No new assignment since the restart: the broker restored the group (its metadata in SQLite) and the
      # members went on in their generation, as on Kafka; it must still be the three covering every partition.
      rc=0
      stable=$($PY "$CHECK" stable $(events) --members m1,m2,m3 --partitions $P) || rc=$?
      [ "$rc" -eq 0 ] && stable="${stable%% *} $(date +%s%3N) continued"
    fi
    if [ "$rc" -eq 0 ] && [ "$(lines_of m1)" -gt $((base1 + 1000)) ] && [ "$(lines_of m2)" -gt $((base2 + 1000)) ] \
       && [ "$(lines_of m3)" -gt $((base3 + 1000)) ]; then
      echo "$stable"
      return 0
    fi
    sleep 0.2
  done
  return 1
}

restart() { # clean|crash
  declare -gA LINES=()
  describe "$WORK/describe-before-$1"
  for m in $MEMBERS; do LINES[$m]=$(lines_of $m); done
  read -r state members committed lag <<<"$($PY "$CHECK" describe "$WORK/describe-before-$1")"
  echo "before the $1 restart: state $state, $members members, $committed partitions committed, total lag $lag"
  if [ "$1" = clean ]; then bounded_stop "restart"; else crash_broker; echo "broker killed with -9"; fi
  local gen_before log_from
  gen_before=$($PY "$CHECK" latest-gen $(events))
  log_from=$(wc -l <"$WORK/broker.log")
  local t_start=$(date +%s%3N)
  start_broker --set group.initial.rebalance.delay.ms=0
  echo "broker restarted on the same ports ($KAFKA_PORT, $NATIVE_PORT) in $(( $(date +%s%3N) - t_start )) ms"
  EPOCHS="$EPOCHS${EPOCHS:+,}$t_start"
  local back
  local rc=0
  back=$(wait_group_back "$t_start") || rc=$?
  [ "$rc" -ne 2 ] || gfail "after the $1 restart two clients were given the same member id or the same partitions in one generation (see CONFLICT above)"
  [ "$rc" -eq 0 ] || gfail "the members did not rejoin as one generation covering $P partitions and consume within 90 s of the $1 restart"
  read -r gen ts how <<<"$back"
  # The restarted broker restored the group from SQLite: its generation goes on, it never starts over.
  [ "$gen" -ge "$gen_before" ] || gfail "after the $1 restart the group is at generation $gen, before it was at $gen_before"
  tail -n +$((log_from + 1)) "$WORK/broker.log" | grep -q "group $GROUP: restored at generation $gen_before (Stable, 3 members)" \
    || gfail "after the $1 restart the broker did not restore $GROUP at generation $gen_before with its 3 members"
  echo "REJOIN after $1 restart: m1, m2, m3 stable in generation $gen${how:+ ($how: no rebalance)}, consuming $((ts - t_start)) ms after the broker started"
  $PY "$CHECK" resume --describe "$WORK/describe-before-$1" "$WORK/rec-m1.txt:${LINES[m1]}" \
    "$WORK/rec-m2.txt:${LINES[m2]}" "$WORK/rec-m3.txt:${LINES[m3]}" \
    || gfail "after the $1 restart consumption did not resume from the committed offsets"
  describe "$WORK/describe-after-$1"
  read -r state members committed lag <<<"$($PY "$CHECK" describe "$WORK/describe-after-$1")"
  echo "after the $1 restart: state $state, $members members, $committed partitions committed, total lag $lag"
  [ "$members" -eq 3 ] || { cat "$WORK/describe-after-$1"; gfail "after the $1 restart the broker shows $members members, expected 3"; }
}

start_broker --set group.initial.rebalance.delay.ms=0
EPOCHS=""
"$SAMSA" topics create "$TOPIC" --partitions $P $B >/dev/null || fail "topics create"
seq 1 "$N" | awk '{ printf "k%d:v%06d\n", $1, $1 }' | timeout 120 "$SAMSA" produce "$TOPIC" --key-separator : $B \
  2>"$WORK/produce.err" || fail "produce: $(cat "$WORK/produce.err")"
grep -q "produced $N records" "$WORK/produce.err" || fail "producer: $(cat "$WORK/produce.err")"
echo "produced $N records to $TOPIC ($P partitions)"

T_START=$(date +%s%3N)
for m in $MEMBERS; do start_member $m; done
back=$(wait_group_back "$T_START") || gfail "3 members never shared the $P partitions disjointly (or did not consume) within 90 s"
read -r gen ts <<<"$back"
echo "3 members stable in generation $gen, $((ts - T_START)) ms after they started"

# Restarts at about a quarter and half of the way (bounded waits; by lines written, duplicates included).
wait_lines() { # COUNT
  for _ in $(seq 1 600); do [ "$(total_lines)" -ge "$1" ] && return 0; sleep 0.2; done
  gfail "the members did not get to $1 records within 120 s"
}
wait_lines $((N / 4))
restart clean
wait_lines $((N / 2))
restart crash

done_all=""
for _ in $(seq 1 600); do
  if [ "$(total_lines)" -ge "$N" ] && [ "$($PY "$CHECK" seen $(records))" -eq "$N" ]; then done_all=1; break; fi
  for m in $MEMBERS; do kill -0 "${MEMBER_PID[$m]}" 2>/dev/null || gfail "member $m exited early"; done
  sleep 0.5
done
[ -n "$done_all" ] || gfail "not all $N values consumed within 300 s ($(total_lines) lines)"
echo "all $N values consumed $(( $(date +%s%3N) - T_START )) ms after the members started"
zero=""
for _ in $(seq 1 150); do
  describe "$WORK/describe-end"
  if $PY "$CHECK" lag-zero "$WORK/describe-end" --partitions $P; then zero=1; break; fi
  sleep 0.2
done
cat "$WORK/describe-end"
[ -n "$zero" ] || gfail "committed offsets did not reach the log end offsets (LAG 0) within 30 s"

for m in $MEMBERS; do kill -TERM "${MEMBER_PID[$m]}"; done
for m in $MEMBERS; do
  rc=0
  wait "${MEMBER_PID[$m]}" || rc=$?
  unset "MEMBER_PID[$m]"
  [ "$rc" -eq 0 ] || gfail "member $m exited with $rc after SIGTERM"
done
describe "$WORK/describe-final"
read -r state members committed lag <<<"$($PY "$CHECK" describe "$WORK/describe-final")"
[ "$members" -eq 0 ] && [ "$state" = "Empty" ] || gfail "after shutdown: state $state, $members members"
$PY "$CHECK" lag-zero "$WORK/describe-final" --partitions $P || gfail "LAG not 0 after shutdown"

$PY "$CHECK" verify --events $(events) --records $(records) --expect "$N" --partitions $P --epochs "$EPOCHS" \
  || gfail "verification of records and assignments failed"
kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died"
bounded_stop "end of test"
[ -z "$SHUTDOWN_PROBLEM" ] || fail "$SHUTDOWN_PROBLEM (every group check passed)"
echo "group_broker_restart: ok ($N records, 2 restarts, total $(( $(date +%s%3N) - T0 )) ms)"
