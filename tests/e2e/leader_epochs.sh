#!/usr/bin/env bash
# Leader epochs for Kafka clients (KIP-320): OffsetForLeaderEpoch (API 23, v0-3 over raw TCP) answers where
# an epoch ends in the leader's log, and a Fetch v11 naming a current leader epoch the partition does not
# have is answered UNKNOWN_LEADER_EPOCH (a newer one) instead of data, and a Fetch v12/v17 whose last fetched
# epoch the log ends before the fetch offset is answered with that diverging epoch and no records. The fenced case (an older epoch after
# a leadership change) is in tests/e2e/cluster_replication.sh. Python side: tests/e2e/leader_epochs.py.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
start_broker
"$SAMSA" topics create epochs --partitions 1 $B >/dev/null || fail "topics create"
timeout 60 $PY "$(dirname "$0")/leader_epochs.py" "$KAFKA_PORT" || fail "leader_epochs.py"
kill -0 "$BROKER_PID" 2>/dev/null || fail "broker died"
stop_broker
echo "leader_epochs: ok"
