#!/usr/bin/env bash
# Deleting consumer groups and their offsets with real clients (tests/e2e/delete_groups.py): kafka-python's
# delete_consumer_groups (DeleteGroups v1), librdkafka's DeleteGroups and DeleteConsumerGroupOffsets
# (tests/clients/rdkafka_admin.cpp: OffsetDelete v0), and `samsa groups delete`. A group with a live member is
# NON_EMPTY_GROUP and the offsets of the topic it consumes GROUP_SUBSCRIBED_TO_TOPIC; an unknown group
# GROUP_ID_NOT_FOUND; a deleted group's consumers start over from the earliest offsets. Commits with
# kafka-python pinned to Kafka 0.8.2/0.8.1 (OffsetCommit v1, Sarama's default, and v0) are read back by
# today's consumer. The broker keeps serving afterwards.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
HELPER="$(dirname "$0")/delete_groups.py"
MEMBER="$(dirname "$0")/group_kafka_python.py"
ADMIN=${SAMSA_RDKAFKA_ADMIN:-}
[ -x "$ADMIN" ] || fail "rdkafka_admin not built (SAMSA_RDKAFKA_ADMIN; needs librdkafka-dev)"
$PY -c 'import kafka' 2>/dev/null || fail "kafka-python is missing for $PY (tools/install-deps.sh)"
MEMBER_PID=""
dg_cleanup() {
  if [ -n "$MEMBER_PID" ]; then kill -9 "$MEMBER_PID" 2>/dev/null || true; wait "$MEMBER_PID" 2>/dev/null || true; fi
  [ -n "${SAMSA_KEEP:-}" ] || cleanup
}
trap dg_cleanup EXIT

start_broker --set group.initial.rebalance.delay.ms=0
"$SAMSA" topics create dg --partitions 2 $B >/dev/null || fail "topics create dg"
"$SAMSA" topics create other --partitions 1 $B >/dev/null || fail "topics create other"
seq 1 100 | "$SAMSA" produce dg $B 2>/dev/null || fail "produce"
timeout 180 $PY "$HELPER" commits "$KAFKA_PORT" || fail "commits"

# dg-busy: a live member subscribed to dg.
$PY "$MEMBER" member "127.0.0.1:$KAFKA_PORT" dg-busy dg "$WORK/ready" >"$WORK/member.log" 2>&1 &
MEMBER_PID=$!
for _ in $(seq 1 300); do [ -s "$WORK/ready" ] && break; kill -0 "$MEMBER_PID" 2>/dev/null || break; sleep 0.1; done
[ -s "$WORK/ready" ] || fail "dg-busy's member got no assignment within 30 s: $(cat "$WORK/member.log")"

timeout 300 $PY "$HELPER" admin "$KAFKA_PORT" "$ADMIN" || fail "admin"

# The CLI: refused while the member runs, unknown groups are errors, then deleted.
run groups delete dg-busy $B
expect_rc 1 "groups delete dg-busy (a live member)"
grep -q non_empty_group <<<"$ERR" || fail "groups delete with a live member: $ERR"
run groups delete dg-none $B
expect_rc 1 "groups delete dg-none"
grep -q unknown_group <<<"$ERR" || fail "groups delete of an unknown group: $ERR"
kill -TERM "$MEMBER_PID"
wait "$MEMBER_PID" || fail "dg-busy's member exited with $?: $(cat "$WORK/member.log")"
MEMBER_PID=""
for _ in $(seq 1 100); do # the member's LeaveGroup empties the group; a rebalance in flight may still end first
  run groups delete dg-busy $B
  [ "$RC" -eq 0 ] && break
  grep -q non_empty_group <<<"$ERR" || break
  sleep 0.2
done
expect_rc 0 "groups delete dg-busy after its member left"
echo "$OUT"
run groups list $B
grep -q "^dg-busy" <<<"$OUT" && fail "groups list still shows dg-busy: $OUT"
run groups describe dg-busy $B
expect_rc 1 "groups describe of the deleted group"

# A deleted group starts over: dg-done reads all 100 records again.
n=$(timeout 120 $PY "$HELPER" consume "$KAFKA_PORT" dg-done) || fail "consume dg-done"
[ "$n" -eq 100 ] || fail "dg-done consumed $n records after its deletion, expected all 100"
echo "dg-done after deletion: consumed $n records from the earliest offsets"
kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died"
stop_broker
echo "delete_groups: ok"
