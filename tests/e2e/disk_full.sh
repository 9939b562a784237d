#!/usr/bin/env bash
# A full disk (a real 24 MiB tmpfs, ENOSPC) costs nothing acknowledged: produce fails with a clear error,
# the broker keeps serving reads, logs the condition once, and accepts writes again when space is freed;
# every acknowledged record is read back, also after a restart. Needs root (a mount namespace); skips
# without it.
if [ -z "${SAMSA_IN_MOUNT_NS:-}" ]; then
  if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
    echo "SKIP: disk_full needs root and mount namespaces"; exit 0
  fi
  exec unshare -m env SAMSA_IN_MOUNT_NS=1 bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
mkdir -p "$WORK/data"
mount -t tmpfs -o size=24m tmpfs "$WORK/data" || fail "cannot mount a tmpfs"
trap 'cleanup_disk' EXIT
cleanup_disk() {
  if [ -n "$BROKER_PID" ]; then kill -9 "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
  BROKER_PID=""
  umount "$WORK/data" 2>/dev/null || true
  cleanup
}
# Some of the space is taken by a file we remove later to "free the disk".
head -c $((6 * 1024 * 1024)) /dev/zero >"$WORK/data/ballast" || fail "ballast"

start_broker --set log.segment.bytes=4194304
"$SAMSA" topics create full --partitions 1 $B >/dev/null || fail "topics create"
pad=$(head -c 1000 /dev/zero | tr '\0' x)
seq 1 40000 | awk -v pad="$pad" '{ printf "%06d-%s\n", $1, pad }' >"$WORK/input"
rc=0
"$SAMSA" produce full $B <"$WORK/input" 2>"$WORK/produce1.err" || rc=$?
[ "$rc" -ne 0 ] || fail "40 MB into a 24 MiB disk should have failed somewhere"
grep -q "disk_full" "$WORK/produce1.err" || fail "produce should name disk_full: $(tail -3 "$WORK/produce1.err")"
acked1=$(sed -n 's/^produced \([0-9]*\) records.*/\1/p' "$WORK/produce1.err")
[ -n "$acked1" ] && [ "$acked1" -gt 0 ] || fail "no acknowledged count: $(tail -2 "$WORK/produce1.err")"
kill -0 "$BROKER_PID" || fail "broker died on a full disk"
grep -qi "disk full\|no space left" "$WORK/broker.log" || fail "the broker logged nothing about the full disk"
n=$("$SAMSA" consume full --from-beginning $B | wc -l)
[ "$n" -eq "$acked1" ] || fail "on a full disk: $acked1 acknowledged, $n readable"

# Free space: writes work again.
rm -f "$WORK/data/ballast"
seq 1 100 | "$SAMSA" produce full $B 2>"$WORK/produce2.err" || fail "produce after freeing space: $(cat "$WORK/produce2.err")"
grep -q "full-0: appends work again" "$WORK/broker.log" || fail "no line saying appends work again"
[ "$(grep -c "full-0: append failed" "$WORK/broker.log")" -eq 1 ] || fail "the full disk should be logged once, not per request"
stop_broker
start_broker
n=$("$SAMSA" consume full --from-beginning $B | wc -l)
[ "$n" -eq $((acked1 + 100)) ] || fail "after restart: expected $((acked1 + 100)) records, got $n"
dups=$("$SAMSA" consume full --from-beginning $B | sort | uniq -d | grep -c -- "-x" || true)
[ "$dups" -eq 0 ] || fail "$dups duplicated records"
stop_broker
echo "disk_full: $acked1 acknowledged before the disk filled, all readable; writes resumed after freeing space"
