"""Driven by describe_configs.sh: PORT."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kafka_wire import connect, frame, i8, i16, i32, read_response, string, uvarint

port = int(sys.argv[1])
bootstrap = "127.0.0.1:%d" % port
DYNAMIC_TOPIC, STATIC_BROKER, DEFAULT = 1, 4, 5


def kafka_python():
    from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient
    a = KafkaAdminClient(bootstrap_servers=bootstrap)
    (resp,) = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "cfgt")], include_synonyms=True)
    err, msg, rtype, name, configs = resp.resources[0]
    assert (err, rtype, name) == (0, 2, "cfgt"), resp.resources[0]
    by = {c[0]: c for c in configs}
    topic_count = len(configs)
    assert by["retention.ms"][1:5] == ("123456", False, DYNAMIC_TOPIC, False), by["retention.ms"]
    assert by["retention.ms"][5] == [("retention.ms", "123456", DYNAMIC_TOPIC), ("log.retention.ms", "604800000", DEFAULT)]
    assert by["retention.bytes"][1:4] == ("1000000", False, STATIC_BROKER), by["retention.bytes"]
    assert by["segment.bytes"][1:4] == ("1073741824", False, DEFAULT), by["segment.bytes"]
    assert by["cleanup.policy"][1] == "delete"
    assert set(by) >= {"max.message.bytes", "min.insync.replicas", "segment.ms"}, sorted(by)
    (resp,) = a.describe_configs([ConfigResource(ConfigResourceType.BROKER, "1")])
    err, _, _, name, configs = resp.resources[0]
    assert err == 0 and name == "1", resp.resources[0]
    by = {c[0]: c for c in configs}
    assert by["log.retention.bytes"][1:4] == ("1000000", True, STATIC_BROKER), by["log.retention.bytes"]
    assert by["samsa.native.ssl.key.password"][1] is None and by["samsa.native.ssl.key.password"][4] is True
    (resp,) = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "nope")])
    assert resp.resources[0][0] == 3, resp.resources[0]
    a.close()
    print("kafka-python: %d topic configs, retention.ms DYNAMIC_TOPIC_CONFIG, %d broker configs"
          % (topic_count, len(configs)))


def confluent():
    from confluent_kafka.admin import AdminClient, ConfigResource, ConfigSource
    a = AdminClient({"bootstrap.servers": bootstrap})
    topic = ConfigResource("topic", "cfgt")
    broker = ConfigResource("broker", "1")
    fs = a.describe_configs([topic, broker])
    t = fs[topic].result(timeout=30)
    assert t["retention.ms"].value == "123456" and t["retention.ms"].source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value
    assert t["segment.ms"].source == ConfigSource.DEFAULT_CONFIG.value, t["segment.ms"].source
    assert t["retention.bytes"].source == ConfigSource.STATIC_BROKER_CONFIG.value
    b = fs[broker].result(timeout=30)
    assert b["log.retention.bytes"].value == "1000000" and b["log.retention.bytes"].is_read_only
    assert b["samsa.native.ssl.key.password"].is_sensitive and b["samsa.native.ssl.key.password"].value is None
    missing = ConfigResource("topic", "nope")
    try:
        a.describe_configs([missing])[missing].result(timeout=30)
        raise AssertionError("unknown topic described")
    except Exception as e:
        assert "UNKNOWN_TOPIC" in str(e), e
    print("confluent-kafka: topic and broker configs with sources")


def raw(version, rtype, name, flexible):
    s = connect(port)
    if flexible:
        body = uvarint(2) + i8(rtype) + uvarint(len(name) + 1) + name + uvarint(0) + b"\0" + i8(1) + i8(0) + b"\0"
        hdr = i16(32) + i16(version) + i32(5) + string(b"e2e") + b"\0"
    else:
        body = i32(1) + i8(rtype) + string(name) + i32(-1)
        hdr = i16(32) + i16(version) + i32(5) + string(b"e2e")
    s.sendall(frame(hdr + body))
    r = read_response(s)
    s.close()
    assert r is not None, "DescribeConfigs v%d closed the connection" % version
    pos = 4 + (1 if flexible else 0) + 4  # correlation, header tags, throttle
    pos += 1 if flexible else 4          # result count
    err, = struct.unpack_from(">h", r, pos)
    pos += 2
    if flexible:
        n = r[pos] - 1
        pos += 1 + max(n, 0)
        pos += 1                             # resource type
        pos += r[pos]                        # compact name
        count = r[pos] - 1
    else:
        n, = struct.unpack_from(">h", r, pos)
        pos += 2 + max(n, 0) + 1
        n, = struct.unpack_from(">h", r, pos)
        pos += 2 + n
        count, = struct.unpack_from(">i", r, pos)
    return err, count


kafka_python()
confluent()
assert raw(0, 4, b"7", False) == (42, 0), raw(0, 4, b"7", False)      # another broker: INVALID_REQUEST
assert raw(0, 8, b"1", False)[0] == 42                                # BROKER_LOGGER: not supported
assert raw(0, 2, b"bad/name", False)[0] == 17                         # INVALID_TOPIC_EXCEPTION
err, count = raw(4, 2, b"cfgt", True)
assert err == 0 and count == 13, (err, count)  # every topic-level key (cluster/server_config.cpp)
err, count = raw(4, 4, b"1", True)
assert err == 0 and count > 30, (err, count)
print("raw: v0 errors per resource, v4 (flexible) topic and broker answers")
