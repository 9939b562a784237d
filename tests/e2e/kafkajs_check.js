// Driven by kafkajs.sh: node kafkajs_check.js PORT. kafkajs 2.2.4 (npm) end to end: admin create topics (with a
// config), describe configs, produce with keys, headers, gzip and snappy, a consumer group that commits, stops
// and resumes from its commits with nothing re-delivered, list/describe groups, deleteGroups (the empty group
// with commits is deleted, gone from listGroups; deleting it again: GROUP_ID_NOT_FOUND), alterConfigs
// (retention.ms; describeConfigs shows the value as a dynamic topic config), createPartitions (1 -> 3, metadata
// shows 3, a write to partition 2 reads back; 3 -> 2 refused with INVALID_PARTITIONS), fetchTopicOffsets and
// offsets by timestamp, deleteTopicRecords (DeleteRecords), delete topics. Exits non-zero on any mismatch.
const { Kafka, CompressionTypes, CompressionCodecs, logLevel, ConfigResourceTypes, ConfigSource } = require('kafkajs')
const SnappyCodec = require('kafkajs-snappy')
CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec

const port = process.argv[2]
const kafka = new Kafka({ clientId: 'kafkajs-e2e', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING,
  retry: { retries: 8, initialRetryTime: 100 } })
const assert = (cond, what) => { if (!cond) { console.error('FAIL: ' + what); process.exit(1) } }
const sleep = ms => new Promise(r => setTimeout(r, ms))

async function consumeGroup(group, topic, limit, seen) {
  // Reads until `limit` records were processed (each committed right after it), then stops; records after
  // the limit are neither counted nor committed.
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10000, heartbeatInterval: 500 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  let count = 0
  let finished
  const done = new Promise(r => { finished = r })
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (count >= limit) return
      const id = `${partition}:${message.offset}`
      assert(!seen.has(id), `record ${id} delivered twice`)
      seen.add(id)
      count++
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }])
      if (count === limit) finished()
    }
  })
  const timer = setTimeout(finished, 40000)
  await done
  clearTimeout(timer)
  await consumer.disconnect()
  return count
}

