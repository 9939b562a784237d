#!/usr/bin/env bash
# `samsa produce` sends each line as it arrives (typing, `tail -f | samsa produce`): a line written into a
# pipe that stays open is readable by a consumer within a few seconds; the summary counts in the singular
# and plural right.
source "$(dirname "$0")/lib.sh"
start_broker
"$SAMSA" topics create live $B >/dev/null || fail "topics create"
mkfifo "$WORK/in"
"$SAMSA" produce live $B <"$WORK/in" 2>"$WORK/produce.err" &
PRODUCER=$!
exec 3>"$WORK/in"
echo "first line" >&3
n=0
for _ in $(seq 1 100); do
  n=$("$SAMSA" consume live --from-beginning $B 2>/dev/null | wc -l)
  [ "$n" -ge 1 ] && break
  sleep 0.05
done
[ "$n" -eq 1 ] || fail "a line written into an open pipe was not sent within 5 s ($n records readable)"
echo "second line" >&3
exec 3>&-
wait "$PRODUCER" || fail "produce failed: $(cat "$WORK/produce.err")"
grep -q "^produced 2 records to live$" "$WORK/produce.err" || fail "summary: $(cat "$WORK/produce.err")"
echo "only" | "$SAMSA" produce live $B 2>"$WORK/one.err" || fail "produce one"
grep -q "^produced 1 record to live$" "$WORK/one.err" || fail "singular summary: $(cat "$WORK/one.err")"
stop_broker
echo "cli_produce_stream: a line is sent while the pipe stays open; summaries counted right"
