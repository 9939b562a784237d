"""Client side of tests/e2e/cluster_replication*.sh and confluent_kafka_roundtrip.sh: an idempotent acks=all librdkafka producer (confluent-kafka)
whose acknowledgements are written down, and a reader that checks every acknowledged record is in the log
exactly once, at the offset it was acknowledged with, in order per partition. Each command prints one line."""
import json
import os
import sys
import time


def create(port, topic, partitions, rf, min_isr=None):
    """min_isr: the topic's min.insync.replicas; the broker's default without it."""
    from confluent_kafka.admin import AdminClient, NewTopic
    a = AdminClient({"bootstrap.servers": "127.0.0.1:%s" % port})
    t = NewTopic(topic, int(partitions), int(rf), config={"min.insync.replicas": str(min_isr)} if min_isr else {})
    f = a.create_topics([t], operation_timeout=10)[topic]
    try:
        f.result(timeout=15)
        print("created")
    except Exception as e:
        err = e.args[0]
        print("%s: %s" % (err.name(), err.str()))


def produce(ports, topic, seconds, acked_file, first_value, timeout_ms=60000, prefix=""):
    """Writes for `seconds` (values prefix + first_value, first_value+1, ...; idempotent, acks=all, each record
    given up after timeout_ms), appending each acknowledgement (value, partition, offset, time, time produced)
    to acked_file. Prints the counts and the longest time without an acknowledgement while writing. (verify
    skips values with a prefix: for writes expected to fail, which may be in the log all the same.)"""
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": ",".join("127.0.0.1:%s" % x for x in ports.split(",")),
                  "enable.idempotence": True, "acks": "all", "linger.ms": 5,
                  "message.timeout.ms": int(timeout_ms), "request.timeout.ms": 10000,
                  "topic.metadata.refresh.interval.ms": 1000, "retry.backoff.ms": 50,
                  **({"debug": os.environ["SAMSA_RDKAFKA_DEBUG"]} if os.environ.get("SAMSA_RDKAFKA_DEBUG") else {})})
    acked, failed, produced = [], [], {}

    def done(err, msg):
        if err is None:
            v = int(msg.value()[len(prefix):])
            acked.append((v, msg.partition(), msg.offset(), time.time(), produced[v]))
        else:
            failed.append((msg.value(), err.name()))

    value = int(first_value)
    end = time.time() + float(seconds)
    while time.time() < end:
        try:
            produced[value] = time.time()
            p.produce(topic, key=b"k%d" % (value % 97), value=prefix.encode() + b"%d" % value, on_delivery=done)
            value += 1
        except BufferError:
            pass
        p.poll(0.002)
    p.flush(70)
    with open(acked_file, "a") as f:
        for a in acked:
            f.write(json.dumps(a) + "\n")
    times = sorted(a[3] for a in acked)
    gap = max((b - a for a, b in zip(times, times[1:])), default=0.0)
    errs = sorted(set(e for _, e in failed))
    print("sent=%d acknowledged=%d failed=%d max_gap_ms=%d errors=%s"
          % (value - int(first_value), len(acked), len(failed), int(gap * 1000), ",".join(errs) or "-"))


def produce_refused(port, topic, n):
    """n acks=all records that must all be refused (too few in-sync replicas): prints the error names."""
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": "127.0.0.1:%s" % port, "acks": "all", "message.timeout.ms": 8000,
                  "retries": 0})
    out = []
    for i in range(int(n)):
        p.produce(topic, value=b"refused%d" % i, on_delivery=lambda err, msg: out.append(err.name() if err else "ok"))
    p.flush(20)
    print("results=%s" % ",".join(sorted(set(out))))


