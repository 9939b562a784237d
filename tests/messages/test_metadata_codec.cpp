// The portable codec of metadata record batches (messages/metadata_codec): every record type round-trips,
// random batches round-trip, the exact bytes of one record are pinned, and garbage (truncations, bit
// flips, hostile lengths, random bytes) decodes to nullopt without crashing or allocating wildly.
#include <doctest/doctest.h>

#include <random>
#include <set>
#include <tuple>

#include "messages/metadata_codec.hpp"

using namespace samsa;
namespace codec = samsa::metadata_codec;

namespace samsa {
// Field-by-field equality for the tests (the records themselves stay plain structs).
bool operator==(const register_broker_record& a, const register_broker_record& b) {
  return std::tie(a.node_id, a.incarnation_id, a.broker_epoch, a.endpoints, a.rack, a.fenced)
         == std::tie(b.node_id, b.incarnation_id, b.broker_epoch, b.endpoints, b.rack, b.fenced);
}
bool operator==(const unregister_broker_record& a, const unregister_broker_record& b) {
  return a.node_id == b.node_id && a.broker_epoch == b.broker_epoch;
}
bool operator==(const fence_broker_record& a, const fence_broker_record& b) {
  return a.node_id == b.node_id && a.broker_epoch == b.broker_epoch;
}
bool operator==(const unfence_broker_record& a, const unfence_broker_record& b) {
  return a.node_id == b.node_id && a.broker_epoch == b.broker_epoch;
}
bool operator==(const create_topic_record& a, const create_topic_record& b) {
  return a.name == b.name && a.topic_id == b.topic_id;
}
bool operator==(const partition_record& a, const partition_record& b) {
  return std::tie(a.topic_id, a.partition, a.replicas, a.isr, a.leader, a.leader_epoch, a.partition_epoch)
         == std::tie(b.topic_id, b.partition, b.replicas, b.isr, b.leader, b.leader_epoch, b.partition_epoch);
}
bool operator==(const partition_change_record& a, const partition_change_record& b) {
  return std::tie(a.topic_id, a.partition, a.isr, a.leader, a.replicas)
         == std::tie(b.topic_id, b.partition, b.isr, b.leader, b.replicas);
}
bool operator==(const config_record& a, const config_record& b) {
  return std::tie(a.resource_type, a.resource_name, a.key, a.value)
         == std::tie(b.resource_type, b.resource_name, b.key, b.value);
}
bool operator==(const producer_ids_record& a, const producer_ids_record& b) {
  return std::tie(a.node_id, a.broker_epoch, a.next_producer_id)
         == std::tie(b.node_id, b.broker_epoch, b.next_producer_id);
}
bool operator==(const remove_topic_record& a, const remove_topic_record& b) { return a.topic_id == b.topic_id; }
bool operator==(const noop_record&, const noop_record&) { return true; }
} // namespace samsa

namespace {

// One record of each type with every field away from its default (so a field the codec forgets shows).
std::vector<metadata_record> one_of_each() {
  register_broker_record reg{7, "inc-7", 42, {{"PLAINTEXT", "h1", 9092}, {"NATIVE", "h1", 65535}}, "rack-a", false};
  partition_change_record change;
  change.topic_id = "tid";
  change.partition = 3;
  change.isr = std::vector<int32_t>{1, 2};
  change.leader = -1;
  change.replicas = std::vector<int32_t>{};
  return {reg,
          unregister_broker_record{8, -5},
          fence_broker_record{9, 1LL << 40},
          unfence_broker_record{10, 3},
          create_topic_record{"orders", "AAAAAAAAAAAAAAAAAAAAAA"},
          partition_record{"tid", 2, {3, 1, 2}, {3, 1}, 3, 17, 99, {}, {}},
          change,
          config_record{config_resource::broker, "", "log.retention.ms", std::string{""}},
          config_record{config_resource::topic, "orders", "cleanup.policy", std::nullopt},
          producer_ids_record{2, 11, 5000},
          remove_topic_record{"tid"},
          noop_record{}};
}

std::string random_string(std::mt19937_64& rng) {
  std::string s(rng() % 12, '\0');
  for (auto& c : s)
    c = static_cast<char>(rng()); // any byte, NUL included
  return s;
}

std::vector<int32_t> random_ints(std::mt19937_64& rng) {
  std::vector<int32_t> v(rng() % 5);
  for (auto& x : v)
    x = static_cast<int32_t>(rng());
  return v;
}

metadata_record random_record(std::mt19937_64& rng) {
  auto i32 = [&] { return static_cast<int32_t>(rng()); };
  auto i64 = [&] { return static_cast<int64_t>(rng()); };
  switch (rng() % std::variant_size_v<metadata_record>) {
    case 0: {
      register_broker_record r{i32(), random_string(rng), i64(), {}, random_string(rng), rng() % 2 == 0};
      for (auto n = rng() % 3; n > 0; --n)
        r.endpoints.push_back({random_string(rng), random_string(rng), static_cast<uint16_t>(rng())});
      return r;
    }
    case 1: return unregister_broker_record{i32(), i64()};
    case 2: return fence_broker_record{i32(), i64()};
    case 3: return unfence_broker_record{i32(), i64()};
    case 4: return create_topic_record{random_string(rng), random_string(rng)};
    case 5: return partition_record{random_string(rng), i32(), random_ints(rng), random_ints(rng), i32(), i32(), i32(), {}, {}};
    case 6: {
      partition_change_record c;
      c.topic_id = random_string(rng);
      c.partition = i32();
      if (rng() % 2) c.isr = random_ints(rng);
      c.leader = i32();
      if (rng() % 2) c.replicas = random_ints(rng);
      return c;
    }
    case 7: {
      config_record c{rng() % 2 ? config_resource::topic : config_resource::broker, random_string(rng),
                      random_string(rng), std::nullopt};
      if (rng() % 2) c.value = random_string(rng);
      return c;
    }
    case 8: return producer_ids_record{i32(), i64(), i64()};
    case 9: return remove_topic_record{random_string(rng)};
    default: return noop_record{};
  }
}

} // namespace

