# `samsa cluster start --nodes 3`: three real `samsa broker` children on free ports from one base, "cluster
# ready" once the quorum has a leader and three unfenced brokers; `samsa cluster status --output json` and
# kcat -L agree; a second launcher is refused on the same ports (and leaves no directory behind); SIGINT
# stops every child and the exit status is 0. A second start on the same directory (no options: they come
# from its marker) brings the same cluster back (the Raft term goes on), here with one broker-only node added
# (--brokers 1: node 4, a quorum learner, registered and unfenced; the marker keeps it for the next start); a
# node killed there is reported and the others keep running (exit status 1 at the end). Finally kill -9 of the launcher itself: its children
# stop on their own (PR_SET_PDEATHSIG). Every process is killed on exit.
set -euo pipefail
SAMSA=${1:?usage: $0 PATH_TO_SAMSA}
WORK=$(mktemp -d /tmp/samsa-cstart.XXXXXX)
DIR=$WORK/cluster
PY=/usr/bin/python3
LAUNCHER=""

children() { pgrep -f "$DIR/node[0-9]/server.properties" || true; }
cleanup() {
  [ -n "$LAUNCHER" ] && kill -9 "$LAUNCHER" 2>/dev/null || true
  for pid in $(children); do kill -9 "$pid" 2>/dev/null || true; done
  [ -n "${SAMSA_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for f in "$WORK"/start*.out; do [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done
  for i in 1 2 3 4; do [ -f "$DIR/node$i/broker.log" ] && { echo "--- node $i" >&2; tail -15 "$DIR/node$i/broker.log" >&2; }; done
  exit 1
}

# A base P with P..P+3, P+552..P+555 (HTTP metrics) and P+10000..P+10003 free on loopback.
BASE=$($PY - <<'EOF'
import random, socket
for _ in range(200):
    p = random.randint(20000, 45000)
    socks = []
    try:
        for q in [p + d for d in (0, 1, 2, 3, 552, 553, 554, 555, 10000, 10001, 10002, 10003)]:
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", q)); socks.append(s)
        print(p); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
EOF
)
[ -n "$BASE" ] || fail "no free port range found"
BOOT="127.0.0.1:$BASE"
NATIVE2="127.0.0.1:$((BASE + 10001))"

launch() { # OUTFILE ARGS...: the launcher in the background
  local out=$1; shift
  "$SAMSA" cluster start "$@" >"$out" 2>&1 &
  LAUNCHER=$!
}
wait_ready() { # OUTFILE
  for _ in $(seq 1 1200); do # up to 60 s
    grep -q "^cluster ready" "$1" && return 0
    kill -0 "$LAUNCHER" 2>/dev/null || fail "the launcher exited before the cluster was ready"
    sleep 0.05
  done
  fail "no 'cluster ready' within 60 s"
}
stop_launcher() { # SIGNAL: sets RC to the launcher's exit status
  kill "-$1" "$LAUNCHER"
  for _ in $(seq 1 1200); do kill -0 "$LAUNCHER" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$LAUNCHER" 2>/dev/null && fail "the launcher still runs 60 s after SIG$1"
  RC=0
  wait "$LAUNCHER" || RC=$?
  LAUNCHER=""
}
status_field() { # FIELD: from node 2's `samsa cluster status --output json`
  "$SAMSA" cluster status --broker "$NATIVE2" --output json | $PY -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}
unfenced_count() {
  "$SAMSA" cluster status --broker "$NATIVE2" --output json \
    | $PY -c 'import json,sys; print(sum(1 for b in json.load(sys.stdin)["brokers"] if not b["fenced"]))'
}

"$SAMSA" cluster start --help | grep -q "base-port" || fail "--help does not explain --base-port"

# First start.
launch "$WORK/start1.out" --nodes 3 --dir "$DIR" --base-port "$BASE"
wait_ready "$WORK/start1.out"
cat "$WORK/start1.out"
for i in 1 2 3; do
  grep -q "node $i: Kafka 127.0.0.1:$((BASE + i - 1)), native 127.0.0.1:$((BASE + 10000 + i - 1))" "$WORK/start1.out" \
    || fail "no line saying where node $i listens"
done
grep -q "bootstrap servers: $BOOT,127.0.0.1:$((BASE + 1)),127.0.0.1:$((BASE + 2))" "$WORK/start1.out" || fail "no bootstrap list"
[ "$(children | wc -l)" = 3 ] || fail "expected 3 broker children, found: $(children | tr '\n' ' ')"
leader=$(status_field leader)
term1=$(status_field term)
[ "$leader" -ge 1 ] && [ "$leader" -le 3 ] || fail "no quorum leader in status (leader=$leader)"
[ "$(unfenced_count)" = 3 ] || fail "status does not show 3 unfenced brokers"
echo "status via node 2: leader $leader in term $term1, 3 brokers unfenced"
timeout 20 kcat -L -b "$BOOT" -m 10 | tee "$WORK/kcat.out" | head -5
grep -q "broker" "$WORK/kcat.out" || fail "kcat -L -b $BOOT listed no broker"

# A second launcher on the same ports (another directory) is refused and creates nothing.
rc=0; "$SAMSA" cluster start --dir "$WORK/other" --base-port "$BASE" >"$WORK/refused.out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "a second cluster on the same ports exited with $rc"
grep -q "port $BASE (node 1's Kafka listener) on 127.0.0.1 is not free" "$WORK/refused.out" || fail "the refusal does not name the port"
[ ! -e "$WORK/other" ] || fail "the refused start left $WORK/other behind"
# And one on the same directory names the running launcher.
rc=0; "$SAMSA" cluster start --dir "$DIR" >"$WORK/refused2.out" 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q "is in use by samsa cluster start pid $LAUNCHER" "$WORK/refused2.out" \
  || fail "a second launcher on the same directory was not refused clearly: $(cat "$WORK/refused2.out")"

stop_launcher INT
tail -5 "$WORK/start1.out"
[ "$RC" = 0 ] || fail "the launcher exited with $RC after SIGINT"
grep -q "every node stopped cleanly" "$WORK/start1.out" || fail "the launcher did not report a clean stop"
[ -z "$(children)" ] || fail "broker children left after SIGINT: $(children | tr '\n' ' ')"
for i in 1 2 3; do grep -q "stopped cleanly" "$DIR/node$i/broker.log" || fail "node $i did not shut down cleanly"; done

# Second start on the same directory, the voters from its marker, plus one broker-only node: the same nodes,
# ports and data come back, and node 4 joins as a learner.
launch "$WORK/start2.out" --dir "$DIR" --brokers 1
wait_ready "$WORK/start2.out"
grep -q "node 3: Kafka 127.0.0.1:$((BASE + 2))" "$WORK/start2.out" || fail "the second start did not reuse the ports"
grep -q "node 4 (broker only): Kafka 127.0.0.1:$((BASE + 3)), native 127.0.0.1:$((BASE + 10003))" "$WORK/start2.out" \
  || fail "no line saying where broker-only node 4 listens"
grep -q "^process.roles=broker$" "$DIR/node4/server.properties" || fail "node 4 is not broker-only"
grep -q "^brokers=1$" "$DIR/samsa-cluster.properties" || fail "the marker does not keep the broker-only node"
term2=$(status_field term)
[ "$term2" -gt "$term1" ] || fail "term $term2 after the restart is not above $term1: the data was not reused"
# "Ready" may rest on the registrations of the previous start, still unfenced in the image until the node
# registers again (then briefly fenced while it catches up): wait for the four of this start.
four_unfenced() { [ "$(unfenced_count)" = 4 ]; }
for _ in $(seq 1 300); do four_unfenced && break; sleep 0.05; done
four_unfenced || fail "not 4 unfenced brokers after the restart"
"$SAMSA" cluster status --broker "127.0.0.1:$((BASE + 10003))" --output json \
  | $PY -c 'import json,sys; d=json.load(sys.stdin); assert d["role"] == "learner" and not d["voter"], d' \
  || fail "node 4 is not a quorum learner"
echo "second start: term $term1 -> $term2, 4 brokers unfenced, node 4 a learner"
# A node dying on its own is reported; the launcher and the other nodes keep running.
victim=$(pgrep -f "$DIR/node3/server.properties")
kill -9 "$victim"
for _ in $(seq 1 200); do grep -q "node 3 exited unexpectedly" "$WORK/start2.out" && break; sleep 0.05; done
grep -q "node 3 exited unexpectedly (killed by signal 9" "$WORK/start2.out" || fail "the launcher did not report node 3's death"
kill -0 "$LAUNCHER" || fail "the launcher stopped when node 3 died"
[ "$(children | wc -l)" = 3 ] || fail "expected nodes 1, 2 and 4 still running"
stop_launcher TERM
[ "$RC" = 1 ] || fail "the launcher exited with $RC after a node had died (expected 1)"
[ -z "$(children)" ] || fail "broker children left after SIGTERM"

# kill -9 of the launcher: the kernel sends its children SIGTERM and they stop cleanly. (No options: the
# broker-only node comes back from the marker.)
launch "$WORK/start3.out" --dir "$DIR"
wait_ready "$WORK/start3.out"
[ "$(children | wc -l)" = 4 ] || fail "the third start did not bring node 4 back"
kill -9 "$LAUNCHER"; wait "$LAUNCHER" 2>/dev/null || true; LAUNCHER=""
for _ in $(seq 1 600); do [ -z "$(children)" ] && break; sleep 0.05; done
[ -z "$(children)" ] || fail "broker children outlived a kill -9 of the launcher"
echo "PASS cluster_start: ready, status and kcat agree, SIGINT stops all (exit 0), restart reuses the data"
