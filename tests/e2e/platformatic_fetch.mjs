// Fetch v12-v16 (flexible, topic ids from v13, fetch sessions) with @platformatic/kafka, a client that speaks
// only the flexible versions: its Consumer#fetch negotiates v16 through ApiVersions and reads records another
// client produced (their values and offsets), and each version's own request builder and response parser
// run over one connection. Usage: node platformatic_fetch.mjs KAFKA_PORT TOPIC COUNT (TOPIC has 1 partition
// holding COUNT records whose values are rec-0 .. rec-<COUNT-1>). Exits non-zero on the first wrong answer.
import { promisify } from 'node:util';

const k = await import(process.env.PLATFORMATIC_KAFKA);
const port = Number(process.argv[2]);
const topic = process.argv[3];
const count = Number(process.argv[4]);
const fail = (what) => { console.error(`FAIL: ${what}`); process.exit(1); };
const check = (cond, what) => { if (!cond) fail(typeof what === "function" ? what() : what); };
const show = (x) => JSON.stringify(x, (_, v) => (typeof v === "bigint" ? Number(v) : v));

// [offset, value] of every record in a partition answer.
const recordsOf = (p) => {
  const out = [];
  for (const batch of p.records ?? []) {
    for (const r of batch.records) out.push([Number(batch.firstOffset) + r.offsetDelta, r.value.toString()]);
  }
  return out;
};
const partitionsReq = (offset) => [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: BigInt(offset),
  lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }];
// Every record from `from` to the end, as consecutive offsets with the values produced.
const checkRecords = (got, from, what) => {
  const want = [];
  for (let o = from; o < count; o++) want.push([o, `rec-${o}`]);
  const tail = got.filter(([o]) => o >= from); // a batch may start before the offset asked for
  check(show(tail) === show(want), `${what}: records ${show(tail)}`);
};

const admin = new k.Admin({ clientId: 'e2e-fetch', bootstrapBrokers: [`127.0.0.1:${port}`], retries: 2 });
const consumer = new k.Consumer({ clientId: 'e2e-fetch', groupId: 'e2e-fetch', bootstrapBrokers: [`127.0.0.1:${port}`],
  retries: 2 });
try {
  const apis = await admin.listApis();
  const f = apis.find((a) => a.name === 'Fetch' || a.apiKey === 1);
  check(f && f.maxVersion === 17, `Fetch advertised up to v17 (Kafka 3.9's): ${show(f)}`);
  const meta = await admin.metadata({ topics: [topic] });
  const id = meta.topics.get(topic).id;
  const node = [...meta.brokers.keys()][0];

  // The client's own fetch (v16, negotiated), until every record has come.
  let got = [];
  for (let next = 0, rounds = 0; next < count && rounds < 50; rounds++) {
    const resp = await consumer.fetch({ node, topics: [{ topicId: id, partitions: partitionsReq(next) }],
      maxWaitTime: 500 });
    check(resp.responses.length === 1 && resp.responses[0].topicId === id, `the topic by id: ${show(resp.responses)}`);
    const p = resp.responses[0].partitions[0];
    check(p.errorCode === 0 && Number(p.highWatermark) === count, `partition 0: ${show(p, (_, v) => typeof v === 'bigint' ? Number(v) : v)}`);
    const recs = recordsOf(p).filter(([o]) => o >= next);
    got = got.concat(recs);
    if (recs.length) next = recs[recs.length - 1][0] + 1;
  }
  checkRecords(got, 0, 'Consumer#fetch (v16)');

  // Every flexible version through its own builder and parser, on one connection: v12 names the topic, v13+ its id.
  const conn = new k.Connection('e2e-fetch-raw');
  await promisify(conn.connect.bind(conn))('127.0.0.1', port);
  const from = Math.floor(count / 2);
  for (const v of [12, 13, 14, 15, 16]) {
    const api = k[`fetchV${v}`].api;
    const t = { topicId: v === 12 ? topic : id, partitions: partitionsReq(from) };
    const r = await api.async(conn, 0, 1, 1 << 20, 0, 0, -1, [t], [], '');
    check(r.errorCode === 0 && r.sessionId === 0, `v${v}: sessionless answer (epoch -1): ${r.errorCode} ${r.sessionId}`);
    check(r.responses.length === 1, `v${v}: one topic`);
    if (v >= 13) check(r.responses[0].topicId === id, `v${v}: topic id ${r.responses[0].topicId}`);
    checkRecords(recordsOf(r.responses[0].partitions[0]), from, `v${v} from offset ${from}`);
  }

  // A session through the client's v16 codec: the full fetch (epoch 0) opens it, an incremental fetch naming
  // nothing lists nothing (no news), epoch -1 closes it.
  const v16 = k.fetchV16.api;
  const full = await v16.async(conn, 0, 1, 1 << 20, 0, 0, 0, [{ topicId: id, partitions: partitionsReq(count) }], [], '');
  check(full.sessionId !== 0 && full.responses[0].partitions.length === 1, `full fetch opens a session: ${full.sessionId}`);
  const inc = await v16.async(conn, 0, 1, 1 << 20, 0, full.sessionId, 1, [], [], '');
  check(inc.errorCode === 0 && inc.sessionId === full.sessionId && inc.responses.length === 0,
    `incremental fetch: nothing new: ${show(inc.responses)}`);
  let stale = null;
  try { await v16.async(conn, 0, 1, 1 << 20, 0, full.sessionId, 1, [], [], ''); } catch (e) { stale = e; }
  check(stale?.response?.errorCode === 71, `a replayed epoch: INVALID_FETCH_SESSION_EPOCH: ${stale}`);
  const closed = await v16.async(conn, 0, 1, 1 << 20, 0, full.sessionId, -1, [], [], '');
  check(closed.sessionId === 0, `epoch -1 closes: ${closed.sessionId}`);

  // v13+ of an id nobody knows: UNKNOWN_TOPIC_ID (100) for its partition.
  let unknownErr = null;
  try {
    await k.fetchV13.api.async(conn, 0, 1, 1 << 20, 0, 0, -1,
      [{ topicId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', partitions: partitionsReq(0) }], [], '');
  } catch (e) { unknownErr = e; }
  const up = unknownErr?.response?.responses?.[0]?.partitions?.[0];
  check(up && up.errorCode === 100, `unknown topic id: ${unknownErr}`);
  conn.close(() => {});
  console.log(`platformatic fetch: v12-v16 ok, ${count} records, topic id ${id}`);
} finally {
  await consumer.close();
  await admin.close();
}