TEST_CASE("metadata codec: every record type round-trips, alone and in one batch") {
  auto all = one_of_each();
  std::set<size_t> types;
  for (const auto& r : all) {
    types.insert(r.index());
    auto back = codec::decode(codec::encode({r}));
    REQUIRE(back);
    REQUIRE(back->size() == 1);
    CHECK(back->front() == r);
  }
  CHECK(types.size() == std::variant_size_v<metadata_record>);
  auto back = codec::decode(codec::encode(all));
  REQUIRE(back);
  CHECK(*back == all);
  auto empty = codec::decode(codec::encode({}));
  REQUIRE(empty);
  CHECK(empty->empty());
}

TEST_CASE("metadata codec: the bytes are the documented big-endian layout") {
  // version 1, count 1, type 8 (producer_ids), i32 node 2, i64 epoch 11, i64 next 5000 (0x1388).
  std::string expected("\x01"
                       "\x00\x00\x00\x01"
                       "\x08"
                       "\x00\x00\x00\x02"
                       "\x00\x00\x00\x00\x00\x00\x00\x0b"
                       "\x00\x00\x00\x00\x00\x00\x13\x88",
                       1 + 4 + 1 + 4 + 8 + 8);
  CHECK(codec::encode({producer_ids_record{2, 11, 5000}}) == expected);
  // type 4 (topic): two strings, u32 length each.
  std::string topic("\x01\x00\x00\x00\x01\x04\x00\x00\x00\x01"
                    "a\x00\x00\x00\x02"
                    "id",
                    1 + 4 + 1 + 4 + 1 + 4 + 2);
  CHECK(codec::encode({create_topic_record{"a", "id"}}) == topic);
}

TEST_CASE("metadata codec: random batches round-trip") {
  std::mt19937_64 rng(20260401);
  for (int i = 0; i < 2000; ++i) {
    std::vector<metadata_record> batch(rng() % 8);
    for (auto& r : batch)
      r = random_record(rng);
    auto bytes = codec::encode(batch);
    auto back = codec::decode(bytes);
    REQUIRE(back);
    REQUIRE(*back == batch);
  }
}

TEST_CASE("metadata codec: truncated, extended and malformed input is refused") {
  auto bytes = codec::encode(one_of_each());
  for (size_t n = 0; n < bytes.size(); ++n)
    CHECK_FALSE(codec::decode(std::string_view(bytes.data(), n)));
  CHECK_FALSE(codec::decode(bytes + '\0')); // trailing garbage
  auto bad = [&](size_t at, char value) {
    auto copy = bytes;
    copy[at] = value;
    return codec::decode(copy).has_value();
  };
  CHECK_FALSE(bad(0, 2));                                         // unknown format version
  CHECK_FALSE(bad(5, static_cast<char>(std::variant_size_v<metadata_record>))); // unknown record type
  // A bool other than 0/1: the single register_broker record's `fenced` is its last byte.
  auto reg = codec::encode({one_of_each().front()});
  reg.back() = 2;
  CHECK_FALSE(codec::decode(reg));
  // An unknown config resource type (type 7 starts with the resource byte).
  auto cfg = codec::encode({config_record{config_resource::topic, "t", "k", std::nullopt}});
  cfg[6] = 3;
  CHECK_FALSE(codec::decode(cfg));
  // Hostile lengths: a record count and a string length of 4 GiB - 1 with nothing behind them.
  CHECK_FALSE(codec::decode(std::string("\x01\xff\xff\xff\xff", 5)));
  std::string huge_string("\x01\x00\x00\x00\x01\x09\xff\xff\xff\xff", 10); // remove_topic with a 4 GiB id
  CHECK_FALSE(codec::decode(huge_string));
}

TEST_CASE("metadata codec: random bytes and bit flips never crash, what decodes re-encodes to the same bytes") {
  std::mt19937_64 rng(77);
  auto valid = codec::encode(one_of_each());
  size_t decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string input;
    if (i % 2) {
      input.resize(rng() % 64);
      for (auto& c : input)
        c = static_cast<char>(rng());
      if (!input.empty() && rng() % 2)
        input[0] = 1; // past the version check more often
    } else {
      input = valid;
      for (auto flips = 1 + rng() % 4; flips > 0; --flips)
        input[rng() % input.size()] ^= static_cast<char>(1 << (rng() % 8));
    }
    if (auto out = codec::decode(input)) {
      ++decoded; // a flip inside a string or integer is still a well-formed batch: it must re-encode
      CHECK(codec::encode(*out) == input);
    }
  }
  MESSAGE("fuzz: " << decoded << " of 20000 mutated inputs were well-formed batches");
}
