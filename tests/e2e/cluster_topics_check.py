"""Client side of tests/e2e/cluster_topics.sh: kafka-python, confluent-kafka and raw Kafka requests against
a samsa cluster. Each command prints one line for the script to check."""
import struct
import sys
import time

from kafka_wire import (connect, fetch_request, find_coordinator, frame, header, i32, parse_fetch_v4, produce_request,
                        read_response, record_batch, string)


def brokers(port):
    """How many brokers kafka-python and confluent-kafka see through one bootstrap node, and the controller."""
    from confluent_kafka.admin import AdminClient
    from kafka.admin import KafkaAdminClient
    a = KafkaAdminClient(bootstrap_servers="127.0.0.1:%s" % port, request_timeout_ms=10000)
    d = a.describe_cluster()
    a.close()
    md = AdminClient({"bootstrap.servers": "127.0.0.1:%s" % port}).list_topics(timeout=10)
    print("kafka-python=%d confluent=%d controller=%d" % (len(d["brokers"]), len(md.brokers), md.controller_id))


def cluster_id(port):
    from confluent_kafka.admin import AdminClient
    print(AdminClient({"bootstrap.servers": "127.0.0.1:%s" % port}).list_topics(timeout=10).cluster_id)


def create(port, topic, partitions, rf):
    from confluent_kafka.admin import AdminClient, NewTopic
    a = AdminClient({"bootstrap.servers": "127.0.0.1:%s" % port})
    f = a.create_topics([NewTopic(topic, int(partitions), int(rf))], operation_timeout=10)[topic]
    try:
        f.result(timeout=15)
        print("created")
    except Exception as e:  # KafkaException carrying the broker's error
        err = e.args[0]
        print("%s: %s" % (err.name(), err.str()))


def delete(port, topic):
    from kafka.admin import KafkaAdminClient
    a = KafkaAdminClient(bootstrap_servers="127.0.0.1:%s" % port, request_timeout_ms=10000)
    r = a.delete_topics([topic])
    print("deleted" if all(code == 0 for _, code in r.topic_error_codes) else "error %s" % r)


def produce(port, topic, n):
    """n keyed records with acks=all through one bootstrap node; prints how many were acknowledged."""
    from kafka import KafkaProducer
    p = KafkaProducer(bootstrap_servers="127.0.0.1:%s" % port, acks="all", retries=5)
    futures = [p.send(topic, key=b"k%d" % i, value=b"v%d" % i) for i in range(int(n))]
    p.flush(30)
    print("acknowledged=%d" % sum(1 for f in futures if f.succeeded()))


def consume(port, topic, group):
    """Everything in the topic through a consumer group (its coordinator found with FindCoordinator)."""
    from kafka import KafkaConsumer
    c = KafkaConsumer(bootstrap_servers="127.0.0.1:%s" % port, group_id=group, auto_offset_reset="earliest",
                      consumer_timeout_ms=8000, enable_auto_commit=False)
    c.subscribe([topic])
    seen = set()
    for m in c:
        seen.add(m.value)
    c.commit()
    c.close()
    print("distinct=%d" % len(seen))


def produce_raw(port, topic, partition):
    """One Produce v7 straight to this node, whatever leads the partition: the partition's error code."""
    s = connect(int(port))
    s.sendall(produce_request(7, topic.encode(), int(partition), record_batch([b"x"]), acks=1))
    payload = read_response(s)
    s.close()
    # correlation id, [topics: name, [partitions: index, error_code, ...]]
    pos = 4 + 4
    name_len, = struct.unpack_from(">h", payload, pos)
    pos += 2 + name_len + 4 + 4
    code, = struct.unpack_from(">h", payload, pos)
    print("error_code=%d" % code)


def fetch_raw(port, topic, partition):
    """One Fetch v4 straight to this node, whatever leads the partition: the partition's error code."""
    s = connect(int(port))
    s.sendall(fetch_request(8, topic.encode(), int(partition), 0, 1 << 20, 1 << 20))
    _, parts = parse_fetch_v4(read_response(s))
    s.close()
    print("error_code=%d" % parts[0][2])


def _string(payload, pos):
    n, = struct.unpack_from(">h", payload, pos)
    if n < 0:
        return None, pos + 2
    return payload[pos + 2:pos + 2 + n].decode(), pos + 2 + n


def coordinator_check(group, *ports):
    """FindCoordinator v0 through the first node, then OffsetFetch v1 of the group to every node that is
    not the coordinator: "coordinator=N others=<partition error codes>"."""
    g = group.encode()
    err, node, port = find_coordinator(ports[0], g)
    assert err == 0, "FindCoordinator error %d" % err
    codes = []
    for p in ports:
        if int(p) == port:
            continue
        s = connect(int(p))
        s.sendall(frame(header(9, 1, 2) + string(g) + i32(1) + string(b"orders") + i32(1) + i32(0)))
        payload = read_response(s)
        s.close()
        pos = 4 + 4
        _, pos = _string(payload, pos)
        pos += 4 + 4 + 8
        _, pos = _string(payload, pos)
        code, = struct.unpack_from(">h", payload, pos)
        codes.append(str(code))
    print("coordinator=%d others=%s" % (node, ",".join(codes)))


def create_retrying(port, topic, partitions, rf, seconds):
    """Creates through one node, retrying NOT_CONTROLLER while the quorum elects: "created after N ms"."""
    from confluent_kafka.admin import AdminClient, NewTopic
    t0 = time.time()
    last = None
    while time.time() - t0 < float(seconds):
        # A new client each time, as a user retrying would: librdkafka keeps sending admin requests to the
        # controller it last saw (the killed node) until its metadata refresh, minutes later by default.
        a = AdminClient({"bootstrap.servers": "127.0.0.1:%s" % port})
        f = a.create_topics([NewTopic(topic, int(partitions), int(rf))], operation_timeout=3)[topic]
        try:
            f.result(timeout=3)
            print("created after %d ms" % ((time.time() - t0) * 1000))
            return
        except Exception as e:
            last = e
            time.sleep(0.1)
    print("not created: %r" % (last,))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"brokers": brokers, "cluster_id": cluster_id, "create": create, "delete": delete, "produce": produce, "consume": consume,
     "produce_raw": produce_raw, "fetch_raw": fetch_raw, "coordinator_check": coordinator_check, "create_retrying": create_retrying}[cmd](*args)
