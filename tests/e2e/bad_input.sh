#!/usr/bin/env bash
# Bad input through the CLI gets a clear error and the broker keeps serving.
source "$(dirname "$0")/lib.sh"
start_broker --set message.max.bytes=10000 --set auto.create.topics.enable=false
"$SAMSA" topics create t --partitions 1 $B
echo "first" | "$SAMSA" produce t $B 2>/dev/null || fail "small produce"
# Too large.
head -c 20000 /dev/zero | tr '\0' 'x' | "$SAMSA" produce t $B 2>"$WORK/err" && fail "oversized produce succeeded"
grep -q record_too_large "$WORK/err" || fail "expected record_too_large, got: $(cat "$WORK/err")"
# Unknown topic (auto-creation off).
echo x | "$SAMSA" produce nope $B 2>"$WORK/err" && fail "produce to unknown topic succeeded"
grep -q unknown_topic_or_partition "$WORK/err" || fail "expected unknown_topic_or_partition: $(cat "$WORK/err")"
"$SAMSA" consume nope --from-beginning $B 2>"$WORK/err" && fail "consume of unknown topic succeeded"
grep -q unknown_topic_or_partition "$WORK/err" || fail "consume unknown topic: $(cat "$WORK/err")"
# A malformed offset is refused by the CLI; past the end is refused by the broker, with the log's bounds.
"$SAMSA" consume t --offset 3x $B 2>"$WORK/err" && fail "malformed offset accepted"
grep -q "\-\-offset takes earliest, latest, N" "$WORK/err" || fail "malformed offset message: $(cat "$WORK/err")"
"$SAMSA" consume t --offset 50 $B 2>"$WORK/err" && fail "offset past the end accepted"
grep -q "offset_out_of_range (log start 0, high watermark 1)" "$WORK/err" || fail "expected offset_out_of_range: $(cat "$WORK/err")"
# Bad configuration is refused at start, naming the key.
"$SAMSA" broker --set log.retenton.ms=5 >"$WORK/cfg.out" 2>&1 && fail "broker started with an unknown key"
grep -q "log.retenton.ms" "$WORK/cfg.out" || fail "unknown key not named: $(cat "$WORK/cfg.out")"
# Still serving, nothing lost.
echo "second" | "$SAMSA" produce t $B 2>/dev/null || fail "produce after bad input"
"$SAMSA" consume t --from-beginning $B >"$WORK/out"
[ "$(cat "$WORK/out" | tr '\n' ' ')" = "first second " ] || fail "log content: $(cat "$WORK/out")"
# Pointing the CLI at the Kafka port, or at nothing, says what to do instead of dumping a CAF error.
"$SAMSA" topics list --broker "127.0.0.1:$KAFKA_PORT" 2>"$WORK/wrong-port" && fail "the Kafka port answered as native"
grep -q "is a Kafka listener; the samsa CLI uses the broker's native port" "$WORK/wrong-port" \
  || fail "Kafka port message: $(cat "$WORK/wrong-port")"
stop_broker
"$SAMSA" topics list $B 2>"$WORK/no-broker" && fail "no broker, yet the CLI succeeded"
grep -q "no samsa broker answers on 127.0.0.1:$NATIVE_PORT; start one with 'samsa broker'" "$WORK/no-broker" \
  || fail "no-broker message: $(cat "$WORK/no-broker")"
echo "bad_input: ok"
