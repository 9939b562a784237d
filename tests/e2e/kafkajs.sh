#!/usr/bin/env bash
# kafkajs 2.2.4 (npm, with kafkajs-snappy) end to end (tests/e2e/kafkajs_check.js): admin calls, produce with
# keys, headers and codecs, consumer groups that resume from their commits, offsets by time, DeleteRecords,
# alterConfigs (retention.ms as a dynamic topic config), createPartitions (1 -> 3, a write to partition 2 read
# back, 3 -> 2 refused with INVALID_PARTITIONS), deleteGroups (then GROUP_ID_NOT_FOUND);
# the broker alive and serving at the end. The packages are installed once with npm into the build tree
# (build/npm; SAMSA_NPM_DIR overrides), the first run needs the npm registry.
source "$(dirname "$0")/lib.sh"
command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are missing (tools/install-deps.sh)"
NPM_DIR=${SAMSA_NPM_DIR:-$(cd "$(dirname "$SAMSA")" && pwd)/npm}
if [ ! -f "$NPM_DIR/node_modules/kafkajs/package.json" ] || [ ! -d "$NPM_DIR/node_modules/kafkajs-snappy" ]; then
  mkdir -p "$NPM_DIR"
  timeout 300 npm install --prefix "$NPM_DIR" kafkajs@2.2.4 kafkajs-snappy@1.1.0 --no-audit --no-fund \
    >"$WORK/npm.log" 2>&1 || { cat "$WORK/npm.log"; fail "npm install kafkajs"; }
fi
grep -q '"version": "2.2.4"' "$NPM_DIR/node_modules/kafkajs/package.json" || fail "kafkajs is not 2.2.4 in $NPM_DIR"
start_broker
NODE_PATH="$NPM_DIR/node_modules" timeout 180 node "$(dirname "$0")/kafkajs_check.js" "$KAFKA_PORT" \
  || fail "kafkajs_check.js"
broker_alive || fail "broker died"
echo more | "$SAMSA" produce js-end $B >/dev/null || fail "produce at the end"
run consume js-end --from-beginning $B
expect_rc 0 "consume at the end"
[ "$OUT" = more ] || fail "consume at the end: $OUT"
stop_broker
echo "kafkajs: ok"