def verify(ports, topic, acked_file):
    """Reads every partition from the start to its end through the given nodes and checks the acknowledged
    records: each read once, at its acknowledged offset; values in one partition increasing (one producer)."""
    from confluent_kafka import Consumer, TopicPartition
    acked = {}
    with open(acked_file) as f:
        for line in f:
            v, part, off = json.loads(line)[:3]  # then the time; bench/cluster_replication.sh adds the broker
            acked[v] = (part, off)
    c = Consumer({"bootstrap.servers": ",".join("127.0.0.1:%s" % x for x in ports.split(",")),
                  "group.id": "verify-%d" % time.time(), "enable.auto.commit": False,
                  "auto.offset.reset": "earliest", "topic.metadata.refresh.interval.ms": 1000})
    md = c.list_topics(topic, timeout=15)
    parts = sorted(md.topics[topic].partitions)
    ends = {}
    for p in parts:
        lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=15)
        ends[p] = hi
    c.assign([TopicPartition(topic, p, 0) for p in parts])
    seen = {}
    where = {}
    done = set(p for p in parts if ends[p] == 0)
    deadline = time.time() + 60
    problems = []
    while len(done) < len(parts) and time.time() < deadline:
        m = c.poll(0.5)
        if m is None or m.error():
            continue
        if not m.value().isdigit():
            # A write whose outcome the client never learned (timed out, e.g. "refused3" with too few
            # replicas) may be in the log: legal, and not one of the acknowledged values checked here.
            if m.offset() + 1 >= ends[m.partition()]:
                done.add(m.partition())
            continue
        v = int(m.value())
        seen[v] = seen.get(v, 0) + 1
        if v in where and where[v] != (m.partition(), m.offset()):
            problems.append("duplicate %d at %s and %s" % (v, where[v], (m.partition(), m.offset())))
        where[v] = (m.partition(), m.offset())
        if m.offset() + 1 >= ends[m.partition()]:
            done.add(m.partition())
    c.close()
    lost = [v for v in acked if v not in where]
    moved = [v for v in acked if v in where and where[v] != acked[v]]
    order = []
    by_part = {}
    for v, (p, o) in where.items():
        by_part.setdefault(p, []).append((o, v))
    for p, rows in by_part.items():
        rows.sort()
        vals = [v for _, v in rows]
        if any(b <= a for a, b in zip(vals, vals[1:])):
            order.append(p)
    print("acknowledged=%d read=%d lost=%d moved=%d duplicates=%d out_of_order_partitions=%d"
          % (len(acked), len(where), len(lost), len(moved), sum(1 for n in seen.values() if n > 1) + len(problems),
             len(order)))
    if lost:
        print("lost examples: %s" % sorted(lost)[:10], file=sys.stderr)
    if moved:
        print("moved examples: %s" % [(v, acked[v], where[v]) for v in sorted(moved)[:10]], file=sys.stderr)


def resumed(acked_file, fault_ms):
    """The time from a fault (unix ms) to the first acknowledgement after it, of any partition and of every
    partition (the partition that waited longest named)."""
    first = {}
    for line in open(acked_file):
        p, t = json.loads(line)[1:4:2]
        if t * 1000 >= int(fault_ms):
            first[p] = min(first.get(p, t), t)
    if not first:
        print("no acknowledgement after the fault")
        return
    last = max(first, key=first.get)
    print("first acknowledgement %d ms after the fault; on every partition (%d) after %d ms (partition %d last)"
          % (min(first.values()) * 1000 - int(fault_ms), len(first), first[last] * 1000 - int(fault_ms), last))


def acked_during(acked_file, from_ms, to_ms):
    """The acknowledgements received before to_ms (unix ms) of records produced at or after from_ms."""
    n = 0
    for line in open(acked_file):
        t, sent = json.loads(line)[3:5]
        n += sent * 1000 >= int(from_ms) and t * 1000 < int(to_ms)
    print("acknowledged=%d" % n)


def fetch_epoch(port, topic, partition, epoch):
    """The error code of a Fetch v11 naming `epoch` as the partition's current leader epoch (KIP-320)."""
    from kafka_wire import connect
    from leader_epochs import fetch_v11_error
    s = connect(int(port))
    print("error_code=%d" % fetch_v11_error(s, 1, int(epoch), topic.encode(), int(partition)))
    s.close()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    globals()[cmd](*args)
