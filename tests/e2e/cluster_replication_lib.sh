# Helpers of the replicated-partition tests (cluster_replication*.sh, cluster_quorum_leader_kill.sh,
# cluster_two_down.sh): 3 nodes of cluster_lib.sh, one topic $TOPIC of $PARTITIONS partitions with RF 3,
# an idempotent acks=all librdkafka producer (cluster_replication_check.py produce) whose acknowledgements
# are appended to $ACKED, and the read-back check of every acknowledged record. Source it after setting
# TOPIC and PARTITIONS: source cluster_replication_lib.sh /path/to/samsa.
source "$(dirname "${BASH_SOURCE[0]}")/cluster_lib.sh"
CHECK="$PY $(dirname "${BASH_SOURCE[0]}")/cluster_replication_check.py"
export PYTHONPATH="$(dirname "${BASH_SOURCE[0]}")"
ALL="${KAFKA[1]},${KAFKA[2]},${KAFKA[3]}"
ACKED="$WORK/acked.jsonl"
WRITER=""
replication_cleanup() { # the producer writer_start left running (on a failure), then the nodes
  [ -z "$WRITER" ] || { kill -9 "$WRITER" 2>/dev/null; wait "$WRITER" 2>/dev/null; } || true
  cluster_cleanup
}
trap replication_cleanup EXIT

start_cluster() { # --set k=v ...: on each of the 3 nodes; until every node sees 3 unfenced brokers
  local i
  for i in 1 2 3; do start_node "$i" "$@"; done
  for i in 1 2 3; do wait_started "$i"; done
  wait_for 30 all_unfenced_everywhere >/dev/null || fail "not 3 unfenced brokers on every node 30 s after start"
}

create_topic() { # $TOPIC with $PARTITIONS partitions, RF 3, min.insync.replicas 2; until node 1 sees full ISRs
  local out; out=$($CHECK create "${KAFKA[1]}" "$TOPIC" "$PARTITIONS" 3 2)
  [ "$out" = created ] || fail "create $TOPIC (RF 3, min ISR 2): $out"
  wait_for 20 isr_full_on 1 >/dev/null || fail "ISR of $TOPIC not 3 replicas: $(describe 1)"
}

describe() { # N: the partition lines of $TOPIC as node N describes them
  "$SAMSA" topics describe "$TOPIC" --broker "127.0.0.1:${NATIVE[$1]}" 2>/dev/null \
    | grep -o "Partition: [0-9]*	Leader: [0-9-]*	LeaderEpoch: [0-9]*	Replicas: [0-9,]*	Isr: [0-9,]*" || true
}
isr_full_on() { # N: every partition's ISR has all 3 replicas
  local d; d=$(describe "$1"); [ "$(wc -l <<<"$d")" = "$PARTITIONS" ] && ! grep -qv "Isr: [0-9],[0-9],[0-9]$" <<<"$d"
}
leader_of() { # N P
  describe "$1" | grep "^Partition: $2	" | grep -o "Leader: [0-9-]*" | cut -d' ' -f2
}
epoch_of_p() { # N P
  describe "$1" | grep "^Partition: $2	" | grep -o "LeaderEpoch: [0-9]*" | cut -d' ' -f2
}

writer_start() { # SECONDS FIRST_VALUE: the producer in the background, through every node
  $CHECK produce "$ALL" "$TOPIC" "$1" "$ACKED" "$2" >"$WORK/writer.txt" & WRITER=$!
}
writer_end() { # PHASE: waits for the producer; fails when it failed or nothing was acknowledged
  local rc=0
  wait "$WRITER" || rc=$?
  WRITER=""
  [ "$rc" -eq 0 ] || fail "$1: the producer failed"
  echo "$1: $(cat "$WORK/writer.txt")"
  grep -q "acknowledged=0 " "$WORK/writer.txt" && fail "$1: nothing acknowledged"
  return 0
}
verify() { # PHASE [PORTS]: every acknowledged record read back once, at its offset, in order per partition
  local out; out=$($CHECK verify "${2:-$ALL}" "$TOPIC" "$ACKED")
  echo "$1: read back: $out"
  grep -q "lost=0 moved=0 duplicates=0 out_of_order_partitions=0" <<<"$out" || fail "$1: acknowledged records: $out"
}
