#!/usr/bin/env python3
"""kafka-python group consumer for tests/e2e/group_kafka_python.sh (run with /usr/bin/python3).

  consume BOOTSTRAP GROUP TOPIC RECORDS_FILE [--idle S]
      KafkaConsumer with group_id, enable_auto_commit=False, auto_offset_reset=earliest. Appends every record
      as `partition offset value` to RECORDS_FILE and commits synchronously (consumer.commit()) after each
      poll batch. Ends once it has had an assignment and then --idle seconds passed without a record (bounded:
      120 s overall), closes (LeaveGroup) and prints one line: `records N join_ms T partitions 0,1,2`.
  member BOOTSTRAP GROUP TOPIC READY_FILE
      stays in the group, polling and committing, until SIGTERM (bounded: 300 s); writes READY_FILE
      (`member MEMBER_ID partitions ...`) once it has an assignment; closes cleanly on SIGTERM.
"""
import argparse
import signal
import sys
import time

from kafka import KafkaConsumer


def make_consumer(a, client_id):
    return KafkaConsumer(
        a.topic,
        bootstrap_servers=a.bootstrap,
        group_id=a.group,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=6000,
        heartbeat_interval_ms=500,
        max_poll_records=500,
        request_timeout_ms=30000,
        consumer_timeout_ms=1000,
    )


def member_id(consumer):
    try:
        return consumer._coordinator._generation.member_id
    except AttributeError:
        return "?"


def cmd_consume(a):
    t0 = time.time()
    consumer = make_consumer(a, "py-consume")
    join_ms = None
    last = None
    n = 0
    with open(a.records, "a") as out:
        while time.time() - t0 < 120:
            batch = consumer.poll(timeout_ms=200)
            if consumer.assignment() and join_ms is None:
                join_ms = int((time.time() - t0) * 1000)
                last = time.time()
            got = 0
            for tp, records in batch.items():
                for r in records:
                    out.write("%d %d %s\n" % (r.partition, r.offset, r.value.decode()))
                    got += 1
            if got:
                out.flush()
                consumer.commit()  # synchronous: the positions after this batch
                n += got
                last = time.time()
            if last is not None and time.time() - last > a.idle:
                break
    parts = sorted(tp.partition for tp in consumer.assignment())
    consumer.close()  # LeaveGroup
    if join_ms is None:
        print("never assigned within 120 s", file=sys.stderr)
        return 1
    print("records %d join_ms %d partitions %s" % (n, join_ms, ",".join(map(str, parts)) or "-"))
    return 0


def cmd_member(a):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    t0 = time.time()
    consumer = make_consumer(a, "py-member")
    ready = False
    while not stop and time.time() - t0 < 300:
        batch = consumer.poll(timeout_ms=200)
        if any(batch.values()):
            consumer.commit()
        if not ready and consumer.assignment():
            with open(a.ready, "w") as f:
                f.write("member %s partitions %s\n"
                        % (member_id(consumer), ",".join(str(tp.partition) for tp in sorted(consumer.assignment()))))
            ready = True
    consumer.close()
    return 0 if stop else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("consume", "member"):
        s = sub.add_parser(name)
        s.add_argument("bootstrap")
        s.add_argument("group")
        s.add_argument("topic")
        if name == "consume":
            s.add_argument("records")
            s.add_argument("--idle", type=float, default=3.0)
        else:
            s.add_argument("ready")
    a = ap.parse_args()
    return cmd_consume(a) if a.cmd == "consume" else cmd_member(a)


if __name__ == "__main__":
    sys.exit(main())
