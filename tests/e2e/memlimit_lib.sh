# Runs the broker under a memory ceiling, so a test that attacks memory ends in the broker's death (and the
# test's failure) instead of the test machine's. Source after lib.sh, then call `limit_broker_memory BYTES`
# before start_broker. As root with a cgroup v1 memory controller (mounted at /sys/fs/cgroup/memory, or
# mountable under the test's work directory, unmounted at exit) the limit is a memory cgroup (memory.limit_in_bytes, and swap
# included when the kernel accounts it); otherwise `prlimit --as` bounds the address space instead
# (MALLOC_ARENA_MAX keeps glibc's per-thread arenas from using it up while idle). Sets MEMLIMIT_KIND.
MEMLIMIT_CG=""
MEMLIMIT_KIND=""

memlimit_cleanup() {
  cleanup
  if [ -n "$MEMLIMIT_CG" ]; then rmdir "$MEMLIMIT_CG" 2>/dev/null || true; fi
  if mountpoint -q "$WORK/cgroup-memory" 2>/dev/null; then umount "$WORK/cgroup-memory" || true; fi
}

limit_broker_memory() {
  local bytes=$1 root="" real=$SAMSA
  if [ "$(id -u)" -eq 0 ]; then
    if [ -w /sys/fs/cgroup/memory/cgroup.procs ]; then
      root=/sys/fs/cgroup/memory
    elif mkdir -p "$WORK/cgroup-memory" && mount -t cgroup -o memory cgroup "$WORK/cgroup-memory" 2>/dev/null; then
      root=$WORK/cgroup-memory
    fi
  fi
  trap memlimit_cleanup EXIT
  if [ -n "$root" ] && mkdir "$root/samsa-e2e-$$"; then
    MEMLIMIT_CG=$root/samsa-e2e-$$
    echo "$bytes" >"$MEMLIMIT_CG/memory.limit_in_bytes"
    [ -e "$MEMLIMIT_CG/memory.memsw.limit_in_bytes" ] && echo "$bytes" >"$MEMLIMIT_CG/memory.memsw.limit_in_bytes"
    MEMLIMIT_KIND="memory cgroup $MEMLIMIT_CG, limit $bytes bytes"
    printf '#!/bin/sh\necho $$ >"%s/cgroup.procs" && exec "%s" "$@"\n' "$MEMLIMIT_CG" "$real" >"$WORK/samsa-limited"
  else
    MEMLIMIT_KIND="prlimit --as=$bytes (no cgroup memory controller available)"
    printf '#!/bin/sh\nMALLOC_ARENA_MAX=2 exec prlimit --as=%s "%s" "$@"\n' "$bytes" "$real" >"$WORK/samsa-limited"
  fi
  chmod +x "$WORK/samsa-limited"
  SAMSA=$WORK/samsa-limited
  echo "memory ceiling: $MEMLIMIT_KIND"
}
