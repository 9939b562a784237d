#!/usr/bin/env bash
# DeleteRecords on a 3-node cluster: `samsa topics delete-records` through a node that may not lead the
# partition (the broker asks the leader), then an acks=all record; the followers learn the new log start from
# their fetch answers (Kafka's log_start_offset), so after kill -9 of the leader the new leader serves from the
# moved start: a consumer from the beginning sees offset 30 first, and offsets below it are out of range.
# Usage: cluster_delete_records.sh /path/to/samsa
source "$(dirname "$0")/cluster_lib.sh"

for i in 1 2 3; do start_node "$i" --set broker.session.timeout.ms=60000; done
for i in 1 2 3; do wait_started "$i"; done
wait_for 30 all_unfenced_everywhere >/dev/null || fail "not 3 unfenced brokers on every node 30 s after start"
"$SAMSA" topics create dr --partitions 1 --replication-factor 3 --broker "127.0.0.1:${NATIVE[1]}" >/dev/null \
  || fail "topics create dr"
leader_of() { # N: the leader of dr-0 as node N describes it
  "$SAMSA" topics describe dr --broker "127.0.0.1:${NATIVE[$1]}" 2>/dev/null | sed -n 's/.*Partition: 0\tLeader: \([0-9-]*\).*/\1/p'
}
has_leader() { l=$(leader_of "$1"); [ -n "$l" ] && [ "$l" -ge 1 ]; }
wait_for 20 has_leader 1 >/dev/null || fail "dr-0 has no leader"
leader=$(leader_of 1)
other=1; [ "$leader" = 1 ] && other=2
seq 1 100 | "$SAMSA" produce dr --acks -1 --broker "127.0.0.1:${NATIVE[$leader]}" >/dev/null || fail "produce"
"$SAMSA" topics delete-records dr --partition 0 --before 30 --broker "127.0.0.1:${NATIVE[$other]}" >"$WORK/dr.out" \
  || fail "delete-records through node $other"
grep -q "low watermark 30" "$WORK/dr.out" || fail "delete-records said: $(cat "$WORK/dr.out")"
echo 101 | "$SAMSA" produce dr --acks -1 --broker "127.0.0.1:${NATIVE[$leader]}" >/dev/null || fail "produce after"
kill_node "$leader"
survivor=1; [ "$leader" = 1 ] && survivor=2
moved() { l=$(leader_of "$survivor"); [ -n "$l" ] && [ "$l" -ge 1 ] && [ "$l" != "$leader" ]; }
wait_for 30 moved >/dev/null || fail "no new leader for dr-0 30 s after kill -9 of node $leader"
new=$(leader_of "$survivor")
first=$(timeout 20 "$SAMSA" consume dr --from-beginning --max-messages 1 --print-offset --broker "127.0.0.1:${NATIVE[$new]}") \
  || fail "consume from the new leader $new"
[[ "$first" == "0:30"* ]] || fail "the new leader $new serves from '$first', expected offset 30 first"
rc=0; timeout 20 "$SAMSA" consume dr --offset 10 --max-messages 1 --broker "127.0.0.1:${NATIVE[$new]}" >/dev/null 2>"$WORK/oor" || rc=$?
[ "$rc" -ne 0 ] && grep -q offset_out_of_range "$WORK/oor" || fail "offset 10 on the new leader: rc $rc, $(cat "$WORK/oor")"
echo "cluster_delete_records: node $leader deleted below 30 (asked through node $other); after its kill -9 node $new serves from 30"
