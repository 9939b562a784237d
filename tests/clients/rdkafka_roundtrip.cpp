// librdkafka (C++ API) against a running samsa broker over the Kafka protocol.
//
//   rdkafka_roundtrip BOOTSTRAP [RECORDS] [TOPIC_PREFIX]
//
// Against one broker or a cluster (tests/e2e/cluster_mode_lib.sh); BOOTSTRAP may be a single node of it.
//
// Part 1: CreateTopics (librdkafka admin API) makes a 6-partition topic; an idempotent producer with
// acks=all sends RECORDS (default 1,000,000) small records whose value is a sequence number, spread over
// the partitions round-robin by explicit partition; every delivery report is checked (success, partition,
// offset recorded per sequence). A KafkaConsumer with assign() on all partitions from the beginning (no
// subscribe, no commits) then reads everything back: no record missing, none duplicated, each found at
// the partition and offset its delivery report named, values strictly increasing per partition.
//
// Part 2: keyed records with partitioner=murmur2_random must land on the partition Java's client picks:
// toPositive(murmur2(key)) % partitions, computed with samsa::partition_for_key. Checked against the
// delivery report and against the partition where the consumer finds each record.
//
// Prints counts; exits non-zero on any mismatch. Every wait is bounded.

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "messages/murmur2.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

int failures = 0;

void check(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    if (failures <= 20)
      std::fprintf(stderr, "MISMATCH: %s\n", what.c_str());
  }
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "FATAL: %s\n", what.c_str());
  std::exit(2);
}

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

void set(RdKafka::Conf* conf, const std::string& key, const std::string& value) {
  std::string err;
  if (conf->set(key, value, err) != RdKafka::Conf::CONF_OK)
    die("config " + key + "=" + value + ": " + err);
}

// Creates a topic through the Kafka CreateTopics API (librdkafka's admin API on the producer handle), with
// the broker's default replication factor (-1, KIP-464): 1 on a single broker, 3 in the cluster round trip.
void create_topic(RdKafka::Handle* handle, const std::string& name, int partitions) {
  rd_kafka_t* rk = handle->c_ptr();
  char errstr[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(name.c_str(), partitions, -1, errstr, sizeof errstr);
  if (nt == nullptr)
    die(std::string("NewTopic: ") + errstr);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(opts, 30000, errstr, sizeof errstr);
  rd_kafka_CreateTopics(rk, &nt, 1, opts, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 60000);
  if (ev == nullptr)
    die("CreateTopics: no answer within 60 s");
  if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR)
    die(std::string("CreateTopics: ") + rd_kafka_event_error_string(ev));
  const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev);
  size_t n = 0;
  const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(res, &n);
  if (n != 1)
    die("CreateTopics: expected one topic result");
  if (rd_kafka_topic_result_error(topics[0]) != RD_KAFKA_RESP_ERR_NO_ERROR)
    die("CreateTopics " + name + ": " + rd_kafka_err2name(rd_kafka_topic_result_error(topics[0])) + " " +
        (rd_kafka_topic_result_error_string(topics[0]) ? rd_kafka_topic_result_error_string(topics[0]) : ""));
  rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(q);
  rd_kafka_NewTopic_destroy(nt);
  std::printf("created topic %s with %d partitions via CreateTopics\n", name.c_str(), partitions);
}

// Delivery reports. The opaque carries the record's index; the report stores partition and offset.
struct delivery : RdKafka::DeliveryReportCb {
  std::vector<int32_t> partition;
  std::vector<int64_t> offset;
  int64_t ok = 0;
  int64_t failed = 0;
  int64_t reports = 0;
  std::string first_error;

  explicit delivery(size_t n) : partition(n, -1), offset(n, -1) {}

  void dr_cb(RdKafka::Message& msg) override {
    ++reports;
    auto i = static_cast<size_t>(reinterpret_cast<uintptr_t>(msg.msg_opaque()));
    if (msg.err() != RdKafka::ERR_NO_ERROR) {
      if (failed++ == 0)
        first_error = msg.errstr();
      return;
    }
    ++ok;
    if (i < partition.size()) {
      check(partition[i] == -1, "two delivery reports for record " + std::to_string(i));
      partition[i] = msg.partition();
      offset[i] = msg.offset();
    }
  }
};

