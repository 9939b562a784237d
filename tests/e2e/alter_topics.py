"""Driven by alter_topics.sh: PORT [after-restart]."""
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kafka_wire import connect, frame, header, i8, i16, i32, read_response, string, uvarint

port = int(sys.argv[1])
bootstrap = "127.0.0.1:%d" % port
DYNAMIC_TOPIC = 1
INVALID_PARTITIONS, INVALID_REQUEST, INVALID_CONFIG = 37, 42, 40


def topic_configs(admin, name):
    from kafka.admin import ConfigResource, ConfigResourceType
    (resp,) = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
    err, _, _, _, configs = resp.resources[0]
    assert err == 0, resp.resources[0]
    return {c[0]: (c[1], c[3]) for c in configs}  # name -> (value, source)


def log_start(topic, partition):
    from kafka import KafkaConsumer, TopicPartition
    c = KafkaConsumer(bootstrap_servers=bootstrap)
    tp = TopicPartition(topic, partition)
    start, end = c.beginning_offsets([tp])[tp], c.end_offsets([tp])[tp]
    c.close()
    return start, end


def kafka_python():
    from kafka import KafkaProducer
    from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewPartitions
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    # Many small segments in partition 0 (segment.bytes=1024).
    p = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=0, batch_size=200)
    for i in range(200):
        p.send("alt", value=b"v%04d" % i + b"x" * 90, partition=0)
        if i % 20 == 0:
            p.flush()
    p.flush()
    p.close()
    start, end = log_start("alt", 0)
    assert (start, end) == (0, 200), (start, end)
    # AlterConfigs (not incremental) replaces every override: retention.ms goes, retention.bytes comes.
    res = ConfigResource(ConfigResourceType.TOPIC, "alt",
                         configs={"segment.bytes": "1024", "retention.bytes": "2048"})
    resp = a.alter_configs([res])
    assert resp.resources[0][0] == 0, resp.resources
    cfg = topic_configs(a, "alt")
    assert cfg["retention.bytes"] == ("2048", DYNAMIC_TOPIC), cfg["retention.bytes"]
    assert cfg["retention.ms"][1] != DYNAMIC_TOPIC, cfg["retention.ms"]
    # The live partition applied the new retention: old segments are gone, the log start moved.
    deadline = time.time() + 30
    while True:
        start, end = log_start("alt", 0)
        if start > 0 or time.time() > deadline:
            break
        time.sleep(0.2)
    assert start > 100 and end == 200, (start, end)
    # A bad value and a broker resource are refused per resource, nothing changes.
    bad = ConfigResource(ConfigResourceType.TOPIC, "alt", configs={"retention.bytes": "lots"})
    assert a.alter_configs([bad]).resources[0][0] == INVALID_CONFIG
    brk = ConfigResource(ConfigResourceType.BROKER, "1", configs={"log.retention.ms": "1"})
    assert a.alter_configs([brk]).resources[0][0] == INVALID_REQUEST
    assert topic_configs(a, "alt")["retention.bytes"] == ("2048", DYNAMIC_TOPIC)
    # CreatePartitions: grow to 4, then a shrink and the same count are INVALID_PARTITIONS.
    resp = a.create_partitions({"alt": NewPartitions(total_count=4)})
    assert resp.topic_errors[0][1] == 0, resp.topic_errors
    from kafka.errors import InvalidPartitionsError
    for n in (3, 4):
        try:
            resp = a.create_partitions({"alt": NewPartitions(total_count=n)})
            raise AssertionError("%d partitions accepted: %s" % (n, resp))
        except InvalidPartitionsError:
            pass
    resp = a.create_partitions({"alt": NewPartitions(total_count=9)}, validate_only=True)
    assert resp.topic_errors[0][1] == 0, resp.topic_errors
    a.close()
    print("kafka-python: alter_configs replaced the overrides (log start 0 -> %d of 200), create_partitions 2 -> 4"
          % start)


def confluent():
    from confluent_kafka import Consumer, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions
    a = AdminClient({"bootstrap.servers": bootstrap})
    res = ConfigResource("topic", "alt", set_config={"segment.bytes": "1024", "retention.bytes": "2048",
                                                      "max.message.bytes": "500000"})
    a.alter_configs([res])[res].result(timeout=30)
    t = a.describe_configs([ConfigResource("topic", "alt")])
    t = list(t.values())[0].result(timeout=30)
    assert t["max.message.bytes"].value == "500000" and t["max.message.bytes"].source == DYNAMIC_TOPIC
    only = ConfigResource("topic", "alt2", set_config={"retention.ms": "1000"})
    a.alter_configs([only], validate_only=True)[only].result(timeout=30)
    t2 = list(a.describe_configs([ConfigResource("topic", "alt2")]).values())[0].result(timeout=30)
    assert t2["retention.ms"].source != DYNAMIC_TOPIC, "validate_only changed alt2"
    fs = a.create_partitions([NewPartitions("alt", 6)])
    fs["alt"].result(timeout=30)
    try:
        a.create_partitions([NewPartitions("alt", 5)])["alt"].result(timeout=30)
        raise AssertionError("shrinking accepted")
    except Exception as e:
        assert "INVALID_PARTITIONS" in str(e), e
    # The new partitions are produceable and consumable.
    p = Producer({"bootstrap.servers": bootstrap, "topic.metadata.refresh.interval.ms": 500})
    for part in (4, 5):
        for i in range(10):
            p.produce("alt", value=b"new-%d-%d" % (part, i), partition=part)
    assert p.flush(30) == 0
    print("confluent-kafka: alter_configs, validate_only, create_partitions 4 -> 6, produced to 4 and 5")


