"""Driven by delete_groups.sh.

  commits PORT      kafka-python: group dg-done consumes all of topic dg and commits; consumers pinned to
                    Kafka 0.8.2 and 0.8.1 (OffsetCommit v1, as Sarama's default, and v0) commit dg-0 at 40
                    for groups dg-v1 and dg-v0, and today's consumer reads those commits back.
  admin PORT RDKAFKA_ADMIN
                    kafka-python's delete_consumer_groups (DeleteGroups v1) and librdkafka's DeleteGroups and
                    DeleteConsumerGroupOffsets (OffsetDelete v0) against dg-done (deletable), dg-busy (a live
                    member subscribed to dg), dg-v1, and groups that do not exist; a connection that cached a
                    deleted group's coordinator commits again once the group is gone.
  consume PORT GROUP
                    prints how many records of dg the group consumes from its committed offsets (earliest
                    without any), committing them.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from admin_wire import Conn, delete_groups, offset_commit, offset_fetch

from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.structs import OffsetAndMetadata

NONE, COORDINATOR_NOT_AVAILABLE = 0, 15
bootstrap = "127.0.0.1:%s" % sys.argv[2]


def consume(group):
    c = KafkaConsumer("dg", bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                      auto_offset_reset="earliest", consumer_timeout_ms=3000, session_timeout_ms=6000,
                      heartbeat_interval_ms=500)
    n = 0
    t0 = time.time()
    while time.time() - t0 < 60:
        batch = c.poll(timeout_ms=500)
        got = sum(len(rs) for rs in batch.values())
        n += got
        if got:
            c.commit()
        elif c.assignment() and n > 0:
            break
        elif c.assignment() and time.time() - t0 > 10:
            break
    c.close()
    return n


def cmd_commits():
    print("dg-done consumed %d" % consume("dg-done"))
    tp = TopicPartition("dg", 0)
    for version, group in (((0, 8, 2), "dg-v1"), ((0, 8, 1), "dg-v0")):
        old = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, api_version=version, enable_auto_commit=False)
        old.assign([tp])
        old.commit({tp: OffsetAndMetadata(40, "")})
        old.close()
        now = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
        got = now.committed(tp)
        now.close()
        assert got == 40, (group, got)
        print("%s: committed with kafka-python api_version=%s, read back %d" % (group, version, got))


def rdkafka(admin, *args, fails=False):
    out = subprocess.run([admin, bootstrap] + list(args), capture_output=True, text=True, timeout=120)
    assert out.returncode == (1 if fails else 0), (args, out.returncode, out.stderr)
    return out.stderr if fails else out.stdout.split("\n")[:-1]


def cmd_admin():
    admin = sys.argv[3]
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    got = dict((g, e.errno) for g, e in a.delete_consumer_groups(["dg-done", "dg-busy", "dg-none"]))
    assert got == {"dg-done": 0, "dg-busy": 68, "dg-none": 69}, got
    listed = [g for g, _ in a.list_consumer_groups()]
    assert "dg-done" not in listed and "dg-busy" in listed, listed
    assert a.list_consumer_group_offsets("dg-done") == {}, a.list_consumer_group_offsets("dg-done")
    print("kafka-python delete_consumer_groups: dg-done deleted, dg-busy NON_EMPTY_GROUP, dg-none GROUP_ID_NOT_FOUND")

    lines = rdkafka(admin, "delete-offsets", "dg-busy", "dg:0", "other:0")
    assert lines == ["dg-busy NO_ERROR", "dg 0 GROUP_SUBSCRIBED_TO_TOPIC", "other 0 NO_ERROR"], lines
    lines = rdkafka(admin, "delete-offsets", "dg-v1", "dg:0", "nope:0")
    assert lines == ["dg-v1 NO_ERROR", "dg 0 NO_ERROR", "nope 0 UNKNOWN_TOPIC_OR_PART"], lines
    assert a.list_consumer_group_offsets("dg-v1") == {}, a.list_consumer_group_offsets("dg-v1")
    # librdkafka turns the group-level error of an OffsetDelete answer into a failed request.
    err = rdkafka(admin, "delete-offsets", "dg-none", "dg:0", fails=True)
    assert "The group id does not exist" in err, err
    print("librdkafka DeleteConsumerGroupOffsets: subscribed topic kept, dg-v1's dg-0 deleted, unknown topic and group")
    lines = rdkafka(admin, "delete-groups", "dg-v1", "dg-v0", "dg-none")
    assert sorted(lines) == ["dg-none GROUP_ID_NOT_FOUND", "dg-v0 NO_ERROR", "dg-v1 NO_ERROR"], lines
    print("librdkafka DeleteGroups: %s" % ", ".join(sorted(lines)))
    a.close()

    # A connection whose handler cached dg-cache's coordinator keeps working after another deletes the group:
    # at most a retriable COORDINATOR_NOT_AVAILABLE, then its commit lands in the recreated group.
    first, second = Conn(int(sys.argv[2])), Conn(int(sys.argv[2]))
    assert offset_commit(first, 2, b"dg-cache", [(b"dg", 1, 7)]) == {(b"dg", 1): NONE}
    assert delete_groups(second, 1, [b"dg-cache"]) == {b"dg-cache": NONE}
    for attempt in range(50):
        got = offset_commit(first, 2, b"dg-cache", [(b"dg", 1, 9)])
        if got != {(b"dg", 1): COORDINATOR_NOT_AVAILABLE}:
            break
        time.sleep(0.1)
    assert got == {(b"dg", 1): NONE}, got
    assert offset_fetch(second, 1, b"dg-cache", b"dg", [1])[1] == (9, NONE)
    print("a connection that used the deleted group's coordinator commits again (%d retries)" % attempt)


if sys.argv[1] == "commits":
    cmd_commits()
elif sys.argv[1] == "admin":
    cmd_admin()
else:
    print(consume(sys.argv[3]))