struct event_log : RdKafka::EventCb {
  int errors = 0;
  void event_cb(RdKafka::Event& ev) override {
    if (ev.type() == RdKafka::Event::EVENT_ERROR) {
      ++errors;
      std::fprintf(stderr, "librdkafka error%s: %s: %s\n", ev.fatal() ? " (FATAL)" : "",
                   RdKafka::err2str(ev.err()).c_str(), ev.str().c_str());
    } else if (ev.type() == RdKafka::Event::EVENT_LOG && ev.severity() <= RdKafka::Event::EVENT_SEVERITY_WARNING) {
      std::fprintf(stderr, "librdkafka log %d %s: %s\n", ev.severity(), ev.fac().c_str(), ev.str().c_str());
    }
  }
};

std::unique_ptr<RdKafka::Producer> make_producer(const std::string& bootstrap, delivery& dr, event_log& ev,
                                                 const std::map<std::string, std::string>& extra) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  set(conf.get(), "bootstrap.servers", bootstrap);
  set(conf.get(), "acks", "all");
  set(conf.get(), "enable.idempotence", "true");
  set(conf.get(), "linger.ms", "5");
  set(conf.get(), "message.timeout.ms", "300000");
  for (const auto& [k, v] : extra)
    set(conf.get(), k, v);
  std::string err;
  if (conf->set("dr_cb", &dr, err) != RdKafka::Conf::CONF_OK || conf->set("event_cb", &ev, err) != RdKafka::Conf::CONF_OK)
    die("callbacks: " + err);
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
  if (!p)
    die("producer: " + err);
  return p;
}

// Produces one record, polling while librdkafka's local queue is full (bounded by message.timeout.ms).
void produce(RdKafka::Producer* p, const std::string& topic, int32_t partition, const std::string& value,
             const std::string* key, size_t index) {
  auto deadline = clock_type::now() + std::chrono::minutes(5);
  for (;;) {
    RdKafka::ErrorCode e = p->produce(topic, partition, RdKafka::Producer::RK_MSG_COPY,
                                      const_cast<char*>(value.data()), value.size(),
                                      key ? key->data() : nullptr, key ? key->size() : 0, 0,
                                      reinterpret_cast<void*>(static_cast<uintptr_t>(index)));
    if (e == RdKafka::ERR_NO_ERROR)
      return;
    if (e != RdKafka::ERR__QUEUE_FULL)
      die("produce: " + RdKafka::err2str(e));
    if (clock_type::now() > deadline)
      die("produce: local queue stayed full for 5 minutes");
    p->poll(50);
  }
}

void flush(RdKafka::Producer* p, delivery& dr, int64_t expected) {
  auto t0 = clock_type::now();
  while (dr.reports < expected) {
    p->flush(1000);
    if (seconds_since(t0) > 300)
      die("flush: " + std::to_string(expected - dr.reports) + " delivery reports still missing after 5 minutes");
  }
  check(p->outq_len() == 0, "producer queue not empty after flush");
  std::string fatal;
  if (p->fatal_error(fatal) != RdKafka::ERR_NO_ERROR)
    die("producer fatal error: " + fatal);
}

struct consumed {
  int32_t partition;
  int64_t offset;
  std::string key;
  std::string value;
  bool has_key;
};

