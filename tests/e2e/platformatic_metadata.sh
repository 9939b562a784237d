#!/usr/bin/env bash
# Metadata v9-v12 (flexible versions, topic ids, lookups by id) through @platformatic/kafka, a real client that
# speaks only the flexible versions (tests/e2e/platformatic_metadata.mjs); the broker alive at the end.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/platformatic_lib.sh"
install_platformatic
start_broker
"$SAMSA" topics create flex-meta --partitions 3 $B >/dev/null || fail "topics create"
timeout 120 node "$(dirname "$0")/platformatic_metadata.mjs" "$KAFKA_PORT" flex-meta || fail "platformatic_metadata.mjs"
broker_alive || fail "broker died"
run topics list $B
expect_rc 0 "topics list at the end"
stop_broker
echo "platformatic metadata: ok"
