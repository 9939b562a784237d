"""Driven by cluster_admin_apis.sh: PORT1 PORT2 PORT3 (the Kafka ports of a 3-node cluster whose topic
`logs` has 3 partitions with replication factor 3 and records in each). Prints one line per check."""
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from admin_wire import (Conn, delete_groups, describe_cluster, describe_log_dirs, offset_commit, offset_delete,
                        offset_fetch)
from kafka_wire import connect, find_coordinator, frame, header, read_response, string

NONE, UNKNOWN_TOPIC, NOT_COORDINATOR, GROUP_ID_NOT_FOUND = 0, 3, 16, 69
ports = [int(p) for p in sys.argv[1:]]


def metadata_view(port):
    from confluent_kafka.admin import AdminClient
    md = AdminClient({"bootstrap.servers": "127.0.0.1:%d" % port}).list_topics(timeout=10)
    return md.cluster_id, md.controller_id, sorted((b.id, b.host, b.port) for b in md.brokers.values())


# DescribeCluster: every node answers with the brokers, controller and cluster id Metadata shows.
ids = set()
for port in ports:
    conn = Conn(port)
    for v in (0, 1):
        c = describe_cluster(conn, v)
        cid, controller, brokers = metadata_view(port)
        assert c["error"] == NONE, c
        assert (c["cluster_id"], c["controller"], c["brokers"]) == (cid, controller, brokers), (c, cid, controller, brokers)
        assert sorted(p for _, _, p in c["brokers"]) == sorted(ports), c
        ids.add(c["cluster_id"])
    conn.close()
assert len(ids) == 1, ids
print("DescribeCluster v0-1: every node lists the 3 brokers, controller %d and cluster %s, as Metadata does"
      % (controller, ids.pop()))

# The group APIs go to the group's coordinator: the others answer NOT_COORDINATOR.
group = b"ca-group"
err, node, coord_port = find_coordinator(ports[0], group)
assert err == 0 and coord_port in ports, (err, coord_port)
for port in ports:
    conn = Conn(port)
    if port != coord_port:
        for v in (0, 1, 2):
            assert delete_groups(conn, v, [group]) == {group: NOT_COORDINATOR}
        assert offset_delete(conn, group, {b"logs": [0]}) == (NOT_COORDINATOR, {})
        assert offset_commit(conn, 2, group, [(b"logs", 0, 1)]) == {(b"logs", 0): NOT_COORDINATOR}
        continue
    got = offset_commit(conn, 2, group, [(b"logs", 0, 5), (b"logs", 7, 1), (b"nope", 0, 1)])
    assert got == {(b"logs", 0): NONE, (b"logs", 7): UNKNOWN_TOPIC, (b"nope", 0): UNKNOWN_TOPIC}, got
    assert offset_delete(conn, group, {b"logs": [0], b"nope": [0]}) == (NONE, {(b"logs", 0): NONE, (b"nope", 0): UNKNOWN_TOPIC})
    assert offset_fetch(conn, 1, group, b"logs", [0])[0][0] == -1
    assert delete_groups(conn, 2, [group]) == {group: NONE}
    assert delete_groups(conn, 2, [group]) == {group: GROUP_ID_NOT_FOUND}
    conn.close()
print("group %s: coordinator node %d commits (missing partitions refused), deletes offsets and the group; "
      "the other nodes answer NOT_COORDINATOR" % (group.decode(), node))

# DescribeLogDirs: every node holds a replica of each partition of logs; each partition's leader reports
# the size of its records.
deadline = time.time() + 30
while True:
    sizes = {}
    complete = True
    for port in ports:
        conn = Conn(port)
        top, dirs = describe_log_dirs(conn, 4)
        conn.close()
        assert top == NONE and len(dirs) == 1 and dirs[0]["error"] == NONE, dirs
        held = {tp: s for tp, s in dirs[0]["partitions"].items() if tp[0] == "logs"}
        complete = complete and sorted(held) == [("logs", 0), ("logs", 1), ("logs", 2)]
        for tp, (size, _) in held.items():
            sizes[tp] = max(sizes.get(tp, 0), size)
    if complete and len(sizes) == 3 and all(s > 0 for s in sizes.values()):
        break
    assert time.time() < deadline, ("DescribeLogDirs", sizes)
    time.sleep(0.2)
print("DescribeLogDirs v4: every node holds logs-0..2; largest sizes %s" % sorted(sizes.items()))
