// Broker and partition replica actors through the typed native API, on CAF's deterministic test coordinator.
#include "actor_fixture.hpp"

#include "messages/murmur2.hpp"

using namespace samsa;
using samsa::testing::broker_fixture;
using samsa::testing::make_record;

namespace {

topic_spec spec_of(std::string name, int32_t partitions, std::map<std::string, std::string> configs = {}) {
  topic_spec s;
  s.name = std::move(name);
  s.partitions = partitions;
  s.configs = std::move(configs);
  return s;
}

std::vector<record> decode(const fetch_response& r, int64_t from = 0) {
  std::vector<record> out;
  REQUIRE(decode_batches(r.records.data(), r.records.size(), from, out));
  return out;
}

fetch_request fetch_of(std::string topic, int32_t partition, int64_t offset, int32_t max_wait_ms = 0) {
  fetch_request f;
  f.topic = std::move(topic);
  f.partition = partition;
  f.offset = offset;
  f.max_wait_ms = max_wait_ms;
  return f;
}

} // namespace

TEST_CASE("create, describe, list and delete topics") {
  broker_fixture fx;
  auto created = fx.ask<topic_description>(create_atom::value, spec_of("orders", 3, {{"retention.ms", "60000"}}));
  REQUIRE(created);
  CHECK(created->partitions == 3);
  CHECK(created->topic_id.size() == 22);
  auto again = fx.ask<topic_description>(create_atom::value, spec_of("orders", 3));
  REQUIRE_FALSE(again);
  CHECK(api_code(again.error()) == api_errc::topic_already_exists);
  auto all = fx.ask<std::vector<topic_description>>(describe_atom::value, std::vector<std::string>{});
  REQUIRE(all);
  REQUIRE(all->size() == 1);
  CHECK(all->front().configs.at("retention.ms") == "60000");
  REQUIRE(all->front().partition_states.size() == 3);
  CHECK(all->front().partition_states[2].partition == 2);
  CHECK(all->front().partition_states[2].leader == 1);
  CHECK(std::filesystem::is_directory(fx.dir / "orders-2"));
  auto deleted = fx.ask<bool>(delete_atom::value, std::string{"orders"});
  REQUIRE(deleted);
  CHECK_FALSE(std::filesystem::exists(fx.dir / "orders-0"));
  auto gone = fx.ask<std::vector<topic_description>>(describe_atom::value, std::vector<std::string>{"orders"});
  REQUIRE_FALSE(gone);
  CHECK(api_code(gone.error()) == api_errc::unknown_topic_or_partition);
}

TEST_CASE("bad topic requests get clear errors") {
  broker_fixture fx;
  auto bad_name = fx.ask<topic_description>(create_atom::value, spec_of("no/slashes", 1));
  REQUIRE_FALSE(bad_name);
  CHECK(api_code(bad_name.error()) == api_errc::invalid_topic);
  auto zero = fx.ask<topic_description>(create_atom::value, spec_of("t", 0));
  REQUIRE_FALSE(zero);
  CHECK(api_code(zero.error()) == api_errc::invalid_partitions);
  auto rf = spec_of("t", 1);
  rf.replication_factor = 3;
  auto too_many = fx.ask<topic_description>(create_atom::value, rf);
  REQUIRE_FALSE(too_many);
  CHECK(api_code(too_many.error()) == api_errc::invalid_replication_factor);
  auto bad_cfg = fx.ask<topic_description>(create_atom::value, spec_of("t", 1, {{"retention.ms", "soon"}}));
  REQUIRE_FALSE(bad_cfg);
  CHECK(api_code(bad_cfg.error()) == api_errc::invalid_config);
  auto only_validate = spec_of("t", 2);
  only_validate.validate_only = true;
  REQUIRE(fx.ask<topic_description>(create_atom::value, only_validate));
  auto none = fx.ask<std::vector<topic_description>>(describe_atom::value, std::vector<std::string>{});
  REQUIRE(none);
  CHECK(none->empty());
}

TEST_CASE("produce then fetch through the broker, keyed records follow murmur2") {
  broker_fixture fx;
  REQUIRE(fx.ask<topic_description>(create_atom::value, spec_of("keys", 4)));
  produce_request req;
  req.topic = "keys";
  std::vector<std::string> keys{"alpha", "beta", "gamma", "delta", "kafka"};
  for (auto& k : keys)
    req.records.push_back(make_record(k, "v-" + k));
  auto resp = fx.ask<produce_response>(produce_atom::value, req);
  REQUIRE(resp);
  int32_t total = 0;
  for (auto& p : resp->partitions) {
    CHECK(p.error == 0);
    total += p.record_count;
  }
  CHECK(total == 5);
  for (auto& k : keys) {
    auto expected_partition = partition_for_key(k.data(), k.size(), 4);
    auto f = fx.ask<fetch_response>(fetch_atom::value, fetch_of("keys", expected_partition, 0));
    REQUIRE(f);
    auto recs = decode(*f);
    bool found = false;
    for (auto& r : recs)
      found = found || (r.key == k && r.value == "v-" + k);
    CHECK_MESSAGE(found, "key " << k << " not on partition " << expected_partition);
  }
}

