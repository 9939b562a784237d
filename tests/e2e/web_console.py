"""Driven by web_console.sh (run with /usr/bin/python3, kafka-python 2.0.2).

produce BOOTSTRAP TOPIC: writes the records the record browser must show on partition 0: a text value with a
  key and two headers, a binary value (not UTF-8: shown as hex) and a record with a null key.
group BOOTSTRAP TOPIC GROUP OFFSET: joins GROUP subscribed to TOPIC, commits OFFSET on every partition it is
  assigned, prints "committed N" (N partitions) and stays a member (polling, never committing again) until
  it is killed or 300 s pass, so the group is Stable with a member and lag = end - OFFSET per partition.
"""
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata


def produce(bootstrap, topic):
    p = KafkaProducer(bootstrap_servers=bootstrap, acks="all", retries=5)
    p.send(topic, partition=0, key=b"browse-key", value="hello console \u00e9".encode(),
           headers=[("trace", b"abc123"), ("bin", b"\x00\x02")]).get(timeout=30)
    p.send(topic, partition=0, key=b"binary", value=b"\x00\x01\xff").get(timeout=30)
    p.send(topic, partition=0, key=None, value=b"no key here").get(timeout=30)
    p.flush()
    p.close()
    print("produced 3")


def group(bootstrap, topic, group_id, offset):
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group_id, enable_auto_commit=False,
                      auto_offset_reset="earliest", client_id="console-test")
    c.subscribe([topic])
    deadline = time.time() + 60
    while not c.assignment():
        if time.time() > deadline:
            sys.exit("no assignment within 60 s")
        c.poll(timeout_ms=500)
    parts = sorted(c.assignment(), key=lambda tp: tp.partition)
    c.commit({tp: OffsetAndMetadata(offset, None) for tp in parts})
    print("committed %d" % len(parts), flush=True)
    end = time.time() + 300
    while time.time() < end:
        c.poll(timeout_ms=500)


if __name__ == "__main__":
    if sys.argv[1] == "produce":
        produce(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "group":
        group(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        sys.exit("usage: web_console.py produce|group ...")
