// Produce v9-v11, InitProducerId v5, CreateTopics v7 and DeleteTopics v6 (flexible versions) with
// @platformatic/kafka, a client that only speaks the flexible versions. Usage:
//   node platformatic_producer.mjs KAFKA_PORT PLAIN COMPACTED DOOMED
// creates PLAIN (2 partitions), COMPACTED (cleanup.policy=compact) and DOOMED through CreateTopics v7;
// produces keyed records with headers to PLAIN partition 0 with acks 1 (plain producer) and acks -1 (idempotent
// producer, InitProducerId v5), then one record through each of Produce v9, v10 and v11's own builder; checks a
// keyless record to COMPACTED is refused with INVALID_RECORD (87) naming the record (KIP-467) while a keyed one
// is taken; deletes DOOMED by topic id (DeleteTopics v6) and checks an unknown id is UNKNOWN_TOPIC_ID (100)
// with a null name. Leaves PLAIN for the caller to read back: partition 0 holds k1=v1, k2=v2 (acks 1), k3=v3
// (acks -1), then v9, v10, v11 (keys kv9..kv11), each record with header h=<its key>. Exits non-zero with a
// message on the first wrong answer.
import { promisify } from 'node:util';

const k = await import(process.env.PLATFORMATIC_KAFKA);
const [port, plain, compacted, doomed] = [Number(process.argv[2]), process.argv[3], process.argv[4], process.argv[5]];
const fail = (what) => { console.error(`FAIL: ${what}`); process.exit(1); };
const check = (cond, what) => { if (!cond) fail(what); };
const zeroId = '00000000-0000-0000-0000-000000000000';
const brokers = [`127.0.0.1:${port}`];
// The Kafka error codes inside a client error (nested AggregateErrors of ProtocolErrors).
const codes = (e) => (e ? [e.apiCode, ...(e.errors ?? []).flatMap(codes), ...(e.cause ? codes(e.cause) : [])] : [])
  .filter((c) => c !== undefined);
const show = (x) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

