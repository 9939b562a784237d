// The embedded consumer protocol: exact bytes, round trips per version, forward compatibility,
// and bounds checks on malformed input.

#include <doctest/doctest.h>

#include <string>

#include "cluster/consumer_protocol.hpp"

using namespace samsa::cluster;

namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b)
    s.push_back(static_cast<char>(c));
  return s;
}

consumer_subscription full_subscription(int16_t version) {
  consumer_subscription s;
  s.version = version;
  s.topics = {"orders", "payments"};
  s.user_data = std::string("\x00\x01ud", 4);
  s.owned_partitions = {{"orders", {0, 3}}, {"payments", {1}}};
  s.generation_id = 7;
  s.rack_id = "rack-a";
  return s;
}

} // namespace

TEST_CASE("consumer protocol: subscription v0 bytes are Kafka's") {
  consumer_subscription s;
  s.version = 0;
  s.topics = {"t"};
  s.owned_partitions = {{"ignored", {1}}}; // not in v0
  CHECK(encode_subscription(s) == bytes({0, 0, 0, 0, 0, 1, 0, 1, 't', 0xff, 0xff, 0xff, 0xff}));
  auto d = decode_subscription(encode_subscription(s));
  REQUIRE(d);
  CHECK(d->version == 0);
  CHECK(d->topics == std::vector<std::string>{"t"});
  CHECK_FALSE(d->user_data);
  CHECK(d->owned_partitions.empty());
  CHECK(d->generation_id == -1);
}

TEST_CASE("consumer protocol: subscription round trips for v0-v3") {
  for (int16_t v = 0; v <= 3; ++v) {
    CAPTURE(v);
    auto in = full_subscription(v);
    auto out = decode_subscription(encode_subscription(in));
    REQUIRE(out);
    CHECK(out->version == v);
    CHECK(out->topics == in.topics);
    CHECK(out->user_data == in.user_data);
    CHECK(out->owned_partitions == (v >= 1 ? in.owned_partitions : std::vector<topic_partitions>{}));
    CHECK(out->generation_id == (v >= 2 ? 7 : -1));
    CHECK(out->rack_id == (v >= 3 ? std::optional<std::string>("rack-a") : std::nullopt));
  }
}

TEST_CASE("consumer protocol: a newer version parses with the newest layout, trailing bytes ok") {
  auto enc = encode_subscription(full_subscription(3));
  enc[1] = 9; // version 9
  enc += "future-field";
  auto d = decode_subscription(enc);
  REQUIRE(d);
  CHECK(d->version == 3);
  CHECK(d->rack_id == "rack-a");

  consumer_assignment a;
  a.version = 5;
  a.assigned_partitions = {{"t", {2}}};
  auto da = decode_assignment(encode_assignment(a) + "xyz");
  REQUIRE(da);
  CHECK(da->version == 3);
  CHECK(da->assigned_partitions == a.assigned_partitions);
}

TEST_CASE("consumer protocol: assignment bytes are Kafka's and round trip") {
  consumer_assignment a;
  a.version = 1;
  a.assigned_partitions = {{"t0", {0, 2}}};
  CHECK(encode_assignment(a) == bytes({0, 1, 0, 0, 0, 1, 0, 2, 't', '0', 0, 0, 0, 2, 0, 0, 0, 0,
                                       0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff}));
  a.user_data = "ud";
  a.assigned_partitions.push_back({"t1", {}});
  for (int16_t v = 0; v <= 3; ++v) {
    a.version = v;
    auto d = decode_assignment(encode_assignment(a));
    REQUIRE(d);
    CHECK(d->version == v);
    CHECK(d->assigned_partitions == a.assigned_partitions);
    CHECK(d->user_data == "ud");
  }
}

TEST_CASE("consumer protocol: every truncation and malformed field fails cleanly") {
  auto sub = encode_subscription(full_subscription(3));
  for (size_t n = 0; n < sub.size(); ++n)
    CHECK_FALSE(decode_subscription(std::string_view(sub).substr(0, n)));
  consumer_assignment a{1, {{"t", {0, 1, 2}}}, std::string("u")};
  auto asg = encode_assignment(a);
  for (size_t n = 0; n < asg.size(); ++n)
    CHECK_FALSE(decode_assignment(std::string_view(asg).substr(0, n)));

  CHECK_FALSE(decode_subscription(bytes({0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}))); // v -1
  CHECK_FALSE(decode_assignment(bytes({0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff})));
  // A hostile array count must fail before anything is allocated for it.
  CHECK_FALSE(decode_subscription(bytes({0, 0, 0x7f, 0xff, 0xff, 0xff, 0, 1, 't'})));
  CHECK_FALSE(decode_assignment(bytes({0, 0, 0xff, 0xff, 0xff, 0xff})));
  // Negative string length; null (-1) topic is not allowed either.
  CHECK_FALSE(decode_subscription(bytes({0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})));
  // user_data length -2.
  CHECK_FALSE(decode_subscription(bytes({0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xfe})));
  // An empty byte string is not an assignment (the coordinator's "nothing for you").
  CHECK_FALSE(decode_assignment(""));
}

TEST_CASE("consumer protocol: group_by_topic and flatten") {
  std::vector<topic_partition> flat = {{"a", 0}, {"b", 1}, {"a", 2}};
  auto grouped = group_by_topic(flat);
  REQUIRE(grouped.size() == 2);
  CHECK(grouped[0] == topic_partitions{"a", {0, 2}});
  CHECK(grouped[1] == topic_partitions{"b", {1}});
  auto back = flatten(grouped);
  CHECK(back == std::vector<topic_partition>{{"a", 0}, {"a", 2}, {"b", 1}});
}