// Reads every partition of `topic` from the beginning with assign() until each reaches `end[p]`.
template <class OnRecord>
int64_t consume_all(const std::string& bootstrap, const std::string& topic, const std::vector<int64_t>& end,
                    OnRecord on_record) {
  event_log ev;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  set(conf.get(), "bootstrap.servers", bootstrap);
  // KafkaConsumer needs a group.id, but nothing here uses the group: assign(), no subscribe, no commits.
  set(conf.get(), "group.id", "rdkafka-roundtrip-unused");
  set(conf.get(), "enable.auto.commit", "false");
  set(conf.get(), "enable.auto.offset.store", "false");
  set(conf.get(), "enable.partition.eof", "true");
  set(conf.get(), "auto.offset.reset", "error");
  std::string err;
  if (conf->set("event_cb", &ev, err) != RdKafka::Conf::CONF_OK)
    die(err);
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!c)
    die("consumer: " + err);
  std::vector<RdKafka::TopicPartition*> parts;
  for (size_t p = 0; p < end.size(); ++p)
    parts.push_back(RdKafka::TopicPartition::create(topic, static_cast<int>(p), RdKafka::Topic::OFFSET_BEGINNING));
  RdKafka::ErrorCode e = c->assign(parts);
  if (e != RdKafka::ERR_NO_ERROR)
    die("assign: " + RdKafka::err2str(e));
  std::vector<int64_t> next(end.size(), 0);
  size_t done = 0;
  for (size_t p = 0; p < end.size(); ++p)
    if (end[p] == 0)
      ++done;
  int64_t n = 0;
  auto t0 = clock_type::now();
  int idle_polls = 0;
  while (done < end.size()) {
    if (seconds_since(t0) > 300)
      die("consume: not at the end of every partition after 5 minutes (" + std::to_string(n) + " records read)");
    std::unique_ptr<RdKafka::Message> m(c->consume(1000));
    switch (m->err()) {
      case RdKafka::ERR_NO_ERROR: {
        idle_polls = 0;
        auto p = static_cast<size_t>(m->partition());
        if (p >= end.size()) {
          check(false, "record from unknown partition " + std::to_string(p));
          break;
        }
        check(m->offset() == next[p], "partition " + std::to_string(p) + ": offset " + std::to_string(m->offset()) +
                                          " after " + std::to_string(next[p] - 1));
        consumed r{m->partition(), m->offset(),
                   m->key() ? *m->key() : std::string(), std::string(static_cast<const char*>(m->payload()), m->len()),
                   m->key() != nullptr};
        on_record(r);
        ++n;
        bool was_done = next[p] >= end[p];
        next[p] = m->offset() + 1;
        if (!was_done && next[p] >= end[p])
          ++done;
        break;
      }
      case RdKafka::ERR__PARTITION_EOF:
      case RdKafka::ERR__TIMED_OUT:
        ++idle_polls;
        break;
      default:
        die("consume: " + m->errstr());
    }
  }
  c->unassign();
  c->close();
  for (auto* tp : parts)
    delete tp;
  return n;
}

// High watermarks through ListOffsets.
std::vector<int64_t> high_watermarks(RdKafka::Handle* h, const std::string& topic, int partitions) {
  std::vector<int64_t> hw(partitions, -1);
  for (int p = 0; p < partitions; ++p) {
    int64_t lo = -1, hi = -1;
    RdKafka::ErrorCode e = h->query_watermark_offsets(topic, p, &lo, &hi, 30000);
    if (e != RdKafka::ERR_NO_ERROR)
      die("query_watermark_offsets: " + RdKafka::err2str(e));
    check(lo == 0, "low watermark of partition " + std::to_string(p) + " is " + std::to_string(lo));
    hw[p] = hi;
  }
  return hw;
}

std::string u64_value(uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012" PRIu64, seq);
  return buf;
}

