#!/usr/bin/env bash
# `samsa experiment check HISTORY.jsonl`, no broker: exit 0 and "valid" for a clean history, exit 1 naming
# the anomalies for a history with a lost write (text and JSON), exit 1 naming the line for a malformed
# history, exit 2 for a bad option.
source "$(dirname "$0")/lib.sh"

# Producer 0 writes a, b, c at offsets 0..2 of t-0 while node 2 is killed; consumer 1 reads them.
send() { # process value offset time
  echo "{\"process\":$1,\"type\":\"invoke\",\"f\":\"send\",\"time\":$4000000,\"topic\":\"t\",\"partition\":0,\"value\":\"$2\"}"
  echo "{\"process\":$1,\"type\":\"ok\",\"f\":\"send\",\"time\":$(($4 + 1))000000,\"offset\":$3}"
}
read_() { echo "{\"topic\":\"t\",\"partition\":0,\"offset\":$1,\"value\":\"$2\"}"; }
{
  echo '{"type":"info","f":"fault","time":0,"name":"kill","phase":"start","target":"node 2"}'
  send 0 a 0 10
  send 0 b 1 20
  send 0 c 2 30
  echo '{"type":"info","f":"fault","time":40000000,"name":"kill","phase":"stop","target":"node 2"}'
  echo '{"process":1,"type":"invoke","f":"poll","time":50000000}'
  echo "{\"process\":1,\"type\":\"ok\",\"f\":\"poll\",\"time\":51000000,\"reads\":[$(read_ 0 a),$(read_ 1 b),$(read_ 2 c)]}"
} >"$WORK/clean.jsonl"
run experiment check "$WORK/clean.jsonl"
expect_rc 0 "experiment check clean.jsonl"
grep -q "^valid: no anomaly in 10 events" <<<"$OUT" || fail "clean history: $OUT"
grep -q "fault kill (node 2) 0.000 s to 0.040 s: first ack after 0.011 s" <<<"$OUT" || fail "no fault line: $OUT"

# The same with the poll reading a and c only: b is lost (and unseen).
sed "s/$(read_ 1 b),//" "$WORK/clean.jsonl" >"$WORK/lost.jsonl"
run experiment check "$WORK/lost.jsonl"
expect_rc 1 "experiment check lost.jsonl"
grep -q "^INVALID: int-poll-skip (1) lost-write (1) unseen (1)" <<<"$OUT" || fail "lost write not reported: $OUT"
grep -q "t-0: value b at offset 1 must have committed" <<<"$OUT" || fail "no lost-write example: $OUT"
run experiment check "$WORK/lost.jsonl" --output json --examples 0
expect_rc 1 "experiment check lost.jsonl --output json"
/usr/bin/python3 - "$WORK/out" <<'EOF' || fail "JSON summary: $OUT"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["valid"] is False, s
assert s["anomaly_types"] == ["int-poll-skip", "lost-write", "unseen"], s["anomaly_types"]
assert s["anomalies"]["lost-write"] == {"count": 1, "examples": []}, s["anomalies"]
assert s["availability"]["faults"][0]["first_ack_after_ms"] == 11.0, s["availability"]
EOF

# A malformed line: exit 1 and the line named.
{ head -3 "$WORK/clean.jsonl"; echo '{"process":0,"type":"ok","f":"send","time":"late"}'; } >"$WORK/bad.jsonl"
run experiment check "$WORK/bad.jsonl"
expect_rc 1 "experiment check bad.jsonl"
grep -qF "error: $WORK/bad.jsonl line 4: \"time\" must be an integer, got \"late\"" <<<"$ERR" || fail "bad line: $ERR"
run experiment check "$WORK/missing.jsonl"
expect_rc 1 "experiment check missing.jsonl"
grep -qF "cannot open the history file" <<<"$ERR" || fail "missing file: $ERR"

# Usage errors: exit 2.
run experiment check "$WORK/clean.jsonl" --output yaml
expect_rc 2 "experiment check --output yaml"
run experiment check
expect_rc 2 "experiment check (no file)"

echo "experiment_check: clean history exit 0, lost write exit 1 (text and JSON), malformed line named, usage errors exit 2"
