// Fetch answers honour max_bytes across partitions (Kafka's rule: whole batches in request order, each
// partition at most partition_max_bytes, the answer at most max_bytes, except that the first partition with
// data always gets one batch) and a connection's fetches share a byte budget given back as answers are
// written. Through the real request handler and partition actors on the deterministic test coordinator.
#include "actor_fixture.hpp"

#include "actors/kafka_handler.hpp"
#include "messages/kafka/fetch.hpp"
#include "messages/kafka/request_header.hpp"
#include "messages/record_batch.hpp"

using namespace samsa;
using samsa::testing::broker_fixture;
using samsa::testing::make_record;

namespace {

struct wanted_partition {
  std::string topic;
  int32_t partition;
  int32_t max_bytes;
};

// A decoded Fetch answer; `bytes` keeps the records' memory alive.
struct fetch_answer {
  actors::kafka_reply reply;
  kafka::fetch_response resp;
};

struct fetch_fixture : broker_fixture {
  caf::actor handler;
  int32_t next_corr = 1;

  fetch_fixture() {
    handler = sys.spawn(actors::kafka_handler, actors::kafka_listener_config{broker, server, caf::actor{}, caf::actor{}, nullptr});
  }
  ~fetch_fixture() {
    self->send_exit(handler, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void create(const std::string& topic, int32_t partitions) {
    topic_spec s;
    s.name = topic;
    s.partitions = partitions;
    REQUIRE(ask<topic_description>(create_atom::value, s));
  }

  // One batch of one record with a value of `size` bytes.
  void produce(const std::string& topic, int32_t partition, size_t size) {
    produce_request req;
    req.topic = topic;
    req.partition = partition;
    req.records.push_back(make_record(std::nullopt, std::string(size, 'v')));
    auto r = ask<produce_response>(produce_atom::value, req);
    REQUIRE(r);
    REQUIRE(r->partitions.at(0).error == 0);
  }

  // Sizes of the batches stored in a partition, read through the native API.
  std::vector<size_t> stored(const std::string& topic, int32_t partition) {
    fetch_request f;
    f.topic = topic;
    f.partition = partition;
    f.max_bytes = 64 << 20;
    auto r = ask<fetch_response>(fetch_atom::value, f);
    REQUIRE(r);
    return batch_sizes(r->records);
  }

  static std::vector<size_t> batch_sizes(const std::vector<char>& records) {
    std::vector<size_t> out;
    size_t q = 0;
    while (q < records.size()) {
      auto h = read_batch_header(records.data() + q, records.size() - q);
      REQUIRE(h);
      out.push_back(h->total_size());
      q += h->total_size();
    }
    REQUIRE(q == records.size());
    return out;
  }

  std::vector<char> fetch_frame(int32_t max_bytes, const std::vector<wanted_partition>& parts) {
    kafka::fetch_request req;
    req.max_bytes = max_bytes;
    for (auto& p : parts) {
      if (req.topics.empty() || req.topics.back().topic != p.topic)
        req.topics.push_back(kafka::fetch_topic{p.topic, {}});
      kafka::fetch_partition fp;
      fp.partition = p.partition;
      fp.partition_max_bytes = p.max_bytes;
      req.topics.back().partitions.push_back(fp);
    }
    std::vector<char> frame;
    kafka::writer w{frame};
    kafka::encode_request_header(w, kafka::request_header{1, 4, next_corr++, std::string{"test"}});
    kafka::encode(w, 4, req);
    REQUIRE_FALSE(w.failed());
    return frame;
  }

  static fetch_answer decode_answer(actors::kafka_reply reply) {
    fetch_answer a;
    a.reply = std::move(reply);
    REQUIRE(a.reply.bytes.size() > 4);
    kafka::reader r{a.reply.bytes.data() + 4, a.reply.bytes.size() - 4};
    int32_t corr = 0;
    REQUIRE(kafka::decode_response_header(r, 1, 4, corr));
    REQUIRE(kafka::decode(r, 4, a.resp));
    return a;
  }

  // Sends a Fetch v4 to the handler, runs until idle, decodes the answer and gives its budget back (as the
  // session does once the answer is written).
  fetch_answer fetch(int32_t max_bytes, const std::vector<wanted_partition>& parts) {
    auto handle = self->request(handler, caf::infinite, actors::kafka_request_atom::value, fetch_frame(max_bytes, parts));
    sched.run();
    REQUIRE(self->mailbox().size() == 1); // answered without waiting (a blocking receive would hang)
    actors::kafka_reply reply;
    bool got = false;
    handle.receive([&](actors::kafka_reply& x) { reply = std::move(x), got = true; }, [&](caf::error&) {});
    REQUIRE(got);
    if (reply.credit > 0)
      self->send(handler, actors::kafka_credit_atom::value, reply.credit);
    sched.run();
    return decode_answer(std::move(reply));
  }
};

// Kafka's rule, computed sequentially from the stored batch sizes: batches each partition must get.
std::vector<size_t> expected_counts(const std::vector<std::vector<size_t>>& batches,
                                    const std::vector<int32_t>& partition_max, int64_t max_bytes) {
  std::vector<size_t> out;
  int64_t remaining = max_bytes;
  bool have_data = false;
  for (size_t p = 0; p < batches.size(); ++p) {
    int64_t limit = std::max<int64_t>(std::min<int64_t>(partition_max[p], remaining), 0);
    int64_t used = 0;
    size_t n = 0;
    for (auto size : batches[p]) {
      if (used + static_cast<int64_t>(size) > limit && !(n == 0 && !have_data))
        break;
      used += static_cast<int64_t>(size);
      ++n;
      if (used > limit)
        break; // the one oversized batch of the first partition with data
    }
    have_data = have_data || n > 0;
    remaining -= used;
    out.push_back(n);
  }
  return out;
}

std::vector<size_t> answered_counts(const fetch_answer& a) {
  std::vector<size_t> out;
  for (auto& t : a.resp.responses)
    for (auto& p : t.partitions) {
      std::vector<char> records;
      if (p.records && p.records->size > 0)
        records.assign(p.records->data, p.records->data + p.records->size);
      out.push_back(fetch_fixture::batch_sizes(records).size());
    }
  return out;
}

} // namespace

TEST_CASE("fetch: max_bytes bounds the answer of one partition with a huge partition_max_bytes") {
  fetch_fixture fx;
  fx.create("one", 1);
  for (int i = 0; i < 10; ++i)
    fx.produce("one", 0, 10000);
  auto sizes = fx.stored("one", 0);
  REQUIRE(sizes.size() == 10);
  auto a = fx.fetch(35000, {{"one", 0, 64 << 20}});
  REQUIRE(a.resp.responses.size() == 1);
  auto& p = a.resp.responses[0].partitions.at(0);
  CHECK(p.error == kafka::error_code::none);
  CHECK(p.high_watermark == 10);
  CHECK(answered_counts(a) == std::vector<size_t>{3}); // 3 x 10,070 bytes fit in 35,000; 4 do not
  // A limit below one batch still returns exactly one batch, so a consumer never stalls.
  CHECK(answered_counts(fx.fetch(100, {{"one", 0, 64 << 20}})) == std::vector<size_t>{1});
  CHECK(answered_counts(fx.fetch(64 << 20, {{"one", 0, 100}})) == std::vector<size_t>{1});
}

TEST_CASE("fetch: max_bytes across partitions follows Kafka's order rule for every combination") {
  fetch_fixture fx;
  fx.create("m", 5);
  // p0 empty; p1 one batch larger than most limits; p2, p3 three medium batches; p4 two small ones.
  fx.produce("m", 1, 50000);
  for (int i = 0; i < 3; ++i) {
    fx.produce("m", 2, 10000);
    fx.produce("m", 3, 10000);
  }
  fx.produce("m", 4, 5000);
  fx.produce("m", 4, 5000);
  std::vector<std::vector<size_t>> batches;
  for (int32_t p = 0; p < 5; ++p)
    batches.push_back(fx.stored("m", p));
  for (int32_t max_bytes : {0, 1, 20000, 45000, 60000, 75000, 100000, 1 << 20}) {
    for (int32_t pmax : {0, 1, 15000, 25000, 60000, 1 << 20}) {
      for (bool skip_big : {false, true}) {
        INFO("max_bytes " << max_bytes << ", partition_max_bytes " << pmax << (skip_big ? ", without p1" : ""));
        std::vector<wanted_partition> want;
        std::vector<std::vector<size_t>> want_batches;
        for (int32_t p = 0; p < 5; ++p) {
          if (skip_big && p == 1)
            continue;
          want.push_back({"m", p, pmax});
          want_batches.push_back(batches[static_cast<size_t>(p)]);
        }
        auto a = fx.fetch(max_bytes, want);
        auto expected = expected_counts(want_batches, std::vector<int32_t>(want.size(), pmax), max_bytes);
        CHECK(answered_counts(a) == expected);
        // Every partition reports its offsets, with or without data.
        for (auto& p : a.resp.responses.at(0).partitions) {
          CHECK(p.error == kafka::error_code::none);
          CHECK(p.high_watermark == static_cast<int64_t>(batches[static_cast<size_t>(p.partition_index)].size()));
        }
      }
    }
  }
}

TEST_CASE("fetch: mixed partition limits, with earlier partitions using less than their share") {
  fetch_fixture fx;
  fx.create("s", 6);
  for (int32_t p = 0; p < 6; ++p)
    for (int i = 0; i < p + 1; ++i)
      fx.produce("s", p, 3000 * static_cast<size_t>(p + 1));
  std::vector<std::vector<size_t>> batches;
  std::vector<wanted_partition> want;
  std::vector<int32_t> pmax{40000, 5000, 40000, 40000, 30000, 40000};
  for (int32_t p = 0; p < 6; ++p) {
    batches.push_back(fx.stored("s", p));
    want.push_back({"s", p, pmax[static_cast<size_t>(p)]});
  }
  for (int32_t max_bytes : {50000, 90000, 130000, 200000}) {
    INFO("max_bytes " << max_bytes);
    auto a = fx.fetch(max_bytes, want);
    CHECK(answered_counts(a) == expected_counts(batches, pmax, max_bytes));
  }
}

TEST_CASE("fetch: a connection's fetches wait for the budget until earlier answers are written") {
  fetch_fixture fx;
  fx.create("b", 1);
  fx.produce("b", 0, 1000);
  // Each fetch may carry up to 40 MiB: two exceed the 64 MiB budget, so the second waits for the first's
  // credit, which the session returns only once that answer has left its write buffer.
  auto frame = [&] { return fx.fetch_frame(40 << 20, {{"b", 0, 40 << 20}}); };
  auto first = fx.self->request(fx.handler, caf::infinite, actors::kafka_request_atom::value, frame());
  auto second = fx.self->request(fx.handler, caf::infinite, actors::kafka_request_atom::value, frame());
  fx.sched.run();
  REQUIRE(fx.self->mailbox().size() == 1);
  int64_t credit = 0;
  first.receive([&](actors::kafka_reply& r) { credit = r.credit; }, [&](caf::error&) {});
  CHECK(credit == 40 << 20);
  CHECK(fx.self->mailbox().size() == 0);
  fx.self->send(fx.handler, actors::kafka_credit_atom::value, credit);
  fx.sched.run();
  REQUIRE(fx.self->mailbox().size() == 1);
  bool answered = false;
  second.receive([&](actors::kafka_reply& r) { answered = !r.bytes.empty(), credit = r.credit; }, [&](caf::error&) {});
  CHECK(answered);
  fx.self->send(fx.handler, actors::kafka_credit_atom::value, credit);
  // max_bytes above Kafka's fetch.max.bytes default reserves (and may carry) no more than that.
  auto a = fx.fetch(0x7fffffff, {{"b", 0, 0x7fffffff}});
  CHECK(a.reply.credit == actors::kafka_fetch_max_bytes);
}
