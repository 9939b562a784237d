"""Driven by api_versions_walk.sh: PORT. Walks ApiVersions and sends every advertised version of the APIs
issue 12 touched (OffsetCommit, OffsetFetch, FindCoordinator, ListGroups, DescribeLogDirs, DeleteGroups, OffsetDelete,
DescribeCluster, Produce, InitProducerId, CreateTopics, DeleteTopics) a minimal valid request on one connection: each must be answered (a closed connection fails the walk) with the
errors Kafka gives."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from admin_wire import (CREATE_TOPICS, DELETE_GROUPS, DELETE_TOPICS, DESCRIBE_CLUSTER, DESCRIBE_LOG_DIRS, FETCH,
                        FIND_COORDINATOR, INIT_PRODUCER_ID, LIST_GROUPS, LIST_OFFSETS, OFFSET_COMMIT, OFFSET_DELETE, OFFSET_FETCH, PRODUCE, Conn,
                        api_versions, create_topics, delete_groups, delete_topics, describe_cluster, describe_log_dirs,
                        fetch_old, find_coordinator, init_producer_id, list_groups, list_offsets_v0, message_set, offset_commit, offset_delete,
                        offset_fetch, produce, produce_legacy)
from kafka_wire import record_batch

port = int(sys.argv[1])
NONE, CORRUPT_MESSAGE, UNKNOWN_TOPIC, INVALID_REQUEST, INVALID_GROUP_ID = 0, 2, 3, 42, 24
COORDINATOR_NOT_AVAILABLE = 15
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

# Produce v3-11 (v9+ flexible) append a v2 batch each; on the compacted walk-compact a keyless record refuses
# the batch with INVALID_RECORD, and from v8 the answer names the record (KIP-467). No current leader (v10+,
# KIP-951) on a single node.
INVALID_RECORD = 87
assert adv[PRODUCE][1] == 11, adv[PRODUCE]
for v in range(3, adv[PRODUCE][1] + 1):
    got = answered(produce(conn, v, b"walk", 0, record_batch([b"new-v%d" % v])), "Produce v%d" % v)
    assert got == (NONE, end, [], None, None), (v, got)
    end += 1
    err, base, record_errors, message, leader = answered(
        produce(conn, v, b"walk-compact", 0, record_batch([b"no-key"])), "Produce v%d (keyless)" % v)
    assert err == INVALID_RECORD and base == -1 and leader is None, (v, err, base, leader)
    if v >= 8:
        assert record_errors == [(0, "Compacted topic cannot accept message without key in topic partition "
                                     "walk-compact-0")], (v, record_errors)
        assert message.startswith("One or more records have been rejected due to 1 record errors"), (v, message)
print("Produce v3-%d: appended up to %d; a keyless record on a compacted topic is INVALID_RECORD, named from v8"
      % (adv[PRODUCE][1], end))

# InitProducerId v0-5 (v2+ flexible, v3+ the producer's id and epoch: both or neither) hand out fresh ids.
ids = set()
for v in versions(INIT_PRODUCER_ID):
    err, pid, epoch = answered(init_producer_id(conn, v), "InitProducerId v%d" % v)
    assert err == NONE and pid >= 0 and epoch == 0 and pid not in ids, (v, err, pid, epoch)
    ids.add(pid)
    if v >= 3:
        err, again, epoch = answered(init_producer_id(conn, v, pid, 0), "InitProducerId v%d (resume)" % v)
        assert err == NONE and again >= 0 and again not in ids, (v, err, again)
        ids.add(again)
        assert answered(init_producer_id(conn, v, pid, -1), "InitProducerId v%d (half)" % v)[0] == INVALID_REQUEST
print("InitProducerId v%d-%d: %d fresh producer ids" % (adv[INIT_PRODUCER_ID] + (len(ids),)))

# CreateTopics v0-7 (v5+ flexible) create walk-ct-v<N>; from v5 the answer has partitions, replication factor
# and configs, from v7 the topic id. DeleteTopics v0-6 (v4+ flexible) delete them, v6 by topic id; an
# unknown id is UNKNOWN_TOPIC_ID with a null name.
TOPIC_ALREADY_EXISTS, UNKNOWN_TOPIC_ID = 36, 100
topic_ids = {}
for v in versions(CREATE_TOPICS):
    name = b"walk-ct-v%d" % v
    got = answered(create_topics(conn, v, [name], 2, {b"retention.ms": b"123456"}), "CreateTopics v%d" % v)
    t = got[name.decode()]
    assert t["error"] == NONE and t["message"] is None, (v, t)
    if v >= 5:
        assert t["partitions"] == 2 and t["replication"] == 1, (v, t)
        assert t["configs"]["retention.ms"] == "123456" and t["configs"]["cleanup.policy"] == "delete", (v, t)
    if v >= 7:
        assert t["topic_id"] != b"\0" * 16, (v, t)
        topic_ids[name] = t["topic_id"]
    again = answered(create_topics(conn, v, [name], 2), "CreateTopics v%d (again)" % v)[name.decode()]
    assert again["error"] == TOPIC_ALREADY_EXISTS, (v, again)
    if v >= 5:
        assert again["partitions"] == -1 and again["configs"] == {}, (v, again)
print("CreateTopics v%d-%d: created, a second creation TOPIC_ALREADY_EXISTS" % adv[CREATE_TOPICS])
lo, hi = adv[CREATE_TOPICS]
names = [b"walk-ct-v%d" % g for g in range(lo, hi + 1)]
for v in versions(DELETE_TOPICS):
    mine = names[v:v + 1] if v < adv[DELETE_TOPICS][1] else names[v:]  # the last version: the rest, some by id
    if v >= 6:
        by_id = [n for n in mine if n in topic_ids]
        got = answered(delete_topics(conn, v, [n for n in mine if n not in by_id], [topic_ids[n] for n in by_id]),
                       "DeleteTopics v%d" % v)
        assert sorted((n, e) for n, _, e, _ in got) == sorted((n.decode(), NONE) for n in mine), (v, got)
        unknown = b"\x0f" * 16
        got = answered(delete_topics(conn, v, ids=[unknown]), "DeleteTopics v6 (unknown id)")
        assert got == [(None, unknown, UNKNOWN_TOPIC_ID, "This server does not host this topic ID.")], got
    else:
        got = answered(delete_topics(conn, v, mine + [b"walk-nope"]), "DeleteTopics v%d" % v)
        want = [(n.decode(), NONE) for n in mine] + [("walk-nope", UNKNOWN_TOPIC)]
        assert [(n, e) for n, _, e, _ in got] == want, (v, got)
        if v >= 5:
            assert got[-1][3], (v, got)  # an error message
print("DeleteTopics v%d-%d: topics deleted (v6 by id), unknown ones refused" % adv[DELETE_TOPICS])

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

# FindCoordinator: this node coordinates every group in every version; v6 may ask for a share group's
# coordinator (Kafka 3.9: COORDINATOR_NOT_AVAILABLE), an older version may not (INVALID_REQUEST).
for v in versions(FIND_COORDINATOR):
    err, node, host, got_port = answered(find_coordinator(conn, v, b"walk-v0"), "FindCoordinator v%d" % v)
    assert (err, node, host, got_port) == (NONE, 1, "127.0.0.1", port), (v, err, node, host, got_port)
    if v >= 4:
        share = answered(find_coordinator(conn, v, b"walk-share", 2), "FindCoordinator v%d (share)" % v)[0]
        assert share == (COORDINATOR_NOT_AVAILABLE if v >= 6 else INVALID_REQUEST), (v, share)
assert adv[FIND_COORDINATOR][1] == 6, adv[FIND_COORDINATOR]
print("FindCoordinator v%d-%d: node 1; a share group's coordinator is not available (v6), invalid before" %
      adv[FIND_COORDINATOR])

# ListGroups: every version lists the groups committed above; v5 names their type, "classic", and filters by it
# (case-insensitively, as Kafka 3.9): a filter without "classic" lists nothing.
committed = {"walk-v%d" % g for g in versions(OFFSET_COMMIT)}
for v in versions(LIST_GROUPS):
    err, groups = answered(list_groups(conn, v), "ListGroups v%d" % v)
    assert err == NONE and committed <= set(groups), (v, err, groups)
    assert all(k == ("classic" if v >= 5 else None) for _, _, k in groups.values()), (v, groups)
assert adv[LIST_GROUPS][1] == 5, adv[LIST_GROUPS]
assert answered(list_groups(conn, 5, types=[b"consumer"]), "ListGroups v5 (consumer)") == (NONE, {})
err, typed = answered(list_groups(conn, 5, types=[b"share", b"CLASSIC"]), "ListGroups v5 (classic)")
assert err == NONE and committed <= set(typed), typed
err, empty_ones = answered(list_groups(conn, 5, states=[b"empty"], types=[b"classic"]), "ListGroups v5 (Empty)")
assert err == NONE and committed <= set(empty_ones) and {s for _, s, _ in empty_ones.values()} == {"Empty"}, empty_ones
print("ListGroups v%d-%d: %d groups, classic (v5), filtered by type and state" % (adv[LIST_GROUPS] + (len(typed),)))

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