def consume_new():
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "alt-check", "enable.auto.commit": False})
    c.assign([TopicPartition("alt", 5, 0)])
    got = []
    deadline = time.time() + 30
    while len(got) < 10 and time.time() < deadline:
        m = c.poll(1.0)
        if m is not None and not m.error():
            got.append(m.value())
    c.close()
    assert got == [b"new-5-%d" % i for i in range(10)], got
    print("read back the 10 records of new partition 5")


def incremental(version):
    """IncrementalAlterConfigs over raw TCP (confluent-kafka 1.7 and kafka-python 2.0.2 have no call for it)."""
    flex = version >= 1

    def s(x):
        return uvarint(len(x) + 1) + x if flex else string(x)

    def arr(n):
        return uvarint(n + 1) if flex else i32(n)

    def tags():
        return b"\0" if flex else b""

    def entry(name, op, value):
        v = (uvarint(0) if flex else i16(-1)) if value is None else s(value)
        return s(name) + i8(op) + v + tags()

    def send(entries, validate_only=False):
        body = arr(1) + i8(2) + s(b"alt2") + arr(len(entries)) + b"".join(entries) + tags()
        body += i8(1 if validate_only else 0) + tags()
        hdr = header(44, version, 9) + tags()
        sock = connect(port)
        sock.sendall(frame(hdr + body))
        r = read_response(sock)
        sock.close()
        assert r is not None, "IncrementalAlterConfigs v%d closed the connection" % version
        pos = 4 + (1 if flex else 0) + 4 + (1 if flex else 4)
        err, = struct.unpack_from(">h", r, pos)
        return err

    assert send([entry(b"retention.ms", 0, b"3600000"), entry(b"segment.bytes", 0, b"4096")]) == 0
    assert send([entry(b"segment.bytes", 1, None), entry(b"cleanup.policy", 2, b"delete")]) == 0
    assert send([entry(b"retention.ms", 2, b"5")]) == INVALID_CONFIG
    assert send([entry(b"retention.ms", 9, b"5")]) == INVALID_REQUEST
    assert send([entry(b"retention.ms", 0, b"77")], validate_only=True) == 0
    from kafka.admin import KafkaAdminClient
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    cfg = topic_configs(a, "alt2")
    a.close()
    assert cfg["retention.ms"] == ("3600000", DYNAMIC_TOPIC), cfg["retention.ms"]
    assert cfg["segment.bytes"][1] != DYNAMIC_TOPIC, cfg["segment.bytes"]
    assert cfg["cleanup.policy"] == ("delete", DYNAMIC_TOPIC), cfg["cleanup.policy"]
    # Back to no overrides for the next version's run.
    assert send([entry(b"retention.ms", 1, None), entry(b"cleanup.policy", 1, None)]) == 0
    print("IncrementalAlterConfigs v%d: set, delete, append; APPEND on a scalar INVALID_CONFIG" % version)


def raw_flexible():
    """AlterConfigs v2 and CreatePartitions v2-3 (flexible; no client above sends them) over raw TCP."""
    def cs(x):
        return uvarint(len(x) + 1) + x

    def call(key, version, body):
        sock = connect(port)
        sock.sendall(frame(header(key, version, 11) + b"\0" + body))
        r = read_response(sock)
        sock.close()
        assert r is not None, "API %d v%d closed the connection" % (key, version)
        return r

    # AlterConfigs v2: alt2's overrides become exactly retention.ms=7777.
    body = uvarint(2) + i8(2) + cs(b"alt2") + uvarint(2) + cs(b"retention.ms") + cs(b"7777") + b"\0" + b"\0"
    r = call(33, 2, body + i8(0) + b"\0")
    err, = struct.unpack_from(">h", r, 4 + 1 + 4 + 1)
    assert err == 0, err
    # CreatePartitions v3 with a manual assignment on broker 1 (validate only), then v2 for real: 1 -> 2.
    def grow(version, count, validate_only, assignment):
        a = uvarint(0) if assignment is None else uvarint(2) + uvarint(2) + i32(assignment) + b"\0"
        body = uvarint(2) + cs(b"alt2") + i32(count) + a + b"\0" + i32(30000) + i8(1 if validate_only else 0) + b"\0"
        r = call(37, version, body)
        pos = 4 + 1 + 4 + 1
        n = r[pos] - 1
        pos += 1 + n
        return struct.unpack_from(">h", r, pos)[0]
    assert grow(3, 2, True, 1) == 0
    assert grow(3, 2, True, 9) == 39  # INVALID_REPLICA_ASSIGNMENT: no broker 9
    assert grow(2, 2, False, None) == 0
    assert grow(2, 2, False, None) == INVALID_PARTITIONS
    from kafka.admin import KafkaAdminClient
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    cfg = topic_configs(a, "alt2")
    a.close()
    assert cfg["retention.ms"] == ("7777", DYNAMIC_TOPIC), cfg["retention.ms"]
    print("AlterConfigs v2 and CreatePartitions v2-v3 (flexible) over TCP")


if len(sys.argv) > 2 and sys.argv[2] == "after-restart":
    consume_new()
    start, end = log_start("alt", 0)
    assert start > 100 and end == 200, (start, end)
    print("after restart: 6 partitions, retention kept (log start %d)" % start)
else:
    kafka_python()
    confluent()
    consume_new()
    incremental(0)
    incremental(1)
    raw_flexible()