TEST_CASE("offsets are dense, ordered and survive a broker restart") {
  broker_fixture fx;
  REQUIRE(fx.ask<topic_description>(create_atom::value, spec_of("log", 1)));
  for (int batch = 0; batch < 10; ++batch) {
    produce_request req;
    req.topic = "log";
    req.partition = 0;
    for (int i = 0; i < 100; ++i)
      req.records.push_back(make_record(std::nullopt, std::to_string(batch * 100 + i)));
    auto resp = fx.ask<produce_response>(produce_atom::value, req);
    REQUIRE(resp);
    REQUIRE(resp->partitions.size() == 1);
    CHECK(resp->partitions[0].base_offset == batch * 100);
  }
  fx.stop();
  fx.start();
  auto latest = fx.ask<offset_answer>(offsets_atom::value, std::string{"log"}, int32_t{0}, latest_timestamp);
  REQUIRE(latest);
  CHECK(latest->offset == 1000);
  int64_t next = 0;
  while (next < 1000) {
    auto f = fx.ask<fetch_response>(fetch_atom::value, fetch_of("log", 0, next));
    REQUIRE(f);
    REQUIRE(f->error == 0);
    auto recs = decode(*f, next);
    REQUIRE_FALSE(recs.empty());
    for (auto& r : recs) {
      CHECK(r.offset == next);
      CHECK(r.value == std::to_string(next));
      ++next;
    }
  }
}

TEST_CASE("a long-poll fetch is released by a later append") {
  broker_fixture fx;
  REQUIRE(fx.ask<topic_description>(create_atom::value, spec_of("poll", 1)));
  auto parked = fx.self->request(fx.broker, caf::infinite, fetch_atom::value, fetch_of("poll", 0, 0, 30000));
  fx.sched.run();
  CHECK_FALSE(fx.has_reply()); // nothing to read: the fetch waits
  produce_request req;
  req.topic = "poll";
  req.records.push_back(make_record(std::nullopt, "wake up"));
  REQUIRE(fx.ask<produce_response>(produce_atom::value, req));
  fetch_response got;
  parked.receive([&](fetch_response& r) { got = std::move(r); }, [](caf::error& e) { FAIL(describe(e)); });
  auto recs = decode(got);
  REQUIRE(recs.size() == 1);
  CHECK(recs[0].value == "wake up");
  CHECK(got.high_watermark == 1);
}

TEST_CASE("a long-poll fetch with no data is answered empty at its deadline") {
  broker_fixture fx;
  REQUIRE(fx.ask<topic_description>(create_atom::value, spec_of("idle", 1)));
  auto parked = fx.self->request(fx.broker, caf::infinite, fetch_atom::value, fetch_of("idle", 0, 0, 500));
  fx.sched.run();
  CHECK_FALSE(fx.has_reply());
  fx.sched.advance_time(std::chrono::milliseconds(499));
  fx.sched.run();
  CHECK_FALSE(fx.has_reply());
  fx.sched.advance_time(std::chrono::milliseconds(1));
  fx.sched.run();
  CHECK(fx.has_reply());
  fetch_response got;
  parked.receive([&](fetch_response& r) { got = std::move(r); }, [](caf::error& e) { FAIL(describe(e)); });
  CHECK(got.error == 0);
  CHECK(got.records.empty());
  CHECK(got.high_watermark == 0);
}

TEST_CASE("list offsets: earliest, latest, by timestamp") {
  broker_fixture fx;
  REQUIRE(fx.ask<topic_description>(create_atom::value, spec_of("times", 1)));
  for (int64_t ts : {1000, 2000, 3000}) {
    produce_request req;
    req.topic = "times";
    auto r = make_record(std::nullopt, "at " + std::to_string(ts));
    r.timestamp = ts;
    req.records.push_back(r);
    REQUIRE(fx.ask<produce_response>(produce_atom::value, req));
  }
  auto ask_ts = [&](int64_t ts) {
    auto a = fx.ask<offset_answer>(offsets_atom::value, std::string{"times"}, int32_t{0}, ts);
    REQUIRE(a);
    return *a;
  };
  CHECK(ask_ts(earliest_timestamp).offset == 0);
  CHECK(ask_ts(latest_timestamp).offset == 3);
  CHECK(ask_ts(1500).offset == 1);
  CHECK(ask_ts(1500).timestamp == 2000);
  CHECK(ask_ts(3000).offset == 2);
  CHECK(ask_ts(3001).offset == -1);
}

