#!/usr/bin/env python3
"""Checks for the consumer-group end-to-end tests (tests/e2e/group_*.sh).

Reads the files written by tests/clients/group_consumer.cpp: per member an events log (stdout, lines
`<ms> NAME KIND key=value ...`) and a records file (lines `partition offset value`), and the output of
`samsa groups describe GROUP`.

  stable   EVENTS... --members m1,m2 --partitions P [--since MS] [--after-gen G]
           the latest generation (of events at or after --since, above --after-gen) has ASSIGNED events from
           exactly these members, disjoint and covering partitions 0..P-1: prints "GEN MAX_TS", exit 0; else 1.
           --strict: exit 2 if, since --since (one broker epoch), a generation assigned a partition twice or two
           clients reported the same member id
  latest-gen EVENTS... [--since MS]      prints the latest generation seen (0 if none)
  describe FILE                          parses `samsa groups describe`: prints "state members committed lag"
                                         (committed: partitions with a committed offset; lag: the sum of the
                                         LAG column, a partition without a committed offset counting its
                                         log end offset)
  lag-zero FILE --partitions P           exit 0 iff all P partitions have a committed offset equal to the log end
  seen     RECORDS...                    prints the number of distinct values in the records files
  resume   --describe FILE RECORDS:LINES...
           every record after the first LINES lines of each records file has an offset >= the committed offset
           of its partition in FILE (a snapshot taken before): consumption resumed from committed offsets
  assignments EVENTS... --partitions P [--epochs MS,...]
           prints every generation's assignment; fails if a partition was assigned to two members in one
           generation or one member id was used by two clients in one broker epoch
  verify   --events E... --records R... --expect N --partitions P [--epochs MS,MS...]
           all N values v000001..vN seen (none missing), duplicates counted, (partition, offset) -> value
           consistent, and the assignments check above. --epochs are broker
           start times: generation numbers restart when the broker forgets its groups, so generations are
           keyed by (epoch, gen).
"""
import argparse
import sys


def parse_events(paths, since=None):
    """[(ts, name, kind, {k: v})] sorted by time."""
    out = []
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 3 or not parts[0].isdigit():
                    continue
                ts, name, kind = int(parts[0]), parts[1], parts[2]
                if since is not None and ts < since:
                    continue
                kv = {}
                for p in parts[3:]:
                    if "=" in p:
                        k, v = p.split("=", 1)
                        kv[k] = v
                out.append((ts, name, kind, kv))
    out.sort(key=lambda e: e[0])
    return out


def partitions_of(s):
    return [] if s in ("-", "") else [int(x) for x in s.split(",")]


def generations(events, epochs=()):
    """{(epoch, gen): {member_name: (ts, [partitions])}} from ASSIGNED events."""
    gens = {}
    for ts, name, kind, kv in events:
        if kind != "ASSIGNED":
            continue
        epoch = sum(1 for e in epochs if ts >= e)
        key = (epoch, int(kv.get("gen", "-1")))
        gens.setdefault(key, {})[name] = (ts, partitions_of(kv.get("partitions", "-")))
    return gens


def owners_problem(assigned, partitions, need_cover):
    """None if no partition is assigned twice (and, with need_cover, all are assigned), else a message."""
    owner = {}
    for name, (_, parts) in assigned.items():
        for p in parts:
            if p in owner:
                return "partition %d assigned to both %s and %s" % (p, owner[p], name)
            owner[p] = name
    if need_cover and sorted(owner) != list(range(partitions)):
        return "partitions assigned: %s, expected 0..%d" % (sorted(owner), partitions - 1)
    return None


def conflicts(events):
    """Problems no waiting can repair: a partition assigned to two members in one generation, or one member
    id reported by two clients (all events are from one broker epoch)."""
    out = []
    for key, assigned in sorted(generations(events).items()):
        problem = owners_problem(assigned, 1 << 30, False)
        if problem:
            out.append("generation %d: %s" % (key[1], problem))
    holders = {}
    for ts, name, kind, kv in events:
        if kind == "ASSIGNED" and "member" in kv:
            holders.setdefault(kv["member"], set()).add(name)
    for member, names in sorted(holders.items()):
        if len(names) > 1:
            out.append("member id %s used by %s" % (member, ", ".join(sorted(names))))
    return out


