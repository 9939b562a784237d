"""Consumer-group side of cluster_group_failover.sh (confluent-kafka, i.e. librdkafka).

  coordinator PORT GROUP SECONDS     -> "coordinator=N" (FindCoordinator v0, retried while COORDINATOR_NOT_AVAILABLE)
  consume PORTS TOPIC GROUP COUNT OUT [PAUSE] -> consumes COUNT distinct records in group GROUP, committing each one synchronously,
                                         appends "partition offset" lines to OUT, closes; prints
                                         "consumed=N commits_failed=F last=p:o,p:o..." (last acknowledged commits);
                                         PAUSE seconds between records keep it running through a fault
  committed PORTS TOPIC GROUP        -> "p:o,p:o,..." the group's committed offsets
RDKAFKA_DEBUG_FILE=PATH (diagnosis, off by default): librdkafka's cgrp/fetch/broker debug log goes to PATH.
"""
import os
import sys
import time

from kafka_wire import find_coordinator


def coordinator(port, group, seconds):
    err, node, _ = find_coordinator(port, group.encode(), float(seconds))
    print("coordinator=%d" % node if err == 0 else "coordinator=none error=%d" % err)


def consumer(ports, group, **extra):
    from confluent_kafka import Consumer
    conf = {"bootstrap.servers": ",".join("127.0.0.1:%s" % p for p in ports.split(",")), "group.id": group,
            "enable.auto.commit": False, "auto.offset.reset": "earliest", "session.timeout.ms": 10000,
            "topic.metadata.refresh.interval.ms": 1000}
    conf.update(extra)
    if os.environ.get("RDKAFKA_DEBUG_FILE"):  # diagnosis: librdkafka's debug log into a file
        import logging
        log = logging.getLogger("rdkafka")
        log.setLevel(logging.DEBUG)
        h = logging.FileHandler(os.environ["RDKAFKA_DEBUG_FILE"])
        h.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        log.addHandler(h)
        conf["debug"] = "cgrp,fetch,topic,broker,protocol"
        return Consumer(conf, logger=log)
    return Consumer(conf)


def consume(ports, topic, group, count, out, pause="0"):
    from confluent_kafka import KafkaException
    c = consumer(ports, group)
    c.subscribe([topic])
    got = 0
    seen = set()
    failed = 0
    last = {}
    deadline = time.time() + 90
    with open(out, "a") as f:
        while got < int(count) and time.time() < deadline:
            m = c.poll(0.5)
            if m is None or m.error():
                continue
            f.write("%d %d\n" % (m.partition(), m.offset()))
            f.flush()
            if (m.partition(), m.offset()) not in seen:  # redelivered after a rebalance: counted once
                seen.add((m.partition(), m.offset()))
                got += 1
            try:
                c.commit(message=m, asynchronous=False)
                last[m.partition()] = m.offset() + 1
            except KafkaException:
                # The coordinator moved (or the member must rejoin): keep polling, which lets librdkafka find
                # the new coordinator and rejoin; uncommitted records come again from the committed offset.
                failed += 1
            time.sleep(float(pause))
    c.close()
    print("consumed=%d commits_failed=%d last=%s" % (got, failed, ",".join("%d:%d" % kv for kv in sorted(last.items()))))


def committed(ports, topic, group):
    from confluent_kafka import TopicPartition
    c = consumer(ports, group)
    md = c.list_topics(topic, timeout=15)
    parts = [TopicPartition(topic, p) for p in sorted(md.topics[topic].partitions)]
    got = c.committed(parts, timeout=20)
    c.close()
    print(",".join("%d:%d" % (tp.partition, tp.offset) for tp in got))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"coordinator": coordinator, "consume": consume, "committed": committed}[cmd](*args)
