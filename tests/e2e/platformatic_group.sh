#!/usr/bin/env bash
# A consumer group run entirely on the flexible versions (FindCoordinator v4, JoinGroup v9, SyncGroup v5,
# Heartbeat v4, LeaveGroup v5, OffsetCommit v9, OffsetFetch v9, DescribeGroups v5, ListGroups v4) through
# @platformatic/kafka (tests/e2e/platformatic_group.mjs): two consumers share a topic's partitions and commit,
# a restarted consumer resumes at the committed offsets, the admin describes and lists the group.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/platformatic_lib.sh"
install_platformatic
start_broker
"$SAMSA" topics create flex-group --partitions 4 $B >/dev/null || fail "topics create"
timeout 240 node "$(dirname "$0")/platformatic_group.mjs" "$KAFKA_PORT" flex-group || fail "platformatic_group.mjs"
broker_alive || fail "broker died"
stop_broker
echo "platformatic group: ok"