def cmd_stable(a):
    if a.strict:
        problems = conflicts(parse_events(a.events, a.since))
        if problems:
            for p in problems:
                print("CONFLICT: " + p, file=sys.stderr)
            return 2
    gens = generations(parse_events(a.events, a.since))
    gens = {k: v for k, v in gens.items() if k[1] > a.after_gen}
    if not gens:
        return 1
    latest = max(gens)
    assigned = gens[latest]
    if sorted(assigned) != sorted(a.members.split(",")):
        return 1
    if owners_problem(assigned, a.partitions, True):
        return 1
    print(latest[1], max(ts for ts, _ in assigned.values()))
    return 0


def cmd_latest_gen(a):
    gens = generations(parse_events(a.events, a.since))
    print(max(g for _, g in gens) if gens else 0)
    return 0


def parse_describe(path):
    """(state, members, {partition: (committed or None, log_end, lag or None, owner)})"""
    state, members, rows = "?", -1, {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if parts[0] == "Group":
                state = parts[parts.index("state") + 1]
                members = int(parts[parts.index("members") + 1])
            elif len(parts) >= 6 and parts[1].isdigit():
                cur = None if parts[2] == "-" else int(parts[2])
                lag = None if parts[4] == "-" else int(parts[4])
                rows[int(parts[1])] = (cur, int(parts[3]), lag, parts[5])
    return state, members, rows


def cmd_describe(a):
    state, members, rows = parse_describe(a.file)
    committed = [r for r in rows.values() if r[0] is not None]
    # A partition without a committed offset lags by its whole log (the topics here start at offset 0).
    lag = sum(r[2] if r[2] is not None else r[1] for r in rows.values())
    print(state, members, len(committed), lag)
    return 0


def cmd_lag_zero(a):
    _, _, rows = parse_describe(a.file)
    ok = all(p in rows and rows[p][0] is not None and rows[p][0] == rows[p][1] and rows[p][2] == 0
             for p in range(a.partitions))
    return 0 if ok else 1


def read_records(path, skip=0):
    with open(path, errors="replace") as f:
        for i, line in enumerate(f):
            if i < skip or not line.endswith("\n"):
                continue
            parts = line.split()
            if len(parts) == 3:
                yield int(parts[0]), int(parts[1]), parts[2]


def cmd_seen(a):
    values = set()
    for r in a.records:
        values.update(v for _, _, v in read_records(r))
    print(len(values))
    return 0


def cmd_resume(a):
    _, _, rows = parse_describe(a.describe)
    bad = 0
    checked = 0
    for spec in a.records:
        path, lines = spec.rsplit(":", 1)
        for p, o, v in read_records(path, int(lines)):
            checked += 1
            committed = rows.get(p, (None,))[0]
            if committed is not None and o < committed:
                bad += 1
                if bad <= 5:
                    print("%s: partition %d offset %d (%s) is below the committed offset %d"
                          % (path, p, o, v, committed), file=sys.stderr)
    print("resume: %d records consumed after the snapshot, %d below the committed offsets" % (checked, bad))
    return 1 if bad else 0


def report_assignments(paths, epochs, partitions):
    """Prints every generation's assignment; False if a partition was assigned to two members in one
    generation, or one member id was handed to two different clients."""
    ok = True
    events = parse_events(paths)
    if not events:
        print("no events")
        return False
    gens = generations(events, epochs)
    for key in sorted(gens):
        assigned = gens[key]
        t0 = min(ts for ts, _ in assigned.values())
        desc = " ".join("%s=%s" % (n, ",".join(map(str, ps)) or "-") for n, (_, ps) in sorted(assigned.items()))
        covered = sorted(set(p for _, ps in assigned.values() for p in ps))
        problem = owners_problem(assigned, partitions, False)
        print("  epoch %d gen %d at +%.3f s: %s%s%s" % (
            key[0], key[1], (t0 - events[0][0]) / 1000.0, desc,
            "" if len(covered) == partitions else "  (%d of %d partitions: members of this generation that "
            "never reported it had left or were superseded)" % (len(covered), partitions),
            "  FAIL: " + problem if problem else ""))
        if key[1] < 0:
            print("FAIL: generation id unknown (group metadata layout)")
            ok = False
        if problem:
            ok = False
    # A member id belongs to one client: within one broker epoch, two clients reporting the same member id
    # means the coordinator handed out an id twice.
    holders = {}
    for ts, name, kind, kv in events:
        if kind == "ASSIGNED" and "member" in kv:
            epoch = sum(1 for e in epochs if ts >= e)
            holders.setdefault((epoch, kv["member"]), set()).add(name)
    for (epoch, member), names in sorted(holders.items()):
        if len(names) > 1:
            print("FAIL: epoch %d: member id %s used by %d clients at once: %s"
                  % (epoch, member, len(names), ", ".join(sorted(names))))
            ok = False
    failed_commits = sum(1 for e in events if e[2] == "COMMIT_FAILED")
    errors = sum(1 for e in events if e[2] == "ERROR")
    revokes = sum(1 for e in events if e[2] == "REVOKED")
    lost = sum(1 for e in events if e[2] == "REVOKED" and e[3].get("lost") == "1")
    print("events: %d generations, %d revocations (%d lost), %d failed commits, %d client errors"
          % (len(gens), revokes, lost, failed_commits, errors))
    return ok


def cmd_assignments(a):
    epochs = [int(x) for x in a.epochs.split(",")] if a.epochs else []
    return 0 if report_assignments(a.events, epochs, a.partitions) else 1


def cmd_verify(a):
    ok = True
    epochs = [int(x) for x in a.epochs.split(",")] if a.epochs else []
    # Records: none missing, duplicates counted, the log is consistent.
    seen = {}
    at = {}
    total = 0
    for path in a.records:
        for p, o, v in read_records(path):
            total += 1
            seen[v] = seen.get(v, 0) + 1
            if at.setdefault((p, o), v) != v:
                print("FAIL: partition %d offset %d read as %s and as %s" % (p, o, at[(p, o)], v))
                ok = False
    expected = {"v%06d" % i for i in range(1, a.expect + 1)}
    missing = expected - seen.keys()
    unexpected = seen.keys() - expected
    dups = total - len(seen)
    print("records: %d lines, %d distinct values, %d missing, %d duplicates (%d values seen more than once)"
          % (total, len(seen), len(missing), dups, sum(1 for c in seen.values() if c > 1)))
    if missing:
        print("FAIL: missing values, e.g. %s" % sorted(missing)[:10])
        ok = False
    if unexpected:
        print("FAIL: unexpected values, e.g. %s" % sorted(unexpected)[:10])
        ok = False
    offsets_per_partition = {}
    for (p, o) in at:
        offsets_per_partition[p] = offsets_per_partition.get(p, 0) + 1
    if sum(offsets_per_partition.values()) != a.expect:
        print("FAIL: %d distinct (partition, offset) pairs, expected %d" % (len(at), a.expect))
        ok = False
    if not report_assignments(a.events, epochs, a.partitions):
        ok = False
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("stable")
    s.add_argument("events", nargs="+")
    s.add_argument("--members", required=True)
    s.add_argument("--partitions", type=int, required=True)
    s.add_argument("--since", type=int)
    s.add_argument("--after-gen", type=int, default=-10)
    s.add_argument("--strict", action="store_true")
    s = sub.add_parser("latest-gen")
    s.add_argument("events", nargs="+")
    s.add_argument("--since", type=int)
    s = sub.add_parser("describe")
    s.add_argument("file")
    s = sub.add_parser("lag-zero")
    s.add_argument("file")
    s.add_argument("--partitions", type=int, required=True)
    s = sub.add_parser("seen")
    s.add_argument("records", nargs="+")
    s = sub.add_parser("resume")
    s.add_argument("--describe", required=True)
    s.add_argument("records", nargs="+")
    s = sub.add_parser("assignments")
    s.add_argument("events", nargs="+")
    s.add_argument("--partitions", type=int, required=True)
    s.add_argument("--epochs", default="")
    s = sub.add_parser("verify")
    s.add_argument("--events", nargs="+", required=True)
    s.add_argument("--records", nargs="+", required=True)
    s.add_argument("--expect", type=int, required=True)
    s.add_argument("--partitions", type=int, required=True)
    s.add_argument("--epochs", default="")
    a = ap.parse_args()
    return {"stable": cmd_stable, "latest-gen": cmd_latest_gen, "describe": cmd_describe, "lag-zero": cmd_lag_zero,
            "seen": cmd_seen, "resume": cmd_resume, "verify": cmd_verify,
            "assignments": cmd_assignments}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