void part1(const std::string& bootstrap, const std::string& topic, size_t n) {
  constexpr int partitions = 6;
  delivery dr(n);
  event_log ev;
  auto producer = make_producer(bootstrap, dr, ev, {});
  create_topic(producer.get(), topic, partitions);

  auto t0 = clock_type::now();
  for (size_t i = 0; i < n; ++i) {
    produce(producer.get(), topic, static_cast<int32_t>(i % partitions), u64_value(i), nullptr, i);
    if ((i & 1023) == 0)
      producer->poll(0);
  }
  flush(producer.get(), dr, static_cast<int64_t>(n));
  double produce_s = seconds_since(t0);
  std::printf("part 1: produced %zu records, %" PRId64 " delivered, %" PRId64 " failed%s%s, in %.1f s (%.0f records/s)\n",
              n, dr.ok, dr.failed, dr.failed ? ": " : "", dr.first_error.c_str(), produce_s, n / produce_s);
  check(dr.ok == static_cast<int64_t>(n) && dr.failed == 0, "not every record was delivered");
  for (size_t i = 0; i < n; ++i)
    if (dr.partition[i] != static_cast<int32_t>(i % partitions)) {
      check(false, "record " + std::to_string(i) + " delivered to partition " + std::to_string(dr.partition[i]));
      break;
    }
  // Delivered offsets per partition are 0..count-1 in production order.
  std::vector<int64_t> count(partitions, 0);
  for (size_t i = 0; i < n; ++i) {
    int32_t p = dr.partition[i];
    if (p < 0 || p >= partitions)
      continue;
    if (dr.offset[i] != count[p]) {
      check(false, "record " + std::to_string(i) + " got offset " + std::to_string(dr.offset[i]) + ", expected " +
                       std::to_string(count[p]));
      break;
    }
    ++count[p];
  }
  std::vector<int64_t> hw = high_watermarks(producer.get(), topic, partitions);
  for (int p = 0; p < partitions; ++p)
    check(hw[p] == count[p], "high watermark of partition " + std::to_string(p) + " is " + std::to_string(hw[p]) +
                                 ", delivered " + std::to_string(count[p]));
  producer.reset();

  std::vector<uint8_t> seen(n, 0);
  std::vector<int64_t> last(partitions, -1);
  int64_t dups = 0, bad = 0;
  t0 = clock_type::now();
  int64_t got = consume_all(bootstrap, topic, hw, [&](const consumed& r) {
    char* endp = nullptr;
    uint64_t v = std::strtoull(r.value.c_str(), &endp, 10);
    if (r.value.size() != 12 || *endp != '\0' || v >= n || r.has_key) {
      if (bad++ < 5)
        check(false, "malformed record at " + std::to_string(r.partition) + "/" + std::to_string(r.offset));
      return;
    }
    if (seen[v]++) {
      ++dups;
      return;
    }
    check(static_cast<int64_t>(v) > last[r.partition],
          "partition " + std::to_string(r.partition) + ": value " + std::to_string(v) + " after " +
              std::to_string(last[r.partition]));
    last[r.partition] = static_cast<int64_t>(v);
    check(dr.partition[v] == r.partition && dr.offset[v] == r.offset,
          "record " + std::to_string(v) + " found at " + std::to_string(r.partition) + "/" + std::to_string(r.offset) +
              ", delivery report said " + std::to_string(dr.partition[v]) + "/" + std::to_string(dr.offset[v]));
  });
  double consume_s = seconds_since(t0);
  size_t missing = 0;
  for (size_t i = 0; i < n; ++i)
    missing += seen[i] == 0;
  std::printf("part 1: consumed %" PRId64 " records in %.1f s (%.0f records/s): %zu missing, %" PRId64
              " duplicated, %" PRId64 " malformed; per partition",
              got, consume_s, got / consume_s, missing, dups, bad);
  for (int p = 0; p < partitions; ++p)
    std::printf(" %" PRId64, hw[p]);
  std::printf("\n");
  check(missing == 0 && dups == 0 && bad == 0 && got == static_cast<int64_t>(n), "part 1 read-back");
}

// Keys for part 2: text keys of every tail length, binary keys with high bytes (murmur2 treats tail bytes
// as unsigned), long keys.
std::vector<std::string> make_keys(size_t n) {
  std::vector<std::string> keys;
  uint32_t x = 12345;
  for (size_t i = 0; i < n; ++i) {
    std::string k;
    switch (i % 4) {
      case 0:
        k = "key-" + std::to_string(i);
        break;
      case 1:
        k = "kafka";
        k += std::to_string(i);
        break;
      case 2: { // binary, 1..40 bytes, many >= 0x80
        size_t len = 1 + (i / 4) % 40;
        for (size_t j = 0; j < len; ++j) {
          x = x * 1103515245u + 12345u;
          k.push_back(static_cast<char>(x >> 23));
        }
        break;
      }
      default:
        k = std::string(100 + i % 7, static_cast<char>('a' + i % 26)) + std::to_string(i);
    }
    keys.push_back(std::move(k));
  }
  return keys;
}