const admin = new k.Admin({ clientId: 'e2e-producer-admin', bootstrapBrokers: brokers, retries: 2 });
const producers = [];
const producer = (opts) => {
  const p = new k.Producer({ clientId: 'e2e-producer', bootstrapBrokers: brokers, serializers: k.stringSerializers,
    retries: 2, autocreateTopics: false, ...opts });
  producers.push(p);
  return p;
};
const conn = new k.Connection('e2e-producer-raw');
process.on('uncaughtException', (e) => fail(`${e} (Kafka error codes ${codes(e)})`));
try {
  const apis = await admin.listApis();
  for (const [key, max] of [[0, 11], [22, 5], [19, 7], [20, 6]]) {
    const a = apis.find((x) => x.apiKey === key);
    check(a && a.maxVersion === max, `api ${key} advertised up to v${max}: ${show(a)}`);
  }

  // CreateTopics v7: the answer has partitions, replication factor, configs and a topic id.
  const created = await admin.createTopics({ topics: [plain, doomed], partitions: 2, replicas: 1 });
  check(created.length === 2, `two topics created: ${show(created)}`);
  for (const c of created) {
    check(c.partitions === 2 && c.replicas === 1, `v7 partitions and replicas: ${show(c)}`);
    check(c.id && c.id !== zeroId, `v7 topic id: ${show(c)}`);
    check(c.configuration['cleanup.policy'] === 'delete', `v7 configs: ${show(c.configuration)}`);
  }
  const [comp] = await admin.createTopics({ topics: [compacted], partitions: 1, replicas: 1,
    configs: [{ name: 'cleanup.policy', value: 'compact' }] });
  check(comp.configuration['cleanup.policy'] === 'compact', `compacted topic's config: ${show(comp.configuration)}`);
  let dup = null;
  try { await admin.createTopics({ topics: [plain], partitions: 1, replicas: 1 }); } catch (e) { dup = e; }
  check(codes(dup).includes(36), `creating ${plain} twice: TOPIC_ALREADY_EXISTS (36): ${dup} ${codes(dup)}`);

  // Produce v11 (negotiated): acks 1, then an idempotent producer with acks -1 (InitProducerId v5).
  const one = await producer({ acks: 1 }).send({ messages: [
    { topic: plain, partition: 0, key: 'k1', value: 'v1', headers: { h: 'k1' } },
    { topic: plain, partition: 0, key: 'k2', value: 'v2', headers: { h: 'k2' } }] });
  check(one.offsets?.[0]?.offset === 0n, `acks 1: first offset 0: ${show(one)}`);
  const idem = producer({ acks: -1, idempotent: true });
  const all = await idem.send({ messages: [{ topic: plain, partition: 0, key: 'k3', value: 'v3', headers: { h: 'k3' } }] });
  check(all.offsets?.[0]?.offset === 2n, `acks -1: offset 2: ${show(all)}`);
  check(idem.producerId !== undefined && idem.producerId >= 0n, `idempotent producer id: ${idem.producerId}`);

  // Each flexible version through its own builder and parser, on one connection.
  await promisify(conn.connect.bind(conn))('127.0.0.1', port);
  const enc = (s) => Buffer.from(s);
  let expected = 3n;
  for (const [v, api] of [[9, k.produceV9], [10, k.produceV10], [11, k.produceV11]]) {
    const r = await api.api.async(conn, -1, 10000,
      [{ topic: plain, partition: 0, key: enc(`kv${v}`), value: enc(`v${v}`), headers: new Map([[enc('h'), enc(`kv${v}`)]]) }]);
    const p = r.responses?.[0]?.partitionResponses?.[0];
    check(p && p.errorCode === 0 && p.baseOffset === expected, `v${v}: offset ${expected}: ${show(r)}`);
    check(p.recordErrors.length === 0 && p.errorMessage === null, `v${v}: no record errors: ${show(p)}`);
    expected += 1n;
  }

  // A keyless record to a compacted topic: INVALID_RECORD (87) naming the record, in every flexible version.
  for (const [v, api] of [[9, k.produceV9], [10, k.produceV10], [11, k.produceV11]]) {
    let err = null;
    try {
      await api.api.async(conn, 1, 10000, [
        { topic: compacted, partition: 0, key: enc('kept'), value: enc('x') },
        { topic: compacted, partition: 0, value: enc('no key') }]);
    } catch (e) { err = e; }
    const p = err?.response?.responses?.[0]?.partitionResponses?.[0];
    check(p && p.errorCode === 87, `v${v}: keyless record -> INVALID_RECORD: ${err} ${show(err?.response)}`);
    check(p.recordErrors.length === 1 && p.recordErrors[0].batchIndex === 1, `v${v}: record 1 named: ${show(p)}`);
    check(/without key/.test(p.recordErrors[0].batchIndexErrorMessage), `v${v}: why: ${show(p)}`);
    check(/1 record errors/.test(p.errorMessage ?? ''), `v${v}: error message: ${show(p)}`);
  }
  let refused = null;
  try { await producer({ acks: 1 }).send({ messages: [{ topic: compacted, partition: 0, value: 'no key' }] }); } catch (e) { refused = e; }
  check(codes(refused).includes(87), `the producer sees INVALID_RECORD (87): ${refused} ${codes(refused)}`);
  const keyed = await producer({ acks: 1 }).send({ messages: [{ topic: compacted, partition: 0, key: 'a', value: '1' }] });
  check(keyed.offsets?.[0]?.offset === 0n, `a keyed record to the compacted topic: ${show(keyed)}`);

  // DeleteTopics v6: by topic id; an unknown id is UNKNOWN_TOPIC_ID (100) with a null name.
  const doomedId = created.find((c) => c.name === doomed).id;
  const del = await k.deleteTopicsV6.api.async(conn, [{ name: null, topicId: doomedId }], 10000);
  check(del.responses.length === 1 && del.responses[0].errorCode === 0 && del.responses[0].name === doomed &&
        del.responses[0].topicId === doomedId, `delete by id: ${show(del)}`);
  const unknownId = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
  let unknown = null;
  try { await k.deleteTopicsV6.api.async(conn, [{ name: null, topicId: unknownId }], 10000); } catch (e) { unknown = e; }
  const u = unknown?.response?.responses?.[0];
  check(u && u.errorCode === 100 && u.name === null && u.topicId === unknownId, `unknown id: ${unknown} ${show(u)}`);
  const left = await admin.listTopics();
  check(!left.includes(doomed) && left.includes(plain), `after deletion: ${left}`);
  console.log(`platformatic producer: Produce v9-v11, InitProducerId v5 (producer ${idem.producerId}), CreateTopics v7, DeleteTopics v6 ok`);
} finally {
  conn.close(() => {});
  for (const p of producers) await p.close().catch(() => {});
  await admin.close();
}