async function main() {
  const admin = kafka.admin()
  await admin.connect()
  assert(await admin.createTopics({ topics: [{ topic: 'js', numPartitions: 3,
    configEntries: [{ name: 'retention.ms', value: '7200000' }] }], waitForLeaders: true }), 'createTopics')
  await admin.createTopics({ topics: [{ topic: 'js-times', numPartitions: 1 }], waitForLeaders: true })
  const cfg = await admin.describeConfigs({ includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: 'js', configNames: ['retention.ms'] }] })
  const entry = cfg.resources[0].configEntries.find(e => e.configName === 'retention.ms')
  assert(entry && entry.configValue === '7200000', 'describeConfigs retention.ms: ' + JSON.stringify(entry))
  console.log('admin: createTopics with a config, describeConfigs retention.ms=7200000')

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  let n = 0
  for (const compression of [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.Snappy]) {
    const messages = []
    for (let i = 0; i < 100; i++, n++)
      messages.push({ key: `k${n % 10}`, value: `v${n}`, headers: { h: `${n}` } })
    await producer.send({ topic: 'js', compression, acks: -1, messages })
  }
  console.log(`produce: ${n} records with keys and headers, none/gzip/snappy`)

  // Read everything back with a plain consumer group and check keys and headers.
  const check = new Set()
  const c = kafka.consumer({ groupId: 'js-check' })
  await c.connect()
  await c.subscribe({ topic: 'js', fromBeginning: true })
  let fin
  const all = new Promise(r => { fin = r })
  await c.run({ eachMessage: async ({ message }) => {
    const i = Number(message.value.toString().slice(1))
    assert(message.key.toString() === `k${i % 10}`, 'key of ' + i)
    assert(message.headers.h.toString() === `${i}`, 'header of ' + i)
    check.add(i)
    if (check.size === n) fin()
  } })
  const t = setTimeout(fin, 40000)
  await all
  clearTimeout(t)
  await c.disconnect()
  assert(check.size === n, `consumed ${check.size} of ${n}`)
  console.log(`consume: ${n} records, keys and headers intact`)

  // A group resumes from its commits.
  const seen = new Set()
  const first = await consumeGroup('js-resume', 'js', 120, seen)
  const second = await consumeGroup('js-resume', 'js', n - 120, seen)
  assert(first === 120 && second === n - 120 && seen.size === n, `group read ${first} + ${second}, ${seen.size} distinct`)
  console.log(`group: ${first} + ${second} records over two consumers, none twice`)
  const groups = await admin.listGroups()
  assert(groups.groups.some(g => g.groupId === 'js-resume'), 'listGroups: ' + JSON.stringify(groups))
  const desc = await admin.describeGroups(['js-resume'])
  assert(desc.groups[0].state === 'Empty', 'describeGroups: ' + JSON.stringify(desc.groups[0]))
  const committed = await admin.fetchOffsets({ groupId: 'js-resume', topics: ['js'] })
  const sum = committed[0].partitions.reduce((s, p) => s + Number(p.offset), 0)
  assert(sum === n, 'committed offsets add up to ' + sum)
  console.log('groups: listGroups, describeGroups (Empty), fetchOffsets add up to ' + sum)

  // DeleteGroups: js-resume has committed offsets and no members.
  const deleted = await admin.deleteGroups(['js-resume'])
  assert(deleted.length === 1 && deleted[0].groupId === 'js-resume' && deleted[0].errorCode === 0,
    'deleteGroups: ' + JSON.stringify(deleted))
  const groupsAfter = await admin.listGroups()
  assert(!groupsAfter.groups.some(g => g.groupId === 'js-resume'), 'listGroups after deleteGroups: ' +
    JSON.stringify(groupsAfter))
  let again = null
  try { await admin.deleteGroups(['js-resume']) } catch (e) { again = e }
  assert(again && again.name === 'KafkaJSDeleteGroupsError' && again.groups.length === 1 &&
    again.groups[0].groupId === 'js-resume' && again.groups[0].error.type === 'GROUP_ID_NOT_FOUND',
    'deleteGroups again: ' + (again && (again.name + ' ' + JSON.stringify(again.groups))))
  console.log('deleteGroups: js-resume deleted, gone from listGroups, deleting again: GROUP_ID_NOT_FOUND')

  // AlterConfigs: retention.ms of js becomes a dynamic topic config with the new value.
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'js',
    configEntries: [{ name: 'retention.ms', value: '1800000' }] }] })
  const cfg2 = await admin.describeConfigs({ includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: 'js', configNames: ['retention.ms'] }] })
  const entry2 = cfg2.resources[0].configEntries.find(e => e.configName === 'retention.ms')
  assert(entry2 && entry2.configValue === '1800000' && entry2.isDefault === false &&
    entry2.configSource === ConfigSource.TOPIC_CONFIG,
    'describeConfigs after alterConfigs: ' + JSON.stringify(entry2))
  console.log('alterConfigs: retention.ms=1800000, describeConfigs source DYNAMIC_TOPIC_CONFIG')

  // CreatePartitions: js-grow grows from 1 to 3, partition 2 takes a write that reads back; shrinking is refused.
  await admin.createTopics({ topics: [{ topic: 'js-grow', numPartitions: 1 }], waitForLeaders: true })
  await admin.createPartitions({ topicPartitions: [{ topic: 'js-grow', count: 3 }] })
  const grown = await admin.fetchTopicMetadata({ topics: ['js-grow'] })
  const parts = grown.topics[0].partitions.map(p => p.partitionId).sort()
  assert(JSON.stringify(parts) === '[0,1,2]', 'fetchTopicMetadata after createPartitions: ' + JSON.stringify(parts))
  await producer.send({ topic: 'js-grow', acks: -1, messages: [{ partition: 2, value: 'on-two' }] })
  const reader = kafka.consumer({ groupId: 'js-grow-read' })
  await reader.connect()
  await reader.subscribe({ topic: 'js-grow', fromBeginning: true })
  let gotIt
  const got = new Promise(r => { gotIt = r })
  await reader.run({ eachMessage: async ({ partition, message }) => gotIt({ partition, value: message.value.toString() }) })
  const tg = setTimeout(() => gotIt(null), 40000)
  const read = await got
  clearTimeout(tg)
  await reader.disconnect()
  assert(read && read.partition === 2 && read.value === 'on-two', 'read back from js-grow: ' + JSON.stringify(read))
  let shrink = null
  try { await admin.createPartitions({ topicPartitions: [{ topic: 'js-grow', count: 2 }] }) } catch (e) { shrink = e }
  assert(shrink && shrink.type === 'INVALID_PARTITIONS', 'createPartitions 3 -> 2: ' + (shrink && (shrink.name + ' ' + shrink.type + ' ' + shrink.message)))
  const still = await admin.fetchTopicMetadata({ topics: ['js-grow'] })
  assert(still.topics[0].partitions.length === 3, 'partitions after the refused shrink: ' + still.topics[0].partitions.length)
  console.log('createPartitions: js-grow 1 -> 3, partition 2 written and read back; 3 -> 2 refused: INVALID_PARTITIONS')

  // Offsets: latest/earliest and by timestamp.
  const timed = []
  for (let i = 0; i < 10; i++) timed.push({ value: `a${i}`, timestamp: `${1700000000000 + i * 1000}` })
  await producer.send({ topic: 'js-times', messages: timed })
  const byTime = await admin.fetchTopicOffsetsByTimestamp('js-times', 1700000005000)
  assert(byTime[0].offset === '5', 'offset for the 5th second: ' + JSON.stringify(byTime))
  const ends = await admin.fetchTopicOffsets('js-times')
  assert(ends[0].high === '10' && ends[0].low === '0', 'fetchTopicOffsets: ' + JSON.stringify(ends))
  // DeleteRecords.
  await admin.deleteTopicRecords({ topic: 'js-times', partitions: [{ partition: 0, offset: '4' }] })
  const after = await admin.fetchTopicOffsets('js-times')
  assert(after[0].low === '4', 'low after deleteTopicRecords: ' + JSON.stringify(after))
  console.log('offsets: by timestamp 5, high 10; deleteTopicRecords moved low to 4')

  await producer.disconnect()
  await admin.deleteTopics({ topics: ['js-times'] })
  const left = await admin.listTopics()
  assert(!left.includes('js-times') && left.includes('js'), 'deleteTopics: ' + left)
  await admin.disconnect()
  console.log('kafkajs: ok')
}

main().catch(e => { console.error('FAIL: ' + (e.stack || e)); process.exit(1) })
