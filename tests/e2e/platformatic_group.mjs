// A consumer group on the flexible versions only, with @platformatic/kafka. Usage: node platformatic_group.mjs
// KAFKA_PORT TOPIC (TOPIC exists with 4 partitions). Two consumers of one group share the partitions and
// commit; both leave; a new member of the group owns every partition and finds the committed offsets it
// resumes at; the admin finds the coordinator (v4 batch), describes and lists the group, and reads its
// committed offsets. Fetch v12+ is not advertised yet, so records are not read through consume(). Exits non-zero with a message on the first wrong answer.
const k = await import(process.env.PLATFORMATIC_KAFKA);
const port = Number(process.argv[2]);
const topic = process.argv[3];
const group = 'flex-group-g';
const brokers = [`127.0.0.1:${port}`];
const fail = (what) => { console.error(`FAIL: ${what}`); process.exit(1); };
const check = (cond, what) => { if (!cond) fail(what); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = async (cond, what, ms = 60000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) fail(`timed out: ${what}`);
    await sleep(100);
  }
};

const admin = new k.Admin({ clientId: 'e2e-group-admin', bootstrapBrokers: brokers, retries: 5 });
const producer = new k.Producer({ clientId: 'e2e-group-producer', bootstrapBrokers: brokers,
  serializers: k.stringSerializers, retries: 5 });
const produce = async (from, n) => {
  const messages = [];
  for (let i = from; i < from + n; i++) messages.push({ topic, partition: i % 4, key: `k${i}`, value: `v${i}` });
  await producer.send({ messages });
};

const apis = await admin.listApis();
const max = (name) => apis.find((a) => a.name === name)?.maxVersion;
for (const [name, v] of [['FindCoordinator', 6], ['JoinGroup', 9], ['SyncGroup', 5], ['Heartbeat', 4],
  ['LeaveGroup', 5], ['OffsetCommit', 9], ['OffsetFetch', 9], ['DescribeGroups', 5], ['ListGroups', 5]])
  check(max(name) === v, `${name} advertised up to v${v}: ${max(name)}`);

await produce(0, 40);

// Fetch v12+ (which the client's consume() needs) is not advertised yet, so the members join with joinGroup()
// and commit the position each would have reached after reading its partitions' 10 records.
const member = async (id) => {
  const c = new k.Consumer({ clientId: `e2e-group-${id}`, groupId: group, bootstrapBrokers: brokers,
    deserializers: k.stringDeserializers, sessionTimeout: 10000, rebalanceTimeout: 15000, heartbeatInterval: 500,
    retries: 5 });
  c.topics.track(topic);
  // A member closing while its rejoin is in flight (the other member's leave starts a rebalance) fails that
  // rejoin with "Connection pool is closed" in the client: errors after close() are the client's own.
  c.on('error', (e) => { if (!closed.has(c)) fail(`consumer ${id}: ${e}`); });
  return c;
};
const closed = new Set();
const close = async (c) => { closed.add(c); await c.close(); };
const parts = (c) => (c.assignments ?? []).flatMap((x) => x.partitions);
const a = await member('a');
const b = await member('b');
await Promise.all([a.joinGroup({}), b.joinGroup({})]);
// Both members end up in one generation with the four partitions split between them (a rebalance may
// still be running when the second join returns: wait for it).
await until(() => parts(a).length > 0 && parts(b).length > 0 && parts(a).length + parts(b).length === 4,
  'both consumers hold partitions');
check(new Set([...parts(a), ...parts(b)]).size === 4, `disjoint assignment covering 4 partitions: ${parts(a)} / ${parts(b)}`);

// The group as the admin sees it: Stable with two members (DescribeGroups v5).
const described = (await admin.describeGroups({ groups: [group] })).get(group);
check(described && described.members.size === 2, `describe: 2 members: ${described?.members?.size}`);
check(String(described.state).toUpperCase() === 'STABLE', `describe: Stable: ${described.state}`);
check(described.protocolType === 'consumer', `describe: protocol type ${described.protocolType}`);
const coordinators = await admin.findCoordinator({ keyType: 0, keys: [group, 'other-group'] });
check(coordinators.length === 2 && coordinators.every((c) => c.port === port),
  `findCoordinator v4 batch: ${JSON.stringify(coordinators)}`);

// Each member commits its own partitions (OffsetCommit v9); the offsets come back (OffsetFetch v9).
for (const c of [a, b])
  await c.commit({ offsets: parts(c).map((p) => ({ topic, partition: p, offset: 10n, leaderEpoch: 0 })) });
const committed = await a.listCommittedOffsets({ topics: [{ topic, partitions: [0, 1, 2, 3] }] });
check(committed.get(topic)?.every((o) => o === 10n), `committed 10 per partition: ${committed.get(topic)}`);
// A commit for a partition that does not exist is refused per partition.
let unknown = null;
try {
  await a.commit({ offsets: [{ topic, partition: 9, offset: 1n, leaderEpoch: 0 }] });
} catch (e) { unknown = e; }
const big = (_, v) => (typeof v === 'bigint' ? v.toString() : v);
const dump = (e) => JSON.stringify(e, big) + JSON.stringify(e?.errors ?? [], big) + JSON.stringify(e?.response ?? {}, big);
check(unknown && /"errorCode":3\b/.test(dump(unknown)), `commit to partition 9: UNKNOWN_TOPIC_OR_PARTITION (3): ${dump(unknown)}`);

await close(a); // LeaveGroup v5
await close(b);

const listed = await admin.listGroups();
check(listed.has(group), `listGroups has ${group}: ${[...listed.keys()]}`);
const emptyOnly = await admin.listGroups({ states: ['EMPTY'] });
check(emptyOnly.has(group) && String(emptyOnly.get(group).state).toUpperCase() === 'EMPTY',
  `listGroups(EMPTY) has the left group: ${JSON.stringify([...emptyOnly.values()])}`);
const stableOnly = await admin.listGroups({ states: ['STABLE'] });
check(!stableOnly.has(group), 'listGroups(STABLE) leaves the empty group out');

// A restarted member owns all four partitions and finds the group's committed offsets, where it resumes.
await produce(40, 8);
const c = await member('c');
await c.joinGroup({});
await until(() => parts(c).length === 4, 'the restarted member holds all 4 partitions');
const resumed = await c.listCommittedOffsets({ topics: [{ topic, partitions: parts(c) }] });
check(resumed.get(topic)?.every((o) => o === 10n), `resumes at the committed offsets: ${resumed.get(topic)}`);
const groupsOffsets = await admin.listConsumerGroupOffsets({ groups: [group] });
check(JSON.stringify(groupsOffsets, (_, v) => typeof v === 'bigint' ? v.toString() : v).includes(topic),
  `admin listConsumerGroupOffsets (OffsetFetch v9, all topics): ${JSON.stringify(groupsOffsets, (_, v) => typeof v === 'bigint' ? v.toString() : v)}`);
await close(c);

await producer.close();
await admin.close();
console.log('platformatic group: 2 members split 4 partitions, committed, a restarted member resumes at the commits');
process.exit(0);
