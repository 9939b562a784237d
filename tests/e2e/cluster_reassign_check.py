"""Client side of tests/e2e/cluster_reassign.sh: AlterPartitionReassignments (45) and
ListPartitionReassignments (46) v0 as raw requests (kafka-python 2.0.2's admin client has neither), and the
replicas librdkafka's Metadata shows. Each command prints one line; `apis` exits non-zero on a mismatch."""
import sys

from admin_wire import Conn, alter_partition_reassignments, list_partition_reassignments

UNKNOWN_TOPIC_OR_PARTITION, INVALID_REPLICA_ASSIGNMENT, NO_REASSIGNMENT_IN_PROGRESS = 3, 39, 85


def expect(what, got, want):
    if got != want:
        print("FAIL %s: got %r, want %r" % (what, got, want))
        sys.exit(1)


def apis(port, topic, stopped, other):
    """Refusals with Kafka's codes, then a move onto the stopped node `stopped` (it cannot catch up, so the
    move stays in progress) listed, cancelled, and a second cancel refused."""
    stopped, other = int(stopped), int(other)
    c = Conn(int(port))
    top, _, res = alter_partition_reassignments(c, {("nope", 0): [1], (topic, 5): [1]})
    expect("top-level error", top, 0)
    expect("unknown topic", res[("nope", 0)][0], UNKNOWN_TOPIC_OR_PARTITION)
    expect("unknown partition", res[(topic, 5)][0], UNKNOWN_TOPIC_OR_PARTITION)
    for bad in ([1, 1], [9], []):
        _, _, res = alter_partition_reassignments(c, {(topic, 0): bad})
        expect("replicas %s" % bad, res[(topic, 0)][0], INVALID_REPLICA_ASSIGNMENT)
    _, _, res = alter_partition_reassignments(c, {(topic, 0): None})
    expect("cancel without a reassignment", res[(topic, 0)][0], NO_REASSIGNMENT_IN_PROGRESS)
    _, _, res = alter_partition_reassignments(c, {(topic, 0): [stopped, other]})
    expect("move onto node %d" % stopped, res[(topic, 0)], (0, None))
    top, listed = list_partition_reassignments(c)
    expect("list error", top, 0)
    replicas, adding, removing = listed.get((topic, 0), ([], [], []))
    expect("listed target first", replicas[:2], [stopped, other])
    if stopped not in adding and other not in adding:
        expect("adding", adding, "the stopped node")
    expect("list of another partition", list_partition_reassignments(c, {topic: [1]})[1], {})
    expect("list of the partition", list_partition_reassignments(c, {topic: [0]})[1], listed)
    _, _, res = alter_partition_reassignments(c, {(topic, 0): None})
    expect("cancel", res[(topic, 0)], (0, None))
    expect("list after cancel", list_partition_reassignments(c)[1], {})
    _, _, res = alter_partition_reassignments(c, {(topic, 0): None})
    expect("second cancel", res[(topic, 0)][0], NO_REASSIGNMENT_IN_PROGRESS)
    print("apis ok: refusals 3,3,39,39,39,85; move listed (replicas %s adding %s removing %s); cancelled"
          % (replicas, adding, removing))


def replicas(port, topic):
    """The replicas and ISR of each partition in librdkafka's Metadata from one node."""
    from confluent_kafka.admin import AdminClient
    md = AdminClient({"bootstrap.servers": "127.0.0.1:%s" % port}).list_topics(topic, timeout=15)
    parts = md.topics[topic].partitions
    print(" ".join("%d:%s:%s" % (p, ",".join(map(str, parts[p].replicas)), ",".join(map(str, sorted(parts[p].isrs))))
                   for p in sorted(parts)))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    globals()[cmd](*args)
