# Cluster mode of lib.sh (SAMSA_CLUSTER=1 in the environment; lib.sh sources this file instead of its own
# helpers): the client round trips (kcat_roundtrip.sh, rdkafka_roundtrip.sh, kafka_python.sh,
# confluent_kafka_roundtrip.sh) run unchanged against 3 nodes (cluster_lib.sh) whose topics have replication
# factor 3 and min.insync.replicas 2 by default. KAFKA_PORT and NATIVE_PORT are node 1's: the clients
# bootstrap from that one node and must follow Metadata to the leaders on the other nodes (check_spread
# fails a topic whose every partition node 1 leads, as then nothing was routed elsewhere).
# DATA is node 1's log.dirs: with RF 3 it holds a replica of every partition, written by replication for
# the partitions it follows.
source "$(dirname "${BASH_SOURCE[0]}")/cluster_lib.sh"
NATIVE_PORT=${NATIVE[1]}
KAFKA_PORT=${KAFKA[1]}
B="--broker 127.0.0.1:$NATIVE_PORT"
DATA=$WORK/data1
NODE_IDS=$(seq -s, 1 "$NODES")
KAFKA_ADDRS=$(for i in $(seq 1 "$NODES"); do echo "127.0.0.1:${KAFKA[$i]}"; done | paste -sd,)
RF=$NODES
BROKER_PID=""

start_broker() { # [--set k=v ...]: on every node
  local i
  for i in $(seq 1 "$NODES"); do
    start_node "$i" --set "default.replication.factor=$NODES" --set min.insync.replicas=2 "$@"
  done
  for i in $(seq 1 "$NODES"); do wait_started "$i"; done
  wait_for 30 all_unfenced_everywhere >/dev/null || fail "not $NODES unfenced brokers on every node 30 s after start"
  BROKER_PID=${PID[1]}
  echo "cluster of $NODES nodes up; clients bootstrap from node 1 only (127.0.0.1:$KAFKA_PORT)"
}

broker_alive() {
  local i
  for i in $(seq 1 "$NODES"); do kill -0 "${PID[$i]}" 2>/dev/null || return 1; done
}

stop_broker() { # SIGTERM to one node after the other (controlled shutdown); each must exit 0
  local i rc
  for i in $(seq 1 "$NODES"); do
    kill -TERM "${PID[$i]}"
    rc=0
    wait "${PID[$i]}" || rc=$?
    PID[$i]=""
    [ "$rc" -eq 0 ] || fail "node $i exited with $rc on SIGTERM"
  done
  BROKER_PID=""
}

check_spread() { # TOPIC...: prints each topic's partition leaders; fails when node 1 leads them all
  local t leaders all=""
  for t in "$@"; do
    leaders=$("$SAMSA" topics describe "$t" $B | grep -o "Leader: [0-9-]*" | cut -d' ' -f2 | tr '\n' ' ')
    echo "$t: partition leaders ${leaders% }"
    all="$all $leaders"
  done
  grep -q "[02-9]" <<<"$all" || fail "node 1 leads every partition of $*: Metadata routing was not exercised"
}
