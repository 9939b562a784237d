#!/usr/bin/env bash
# `samsa topics alter` and `samsa topics describe --all-configs` on a single node: --config sets overrides
# (validated as at creation: a bad value exits 1 with invalid_config and changes nothing), --delete-config
# removes one, --all-configs prints every effective config with its source (DYNAMIC_TOPIC_CONFIG for an
# override, DEFAULT_CONFIG otherwise), --partitions grows the topic (fewer or as many: invalid_partitions,
# exit 1), records go to the new partition and come back, and usage errors exit 2. `topics list
# --topics-with-overrides` and `--output json` of list and describe.
source "$(dirname "$0")/lib.sh"
start_broker
"$SAMSA" topics create cli --partitions 1 $B >/dev/null || fail "topics create"

run topics alter cli --config retention.ms=3600000 --config segment.bytes=1048576 $B
expect_rc 0 "topics alter --config"
grep -q "retention.ms=3600000" <<<"$OUT" || fail "alter output: $OUT"
run topics describe cli --all-configs $B
expect_rc 0 "topics describe --all-configs"
grep -q "retention.ms=3600000.*source=DYNAMIC_TOPIC_CONFIG" <<<"$OUT" || fail "retention.ms not dynamic: $OUT"
grep -q "segment.bytes=1048576.*source=DYNAMIC_TOPIC_CONFIG" <<<"$OUT" || fail "segment.bytes not dynamic: $OUT"
grep -q "max.message.bytes=1048588.*source=DEFAULT_CONFIG" <<<"$OUT" || fail "max.message.bytes: $OUT"

run topics alter cli --delete-config segment.bytes $B
expect_rc 0 "topics alter --delete-config"
run topics describe cli --all-configs $B
grep -q "segment.bytes=1073741824.*source=DEFAULT_CONFIG" <<<"$OUT" || fail "segment.bytes not back to default: $OUT"
grep -q "retention.ms=3600000.*source=DYNAMIC_TOPIC_CONFIG" <<<"$OUT" || fail "retention.ms lost: $OUT"

run topics alter cli --config retention.ms=soon $B
expect_rc 1 "topics alter with a bad value"
grep -q "invalid_config" <<<"$ERR" || fail "bad value error: $ERR"
run topics alter cli --config no.such.key=1 $B
expect_rc 1 "topics alter with an unknown key"
run topics describe cli --all-configs $B
grep -q "retention.ms=3600000" <<<"$OUT" || fail "a refused change altered the topic: $OUT"

run topics alter cli --partitions 3 $B
expect_rc 0 "topics alter --partitions 3"
grep -q "now has 3 partitions" <<<"$OUT" || fail "alter --partitions output: $OUT"
run topics alter cli --partitions 3 $B
expect_rc 1 "topics alter --partitions to the same count"
grep -q "invalid_partitions" <<<"$ERR" || fail "same count error: $ERR"
run topics alter cli --partitions 2 $B
expect_rc 1 "topics alter --partitions fewer"
run topics describe cli $B
grep -q "PartitionCount: 3" <<<"$OUT" || fail "describe after growing: $OUT"
printf 'a\nb\nc\n' | timeout 20 "$SAMSA" produce cli --partition 2 $B >/dev/null || fail "produce to new partition 2"
run consume cli --partition 2 --from-beginning $B
expect_rc 0 "consume new partition 2"
[ "$OUT" = "$(printf 'a\nb\nc')" ] || fail "partition 2 gave: $OUT"

run topics alter cli $B
expect_rc 2 "topics alter without a change"
run topics alter cli --config novalue $B
expect_rc 2 "topics alter --config without ="
run topics alter nope --config retention.ms=1 $B
expect_rc 1 "topics alter of an unknown topic"
grep -q "unknown_topic_or_partition" <<<"$ERR" || fail "unknown topic error: $ERR"
run topics alter --help
expect_rc 0 "topics alter --help"
grep -q -- "--delete-config" <<<"$OUT" || fail "alter --help: $OUT"
run topics describe --help
grep -q -- "--all-configs" <<<"$OUT" || fail "describe --help: $OUT"

# kafka-topics' --topics-with-overrides and --output json: topic cli keeps its retention.ms override,
# topic plain has none.
"$SAMSA" topics create plain --partitions 2 $B >/dev/null || fail "topics create plain"
run topics list --topics-with-overrides $B
expect_rc 0 "topics list --topics-with-overrides"
[ "$OUT" = "cli" ] || fail "topics with overrides: '$OUT', expected cli"
run topics list --output json $B
expect_rc 0 "topics list --output json"
names=$(/usr/bin/python3 -c 'import json,sys; print(",".join(sorted(t["name"] for t in json.load(sys.stdin))))' <<<"$OUT") \
  || fail "topics list --output json is not JSON: $OUT"
[ "$names" = "cli,plain" ] || fail "topics list --output json: $names"
run topics describe plain cli --output json $B
expect_rc 0 "topics describe --output json"
got=$(/usr/bin/python3 -c '
import json, sys
ts = {t["name"]: t for t in json.load(sys.stdin)}
print(len(ts["plain"]["partition_states"]), ts["cli"]["configs"].get("retention.ms"), ts["plain"]["configs"],
      [p["under_replicated"] for p in ts["plain"]["partition_states"]])' <<<"$OUT") || fail "describe JSON: $OUT"
[ "$got" = "2 3600000 {} [False, False]" ] || fail "topics describe --output json: $got"
run topics describe --under-replicated-partitions $B
expect_rc 0 "topics describe --under-replicated-partitions"
[ -z "$OUT" ] || fail "a single node has no under-replicated partition: $OUT"
run topics describe --output yaml $B
expect_rc 2 "topics describe --output yaml"
broker_alive || fail "broker died"
stop_broker
echo "topics_alter_cli: ok"
