#!/usr/bin/env bash
# Operator mistakes on the data directory never lose data (issue 8, items 1-3, 5, 12, 13):
#  - a second broker on the same log.dirs is refused and names the holder;
#  - a missing or empty metadata.db with partition logs present refuses to start, deleting nothing;
#  - a stranger's directory (backup-1/, c-99999999999999999999/) is left alone and does not stop the start;
#  - a "-delete" tombstone left by an interrupted topic deletion is removed;
#  - a partition whose log cannot be opened is offline while the rest of the node serves;
#  - SIGHUP stops the broker cleanly (exit 0, clean-shutdown markers written);
#  - the broker logs these events on stderr.
source "$(dirname "$0")/lib.sh"

count_records() { "$SAMSA" consume "$1" --from-beginning $B 2>/dev/null | wc -l; }
# Runs a broker that is expected to refuse to start; prints its stderr. Fails if it keeps running.
refused_start() {
  local out="$WORK/refused.$RANDOM" rc=0
  timeout 20 "$SAMSA" broker --set "log.dirs=$WORK/data" --set "samsa.native.listener=127.0.0.1:$(free_port)" \
    --set "listeners=PLAINTEXT://127.0.0.1:$(free_port)" --set "samsa.http.listener=" >"$out" 2>&1 || rc=$?
  [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "broker should have refused to start (exit $rc): $(cat "$out")"
  cat "$out"
}

start_broker
"$SAMSA" topics create keep --partitions 2 $B >/dev/null || fail "topics create keep"
# A topic named "c": with it, a directory c-99999999999999999999 once made every start abort.
"$SAMSA" topics create c $B >/dev/null || fail "topics create c"
seq 1 500 | "$SAMSA" produce keep --partition 0 $B 2>/dev/null || fail "produce keep-0"
seq 501 1000 | "$SAMSA" produce keep --partition 1 $B 2>/dev/null || fail "produce keep-1"
[ "$(count_records keep)" -eq 1000 ] || fail "keep should hold 1000 records"

# 1. A second broker on the same data directory (other ports) is refused while the first runs.
msg=$(refused_start)
echo "$msg" | grep -q "in use by another samsa process (pid $BROKER_PID" || fail "second broker message: $msg"
[ "$(count_records keep)" -eq 1000 ] || fail "first broker lost records after the refused second start"

# 12. SIGHUP: a clean stop.
kill -HUP "$BROKER_PID"
rc=0; wait "$BROKER_PID" || rc=$?; BROKER_PID=""
[ "$rc" -eq 0 ] || fail "SIGHUP: broker exited with $rc"
grep -q "SIGHUP received: shutting down cleanly" "$WORK/broker.log" || fail "no SIGHUP line in the log"
[ -f "$WORK/data/keep-0/.clean_shutdown" ] || fail "SIGHUP left no clean-shutdown marker"
# 13. Events on stderr, timestamped and leveled.
grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ \[info\] created topic keep \(2 partitions" "$WORK/broker.log" \
  || fail "no 'created topic' line: $(cat "$WORK/broker.log")"

# 2. metadata.db missing, then empty: refuse, delete nothing.
cp "$WORK/data/metadata.db" "$WORK/metadata.backup"
rm -f "$WORK/data/metadata.db" "$WORK/data/metadata.db-wal" "$WORK/data/metadata.db-shm"
msg=$(refused_start)
echo "$msg" | grep -q "metadata.db is missing or empty" || fail "missing metadata message: $msg"
echo "$msg" | grep -q "keep-0, keep-1" || fail "the message should list the partition directories: $msg"
[ -d "$WORK/data/keep-0" ] && [ -d "$WORK/data/keep-1" ] || fail "partition directories were deleted"
[ ! -e "$WORK/data/metadata.db" ] || fail "a refused start must not create metadata.db"
: >"$WORK/data/metadata.db"
msg=$(refused_start)
echo "$msg" | grep -q "missing or empty" || fail "empty metadata message: $msg"
cp "$WORK/metadata.backup" "$WORK/data/metadata.db"

# 3. Directories the node does not own; a tombstone of an interrupted delete.
mkdir -p "$WORK/data/backup-1" "$WORK/data/c-99999999999999999999" "$WORK/data/keep-7"
echo "mine" >"$WORK/data/backup-1/notes.txt"
mkdir -p "$WORK/data/gone-0.0123abcd-delete" && echo x >"$WORK/data/gone-0.0123abcd-delete/00000000000000000000.log"
# 5. Make keep-1 unopenable: its directory replaced by a file (root ignores permissions).
mv "$WORK/data/keep-1" "$WORK/keep-1.saved"
echo "not a directory" >"$WORK/data/keep-1"
start_broker
[ -f "$WORK/data/backup-1/notes.txt" ] || fail "backup-1/notes.txt was deleted"
[ -d "$WORK/data/c-99999999999999999999" ] || fail "c-99999999999999999999 was deleted"
[ -d "$WORK/data/keep-7" ] || fail "keep-7 was deleted"
[ ! -e "$WORK/data/gone-0.0123abcd-delete" ] || fail "the -delete tombstone was not removed"
grep -q "leaving .*backup-1 alone" "$WORK/broker.log" || fail "no warning about backup-1"
grep -q "removed .*gone-0.0123abcd-delete" "$WORK/broker.log" || fail "no line about the removed tombstone"
grep -q "\[error\] keep-1 is offline" "$WORK/broker.log" || fail "no offline line for keep-1"
# The healthy partition serves reads and writes; the offline one answers an error.
n0=$("$SAMSA" consume keep --partition 0 --from-beginning $B 2>/dev/null | wc -l)
[ "$n0" -gt 0 ] || fail "keep-0 should still serve its records"
echo more | "$SAMSA" produce keep --partition 0 $B 2>/dev/null || fail "produce to keep-0 with keep-1 offline"
if "$SAMSA" consume keep --partition 1 --from-beginning $B >"$WORK/p1.out" 2>&1; then
  fail "consume from the offline partition should fail: $(cat "$WORK/p1.out")"
fi
grep -q "storage_error" "$WORK/p1.out" || fail "offline partition error: $(cat "$WORK/p1.out")"
"$SAMSA" topics describe keep $B | grep "Partition: 1" | grep -q OFFLINE || fail "describe should show keep-1 offline"
# A topic cannot be created over a directory holding a stranger's records.
mkdir -p "$WORK/data/strange-0" && cp "$WORK/keep-1.saved"/*.log "$WORK/data/strange-0/"
if "$SAMSA" topics create strange $B >"$WORK/strange.out" 2>&1; then fail "create over foreign data succeeded"; fi
grep -q "already holds records" "$WORK/strange.out" || fail "create over foreign data: $(cat "$WORK/strange.out")"

# Repair keep-1, restart: every record is back. Deleting a topic removes its directories.
stop_broker
rm -f "$WORK/data/keep-1" && mv "$WORK/keep-1.saved" "$WORK/data/keep-1"
start_broker
[ "$(count_records keep)" -eq 1001 ] || fail "after repair keep should hold 1001 records, has $(count_records keep)"
"$SAMSA" topics delete keep $B >/dev/null || fail "topics delete keep"
[ ! -e "$WORK/data/keep-0" ] && [ ! -e "$WORK/data/keep-1" ] || fail "deleted topic's directories remain"
ls "$WORK/data" | grep -q -- "-delete$" && fail "a tombstone remains after the delete finished"
grep -q "deleted topic keep (2 partitions)" "$WORK/broker.log" || fail "no 'deleted topic' line"
stop_broker
echo "data_dir_safety: second broker refused, lost metadata refused, strangers kept, offline partition isolated, SIGHUP clean"
