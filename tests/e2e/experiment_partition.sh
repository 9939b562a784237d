#!/usr/bin/env bash
# `samsa experiment run` with real network partitions (issue 11): every node in its own network namespace on
# a bridge, packets between nodes dropped by nftables. Needs root, network namespaces and nft; skips
# without them (exit 0, "SKIP").
#   1. a runner killed with -9 during a partition run leaves its namespaces behind (its brokers die with it);
#   2. isolate-leader for 15 s: the leader of t-0 is isolated (the drops are in network.log and in the nodes'
#      nftables rules while it lasts), the run passes, the rendered report shows the band, and nothing of the
#      run's network is left afterwards; the -9 run's leftovers are swept by this run;
#   3. SIGINT during a partition: exit non-zero, no broker, namespace or bridge of the run left.
# Usage: experiment_partition.sh /path/to/samsa (samsa_experiment next to it)
set -euo pipefail
SAMSA=${1:?usage: $0 PATH_TO_SAMSA}
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: experiment_partition needs root (network namespaces, nftables)"; exit 0; fi
command -v nft >/dev/null || { echo "SKIP: experiment_partition needs nft (Debian nftables, tools/install-deps.sh)"; exit 0; }
probe_ns="samsa-e2e-probe-$$"
ip netns add "$probe_ns" 2>/dev/null || { echo "SKIP: experiment_partition: network namespaces are not available"; exit 0; }
ip netns delete "$probe_ns"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/samsa-e2e-part.XXXXXX)
RUNNER=""
cleanup() {
  [ -n "$RUNNER" ] && { kill -9 "$RUNNER" 2>/dev/null || true; wait "$RUNNER" 2>/dev/null || true; }
  # Whatever a failed step left of runs this test started (their pids are in the names).
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] || continue
    for ns in $(ip netns list | awk '{print $1}' | grep "^samsa-exp-${p}r" || true); do ip netns delete "$ns" || true; done
    for br in $(ip -o link show type bridge | awk -F': ' '{print $2}' | grep "^sxb${p}r" || true); do ip link delete "$br" || true; done
  done
  [ -n "${SAMSA_KEEP:-}" ] || rm -rf "$WORK"
}
PIDS=()
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
source "$(dirname "$0")/experiment_report_lib.sh"
leftovers() { pgrep -f -- "$WORK/" | grep -v "^$$\$" || true; }
netns_of() { ip netns list | awk '{print $1}' | grep "^samsa-exp-$1r" || true; }
bridges_of() { ip -o link show type bridge | awk -F': ' '{print $2}' | grep "^sxb$1r" || true; }
wait_for() { # FILE PATTERN: until the runner printed it (60 s at most)
  for _ in $(seq 1 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  fail "never saw '$2' in $1: $(tail -5 "$1")"
}
SCEN="$SRC/config/experiments/isolate-leader.toml"

# -- 1. kill -9 of the runner ------------------------------------------------------------------------------
"$SAMSA" experiment run "$SCEN" --duration 15 --out "$WORK/k9" >"$WORK/k9.out" 2>&1 &
RUNNER=$!
PIDS+=("$RUNNER")
wait_for "$WORK/k9.out" "phase workload"
# `samsa experiment run` execs samsa_experiment: the runner's pid is the one started.
[ -n "$(netns_of "$RUNNER")" ] || fail "no namespace named after the runner ($RUNNER): $(ip netns list)"
kill -9 "$RUNNER"; wait "$RUNNER" 2>/dev/null || true
K9=$RUNNER; RUNNER=""
for _ in $(seq 1 50); do [ -z "$(leftovers)" ] && break; sleep 0.1; done
[ -z "$(leftovers)" ] || fail "brokers left after the runner's kill -9: $(leftovers)"
[ -n "$(netns_of "$K9")" ] || fail "expected the killed run's namespaces to remain until the next run"
echo "1. kill -9: brokers gone, $(netns_of "$K9" | wc -l) namespaces left for the next run to sweep"

# -- 2. isolate-leader ---------------------------------------------------------------------------------------
"$SAMSA" experiment run "$SCEN" --duration 15 --out "$WORK/iso" >"$WORK/iso.out" 2>&1 &
RUNNER=$!
PIDS+=("$RUNNER")
wait_for "$WORK/iso.out" "inject isolate #1"
leader_line=$(grep "inject isolate #1" "$WORK/iso.out")
iso=$(sed -n 's/.*inject isolate #1: node \([0-9]\) (leader of t-0): .*/\1/p' <<<"$leader_line")
[ -n "$iso" ] || fail "cannot tell the isolated node from: $leader_line"
# While it lasts, every other node drops what the isolated node sends, and the isolated node drops theirs.
# The runner prints the inject line as it starts applying the rules namespace by namespace: poll (5 s at most).
for _ in $(seq 1 50); do
  rules=""
  for ns in $(netns_of "$RUNNER"); do rules+="$ns: $(ip netns exec "$ns" nft list chain inet samsa_exp input 2>/dev/null | grep -o 'ip saddr .* drop' || true)"$'\n'; done
  [ "$(grep -c 'drop' <<<"$rules")" = 3 ] && break
  sleep 0.1
done
[ "$(grep -c 'drop' <<<"$rules")" = 3 ] || fail "expected drop rules in all 3 namespaces during the isolation: $rules"
grep -q -- "-n$iso: ip saddr { [0-9.]*, [0-9.]* } drop" <<<"$rules" || fail "node $iso should drop both peers: $rules"
rc=0; wait "$RUNNER" || rc=$?
RUNNER=""
tail -1 "$WORK/iso.out"
[ "$rc" = 0 ] || { tail -30 "$WORK/iso.out" >&2; fail "isolate-leader: exit $rc, expected 0"; }
grep -q "^summary: isolate-leader seed 1: PASS (no anomaly; .*faults 1 applied, 0 skipped" "$WORK/iso.out" \
  || fail "summary: $(tail -1 "$WORK/iso.out")"
grep -q "drops input from: 10.213" "$WORK/iso/network.log" || fail "network.log shows no drop"
grep -q '"name":"isolate #1","phase":"start"' "$WORK/iso/history.jsonl" || fail "no isolate start in the history"
[ -z "$(leftovers)" ] || fail "processes left after the run: $(leftovers)"
for p in "${PIDS[@]}"; do
  [ -z "$(netns_of "$p")" ] || fail "namespaces left of run $p: $(netns_of "$p")"
  [ -z "$(bridges_of "$p")" ] || fail "bridges left of run $p: $(bridges_of "$p")"
done
check_report "$WORK/iso" "valid: no anomaly"
echo "2. isolate-leader: node $iso isolated; $(head -1 "$WORK/iso/check.txt"); $(grep -o 'max_unavailability [0-9.]* s' "$WORK/iso/check.txt" | head -1)"

# -- 3. SIGINT during a partition ----------------------------------------------------------------------------
"$SAMSA" experiment run "$SCEN" --duration 15 --out "$WORK/int" >"$WORK/int.out" 2>&1 &
RUNNER=$!
PIDS+=("$RUNNER")
wait_for "$WORK/int.out" "inject isolate #1"
kill -INT "$RUNNER"
rc=0; wait "$RUNNER" || rc=$?
INT=$RUNNER; RUNNER=""
[ "$rc" != 0 ] || fail "an interrupted run exited 0"
grep -q "interrupted" "$WORK/int.out" || fail "no word of the interruption: $(tail -5 "$WORK/int.out")"
[ -z "$(leftovers)" ] || fail "processes left after SIGINT: $(leftovers)"
[ -z "$(netns_of "$INT")$(bridges_of "$INT")" ] || fail "network left after SIGINT: $(netns_of "$INT") $(bridges_of "$INT")"
echo "3. SIGINT during a partition: exit $rc, no broker, namespace or bridge left"
echo "PASS"