TEST_CASE("bad input: too large, unknown topic, bad offsets, bad acks, the broker keeps serving") {
  broker_fixture fx{{"message.max.bytes=1000", "auto.create.topics.enable=false"}};
  REQUIRE(fx.ask<topic_description>(create_atom::value, spec_of("small", 1)));
  produce_request big;
  big.topic = "small";
  big.records.push_back(make_record(std::nullopt, std::string(5000, 'x')));
  auto too_large = fx.ask<produce_response>(produce_atom::value, big);
  REQUIRE(too_large);
  REQUIRE(too_large->partitions.size() == 1);
  CHECK(too_large->partitions[0].error == static_cast<uint8_t>(api_errc::record_too_large));

  produce_request unknown;
  unknown.topic = "nope";
  unknown.records.push_back(make_record(std::nullopt, "x"));
  auto no_topic = fx.ask<produce_response>(produce_atom::value, unknown);
  REQUIRE_FALSE(no_topic);
  CHECK(api_code(no_topic.error()) == api_errc::unknown_topic_or_partition);

  auto f_unknown = fx.ask<fetch_response>(fetch_atom::value, fetch_of("nope", 0, 0));
  REQUIRE(f_unknown);
  CHECK(f_unknown->error == static_cast<uint8_t>(api_errc::unknown_topic_or_partition));

  auto negative = fx.ask<fetch_response>(fetch_atom::value, fetch_of("small", 0, -5));
  REQUIRE(negative);
  CHECK(negative->error == static_cast<uint8_t>(api_errc::offset_out_of_range));
  auto past_end = fx.ask<fetch_response>(fetch_atom::value, fetch_of("small", 0, 10));
  REQUIRE(past_end);
  CHECK(past_end->error == static_cast<uint8_t>(api_errc::offset_out_of_range));

  produce_request bad_acks;
  bad_acks.topic = "small";
  bad_acks.acks = 7;
  bad_acks.records.push_back(make_record(std::nullopt, "x"));
  auto acks = fx.ask<produce_response>(produce_atom::value, bad_acks);
  REQUIRE_FALSE(acks);
  CHECK(api_code(acks.error()) == api_errc::invalid_required_acks);

  // A corrupt raw batch (the Kafka path) is refused and nothing is stored.
  auto part = fx.ask<partition_actor>(partition_atom::value, std::string{"small"}, int32_t{0});
  REQUIRE(part);
  auto batch = encode_batch({make_record(std::nullopt, "fine")}, 1);
  batch.back() ^= 0x01;
  auto h = fx.self->request(*part, caf::infinite, append_atom::value, batch, acks_leader, int32_t{0});
  fx.sched.run();
  h.receive([](partition_produce_result& r) { CHECK(r.error == static_cast<uint8_t>(api_errc::corrupt_message)); },
            [](caf::error& e) { FAIL(describe(e)); });

  // Still serving: a normal produce works and lands at offset 0 (nothing bad was stored).
  produce_request ok;
  ok.topic = "small";
  ok.records.push_back(make_record(std::nullopt, "fine"));
  auto fine = fx.ask<produce_response>(produce_atom::value, ok);
  REQUIRE(fine);
  REQUIRE(fine->partitions.size() == 1);
  CHECK(fine->partitions[0].error == 0);
  CHECK(fine->partitions[0].base_offset == 0);
}

TEST_CASE("acks=all needs min.insync.replicas in-sync replicas") {
  broker_fixture fx;
  REQUIRE(fx.ask<topic_description>(create_atom::value, spec_of("strict", 1, {{"min.insync.replicas", "2"}})));
  produce_request req;
  req.topic = "strict";
  req.acks = acks_all;
  req.records.push_back(make_record(std::nullopt, "x"));
  auto r = fx.ask<produce_response>(produce_atom::value, req);
  REQUIRE(r);
  REQUIRE(r->partitions.size() == 1);
  CHECK(r->partitions[0].error == static_cast<uint8_t>(api_errc::not_enough_replicas));
  req.acks = acks_leader;
  auto r1 = fx.ask<produce_response>(produce_atom::value, req);
  REQUIRE(r1);
  CHECK(r1->partitions[0].error == 0);
}

TEST_CASE("auto-creation on produce uses num.partitions") {
  broker_fixture fx{{"num.partitions=3"}};
  produce_request req;
  req.topic = "fresh";
  req.records.push_back(make_record(std::nullopt, "x"));
  REQUIRE(fx.ask<produce_response>(produce_atom::value, req));
  auto d = fx.ask<std::vector<topic_description>>(describe_atom::value, std::vector<std::string>{"fresh"});
  REQUIRE(d);
  CHECK(d->front().partitions == 3);
}
