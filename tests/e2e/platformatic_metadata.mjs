// Metadata v9-v12 (flexible, topic ids) with @platformatic/kafka, a client that only speaks the flexible
// versions: its Admin negotiates v12 through ApiVersions, and each version's own request builder and
// response parser run over one connection. Usage: node platformatic_metadata.mjs KAFKA_PORT TOPIC
// (TOPIC exists with 3 partitions). Exits non-zero with a message on the first wrong answer.
import { promisify } from 'node:util';

const k = await import(process.env.PLATFORMATIC_KAFKA);
const port = Number(process.argv[2]);
const topic = process.argv[3];
const fail = (what) => { console.error(`FAIL: ${what}`); process.exit(1); };
const check = (cond, what) => { if (!cond) fail(what); };
const zeroId = '00000000-0000-0000-0000-000000000000';

const admin = new k.Admin({ clientId: 'e2e-metadata', bootstrapBrokers: [`127.0.0.1:${port}`], retries: 2 });
try {
  const apis = await admin.listApis();
  const md = apis.find((a) => a.name === 'Metadata' || a.apiKey === 3);
  check(md && md.maxVersion === 12, `Metadata advertised up to v12: ${JSON.stringify(md)}`);

  // The client's own Metadata call (v12, negotiated).
  const meta = await admin.metadata({ topics: [topic] });
  check(meta.brokers.size === 1 || meta.brokers.length === 1, `one broker: ${JSON.stringify([...meta.brokers])}`);
  const t = meta.topics.get(topic);
  check(t, `topic ${topic} in the metadata`);
  check(t.partitionsCount === 3 || t.partitions.length === 3, `3 partitions: ${JSON.stringify(t)}`);
  check(t.id && t.id !== zeroId, `a topic id: ${t.id}`);
  const topics = await admin.listTopics();
  check(topics.includes(topic), `listTopics has ${topic}: ${topics}`);

  // Every flexible version through its own builder and parser, on one connection.
  const conn = new k.Connection('e2e-metadata-raw');
  await promisify(conn.connect.bind(conn))('127.0.0.1', port);
  for (const [v, api] of [[9, k.metadataV9], [10, k.metadataV10], [11, k.metadataV11], [12, k.metadataV12]]) {
    const r = await api.api.async(conn, [topic], false, false);
    check(r.topics.length === 1 && r.topics[0].name === topic, `v${v}: the topic by name: ${JSON.stringify(r.topics)}`);
    check(r.topics[0].partitions.length === 3, `v${v}: 3 partitions`);
    check(r.brokers.length === 1 && r.brokers[0].port === port, `v${v}: the broker and its port`);
    if (v >= 10) check(r.topics[0].topicId === t.id, `v${v}: the topic id ${r.topics[0].topicId} is ${t.id}`);
    const all = await api.api.async(conn, null, false, false);
    check(all.topics.some((x) => x.name === topic), `v${v}: all topics has ${topic}`);
  }

  // v12 asks by id with a null name: the known id gets its name back, an unknown one UNKNOWN_TOPIC_ID (100).
  const byId = (ids) => promisify(conn.send.bind(conn))(3, 12, () => k.Writer.create()
    .appendArray(ids, (w, id) => w.appendUUID(id).appendString(null))
    .appendBoolean(false).appendBoolean(false).appendTaggedFields(), k.metadataV12.parseResponse, true, true);
  const known = await byId([t.id]);
  check(known.topics.length === 1 && known.topics[0].name === topic, `by id: ${JSON.stringify(known.topics)}`);
  const unknownId = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
  let unknownErr = null;
  try { await byId([unknownId]); } catch (e) { unknownErr = e; }
  const ans = unknownErr?.response?.topics?.[0];
  check(ans && ans.errorCode === 100 && ans.name === null, `unknown id: ${unknownErr} ${JSON.stringify(ans)}`);
  conn.close(() => {});
  console.log(`platformatic metadata: v9-v12 ok, topic id ${t.id}`);
} finally {
  await admin.close();
}
