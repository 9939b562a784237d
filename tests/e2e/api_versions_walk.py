"""Driven by api_versions_walk.sh: PORT. Walks ApiVersions and sends every advertised version of the APIs
issue 12 touched (OffsetCommit, OffsetFetch, DescribeLogDirs, DeleteGroups, OffsetDelete, DescribeCluster) a
minimal valid request on one connection: each must be answered (a closed connection fails the walk) with the
errors Kafka gives."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from admin_wire import (DELETE_GROUPS, DESCRIBE_CLUSTER, DESCRIBE_LOG_DIRS, FETCH, LIST_OFFSETS, OFFSET_COMMIT,
                        OFFSET_DELETE, OFFSET_FETCH, PRODUCE, Conn, api_versions, delete_groups, describe_cluster,
                        describe_log_dirs, fetch_old, list_offsets_v0, message_set, offset_commit, offset_delete,
                        offset_fetch, produce_legacy)

port = int(sys.argv[1])
NONE, CORRUPT_MESSAGE, UNKNOWN_TOPIC, INVALID_REQUEST, INVALID_GROUP_ID = 0, 2, 3, 42, 24
GROUP_ID_NOT_FOUND, MISMATCHED_ENDPOINT, UNSUPPORTED_ENDPOINT = 69, 114, 115
conn = Conn(port)
adv = api_versions(conn)
for key in (OFFSET_COMMIT, OFFSET_FETCH, DESCRIBE_LOG_DIRS, DELETE_GROUPS, OFFSET_DELETE, DESCRIBE_CLUSTER):
    assert key in adv, "API %d not advertised" % key
sent = 0


def versions(key):
    lo, hi = adv[key]
    return range(lo, hi + 1)


def answered(x, what):
    global sent
    sent += 1
    assert x is not None, "%s: the broker closed the connection" % what
    return x


# Produce v0-2 (old message sets, magic 0 for v0-1 and 1 for v2) are converted and appended; a bad CRC is
# CORRUPT_MESSAGE on a connection that stays open. Fetch v0-3 read them back (as v2 batches, which every
# client we serve decodes by magic), ListOffsets v0 answers an offset array.
assert adv[PRODUCE][0] == 0 and adv[FETCH][0] == 0 and adv[LIST_OFFSETS][0] == 0, adv
end = 50  # the shell script produced 50 records to walk-0
for v in range(0, 3):
    magic = 0 if v < 2 else 1
    got = answered(produce_legacy(conn, v, b"walk", 0, message_set([b"old-v%d-%d" % (v, i) for i in range(3)], magic)),
                   "Produce v%d" % v)
    assert got == (NONE, end), (v, got)
    end += 3
    bad = answered(produce_legacy(conn, v, b"walk", 0, message_set([b"bad"], magic, corrupt=True)),
                   "Produce v%d (bad CRC)" % v)
    assert bad[0] == CORRUPT_MESSAGE, (v, bad)
for v in range(0, 4):
    err, hw, data = answered(fetch_old(conn, v, b"walk", 0, 50), "Fetch v%d" % v)
    assert err == NONE and hw == end, (v, err, hw)
    assert b"old-v0-0" in data and b"old-v2-2" in data and data[16] == 2, (v, data[:20])
assert answered(list_offsets_v0(conn, b"walk", 0, -1), "ListOffsets v0") == (NONE, [end])
assert answered(list_offsets_v0(conn, b"walk", 0, -2), "ListOffsets v0") == (NONE, [0])
assert list_offsets_v0(conn, b"nope", 0, -1) == (UNKNOWN_TOPIC, [])
print("Produce v0-2 (message sets converted, bad CRC refused), Fetch v0-3 and ListOffsets v0 answered; end %d" % end)

# OffsetCommit: every version commits to an existing partition; a missing partition or topic is refused.
for v in versions(OFFSET_COMMIT):
    group = b"walk-v%d" % v
    got = answered(offset_commit(conn, v, group, [(b"walk", 0, 100 + v), (b"walk", 99, 1), (b"nope", 0, 1)]),
                   "OffsetCommit v%d" % v)
    assert got == {(b"walk", 0): NONE, (b"walk", 99): UNKNOWN_TOPIC, (b"nope", 0): UNKNOWN_TOPIC}, (v, got)
    for fv in versions(OFFSET_FETCH):
        f = answered(offset_fetch(conn, fv, group, b"walk", [0, 99]), "OffsetFetch v%d" % fv)
        assert f[0] == (100 + v, NONE) and f[99][0] == -1 and f[None] == NONE, (v, fv, f)
print("OffsetCommit v%d-%d and OffsetFetch v%d-%d: every version answered; unknown partitions refused"
      % (adv[OFFSET_COMMIT] + adv[OFFSET_FETCH]))

# DescribeLogDirs: the log directory holds walk-0 (records produced) and walk-1; a partition it does not
# hold is left out.
for v in versions(DESCRIBE_LOG_DIRS):
    top, dirs = answered(describe_log_dirs(conn, v), "DescribeLogDirs v%d" % v)
    assert top == NONE and len(dirs) == 1 and dirs[0]["error"] == NONE, (v, top, dirs)
    d = dirs[0]
    assert os.path.isabs(d["dir"]), d["dir"]
    assert d["partitions"][("walk", 0)][0] > 0, d["partitions"]
    assert ("walk", 1) in d["partitions"], d["partitions"]
    assert (d["total"] > 0 and 0 <= d["usable"] <= d["total"]) if v >= 4 else d["total"] == -1, d
    _, named = answered(describe_log_dirs(conn, v, {b"walk": [1, 99]}), "DescribeLogDirs v%d (named)" % v)
    assert list(named[0]["partitions"]) == [("walk", 1)], named
print("DescribeLogDirs v%d-%d: %s holds walk-0 (%d bytes)" % (adv[DESCRIBE_LOG_DIRS] + (d["dir"], d["partitions"][("walk", 0)][0])))

# DescribeCluster: this broker, its cluster id; controllers are not described by a broker.
for v in versions(DESCRIBE_CLUSTER):
    c = answered(describe_cluster(conn, v), "DescribeCluster v%d" % v)
    assert c["error"] == NONE and c["message"] is None, c
    assert c["brokers"] == [(1, "127.0.0.1", port)] and c["controller"] == 1 and c["cluster_id"], c
    assert c["ops"] == -2147483648, c
    if v >= 1:
        assert c["endpoint_type"] == 1, c
        assert answered(describe_cluster(conn, v, 2), "DescribeCluster v1 controllers")["error"] == MISMATCHED_ENDPOINT
        assert answered(describe_cluster(conn, v, 7), "DescribeCluster v1 type 7")["error"] == UNSUPPORTED_ENDPOINT
print("DescribeCluster v%d-%d: cluster %s, brokers %s" % (adv[DESCRIBE_CLUSTER] + (c["cluster_id"], c["brokers"])))
print("cluster_id=%s" % c["cluster_id"])

# OffsetDelete: walk-v7's offset of walk-0 goes, a missing topic is refused, an unknown group is not found.
for v in versions(OFFSET_DELETE):
    last = b"walk-v%d" % adv[OFFSET_COMMIT][1]
    err, parts = answered(offset_delete(conn, last, {b"walk": [0], b"nope": [0]}), "OffsetDelete v%d" % v)
    assert err == NONE and parts == {(b"walk", 0): NONE, (b"nope", 0): UNKNOWN_TOPIC}, (err, parts)
    assert offset_fetch(conn, 1, last, b"walk", [0])[0][0] == -1
    err, parts = answered(offset_delete(conn, b"walk-never", {b"walk": [0]}), "OffsetDelete unknown group")
    assert err == GROUP_ID_NOT_FOUND and parts == {}, (err, parts)
print("OffsetDelete v%d-%d: offsets deleted, unknown topic and group refused" % adv[OFFSET_DELETE])

# DeleteGroups: each version deletes groups committed above; a second delete and an empty id are errors.
lo, hi = adv[OFFSET_COMMIT]
for v in versions(DELETE_GROUPS):
    groups = [b"walk-v%d" % g for g in range(lo, hi + 1) if g % 3 == v]
    got = answered(delete_groups(conn, v, groups + [b"walk-never", b""]), "DeleteGroups v%d" % v)
    want = {g: NONE for g in groups}
    want.update({b"walk-never": GROUP_ID_NOT_FOUND, b"": INVALID_GROUP_ID})
    assert got == want, (v, got)
    assert answered(delete_groups(conn, v, groups[:1]), "DeleteGroups again") == {groups[0]: GROUP_ID_NOT_FOUND}
    assert offset_fetch(conn, 1, groups[0], b"walk", [0])[0][0] == -1
print("DeleteGroups v%d-%d: groups deleted with their offsets, unknown ones not found" % adv[DELETE_GROUPS])
print("walk: %d requests, none closed the connection" % sent)
