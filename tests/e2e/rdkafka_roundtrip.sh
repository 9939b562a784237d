#!/usr/bin/env bash
# librdkafka (C++) against a real broker: CreateTopics, 1,000,000 records from an idempotent acks=all
# producer read back by an assign()-ing consumer (none missing, none duplicated, per-partition order), and
# keyed records with partitioner=murmur2_random landing where Java's client would put them. The checks live
# in tests/clients/rdkafka_roundtrip.cpp; ctest passes its path in SAMSA_RDKAFKA_ROUNDTRIP.
source "$(dirname "$0")/lib.sh"
CLIENT=${SAMSA_RDKAFKA_ROUNDTRIP:-$(dirname "$SAMSA")/tests/rdkafka_roundtrip}
[ -x "$CLIENT" ] || fail "rdkafka_roundtrip not built ($CLIENT); librdkafka-dev missing? (tools/install-deps.sh)"
RECORDS=${SAMSA_RDKAFKA_RECORDS:-1000000}
start_broker
# Bounded: the program's own waits are bounded too, this is the backstop.
timeout 540 "$CLIENT" "127.0.0.1:$KAFKA_PORT" "$RECORDS" rt || fail "rdkafka_roundtrip exited with $?"
# The broker agrees through its native API.
"$SAMSA" topics describe rt-seq $B >"$WORK/describe" || fail "describe rt-seq"
kill -0 "$BROKER_PID" || fail "broker died"
stop_broker
echo "rdkafka_roundtrip: ok"