void part2(const std::string& bootstrap, const std::string& topic) {
  constexpr int partitions = 7;
  constexpr size_t n = 20000;
  check(samsa::murmur2("kafka", 5) == static_cast<int32_t>(0xd067cf64u), "murmur2 test vector");
  std::vector<std::string> keys = make_keys(n);
  delivery dr(n);
  event_log ev;
  auto producer = make_producer(bootstrap, dr, ev, {{"partitioner", "murmur2_random"}});
  create_topic(producer.get(), topic, partitions);
  for (size_t i = 0; i < n; ++i)
    produce(producer.get(), topic, RdKafka::Topic::PARTITION_UA, u64_value(i), &keys[i], i);
  flush(producer.get(), dr, static_cast<int64_t>(n));
  check(dr.ok == static_cast<int64_t>(n) && dr.failed == 0, "part 2: not every keyed record was delivered");

  std::vector<int32_t> expected(n);
  std::vector<int64_t> per_partition(partitions, 0);
  size_t dr_mismatch = 0;
  for (size_t i = 0; i < n; ++i) {
    expected[i] = samsa::partition_for_key(keys[i].data(), keys[i].size(), partitions);
    ++per_partition[expected[i]];
    if (dr.partition[i] != expected[i]) {
      if (dr_mismatch++ < 5)
        check(false, "key #" + std::to_string(i) + " (" + std::to_string(keys[i].size()) +
                         " bytes): delivery report partition " + std::to_string(dr.partition[i]) +
                         ", Java-compatible murmur2 says " + std::to_string(expected[i]));
    }
  }
  std::vector<int64_t> hw = high_watermarks(producer.get(), topic, partitions);
  producer.reset();

  std::vector<uint8_t> seen(n, 0);
  size_t found_mismatch = 0, key_mismatch = 0, dups = 0;
  int64_t got = consume_all(bootstrap, topic, hw, [&](const consumed& r) {
    uint64_t v = std::strtoull(r.value.c_str(), nullptr, 10);
    if (v >= n) {
      check(false, "part 2: malformed value");
      return;
    }
    if (seen[v]++)
      ++dups;
    if (!r.has_key || r.key != keys[v]) {
      if (key_mismatch++ < 5)
        check(false, "part 2: record " + std::to_string(v) + " came back with another key");
    }
    if (r.partition != expected[v]) {
      if (found_mismatch++ < 5)
        check(false, "part 2: record " + std::to_string(v) + " found on partition " + std::to_string(r.partition) +
                         ", Java-compatible murmur2 says " + std::to_string(expected[v]));
    }
  });
  size_t missing = 0;
  for (size_t i = 0; i < n; ++i)
    missing += seen[i] == 0;
  std::printf("part 2: %zu keyed records over %d partitions (murmur2_random): %" PRId64
              " consumed, %zu delivery-report partition mismatches, %zu consumed-partition mismatches, "
              "%zu key mismatches, %zu missing, %zu duplicated; expected per partition",
              n, partitions, got, dr_mismatch, found_mismatch, key_mismatch, missing, dups);
  for (int p = 0; p < partitions; ++p)
    std::printf(" %" PRId64, per_partition[p]);
  std::printf("\n");
  if (dr_mismatch || found_mismatch || key_mismatch || missing || dups)
    ++failures;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP [RECORDS] [TOPIC_PREFIX]\n", argv[0]);
    return 2;
  }
  std::string bootstrap = argv[1];
  size_t n = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  std::string prefix = argc > 3 ? argv[3] : "rdkafka";
  std::printf("librdkafka %s, %zu records\n", RdKafka::version_str().c_str(), n);
  auto t0 = clock_type::now();
  part1(bootstrap, prefix + "-seq", n);
  part2(bootstrap, prefix + "-keyed");
  RdKafka::wait_destroyed(10000);
  std::printf("total %.1f s, %d mismatches\n", seconds_since(t0), failures);
  if (failures) {
    std::printf("rdkafka_roundtrip: FAILED\n");
    return 1;
  }
  std::printf("rdkafka_roundtrip: ok\n");
  return 0;
}
