// Metadata codec tests: literal requests as clients send them, responses per version.

#include <doctest/doctest.h>

#include "messages/kafka/metadata.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

TEST_CASE("metadata: v0 request, empty array means all topics") {
  auto b = bytes({0x00, 0x00, 0x00, 0x00});
  auto req = check_reencodes<metadata_request>(b, 0);
  CHECK(req.wants_all_topics(0));
  // Encoding "all" (null) at v0 must produce the empty array, not -1.
  metadata_request all;
  all.topics.reset();
  CHECK(encode_to_bytes(0, all) == b);
}

TEST_CASE("metadata: v1 request as kafka-python sends it") {
  auto b = bytes({0x00, 0x00, 0x00, 0x02, 0x00, 0x04}) + ascii("test") + bytes({0x00, 0x01}) +
           ascii("x");
  auto req = check_reencodes<metadata_request>(b, 1);
  REQUIRE(req.topics.has_value());
  CHECK(*req.topics == std::vector<std::string>{"test", "x"});
  CHECK_FALSE(req.wants_all_topics(1));
  check_hostile<metadata_request>(b, 1);

  auto empty = bytes({0x00, 0x00, 0x00, 0x00});
  auto none = decode_all<metadata_request>(empty, 1);
  CHECK_FALSE(none.wants_all_topics(1)); // v1+: empty means no topics
}

TEST_CASE("metadata: v4 request with null topics and auto-creation off (librdkafka)") {
  auto b = bytes({0xff, 0xff, 0xff, 0xff, 0x00});
  auto req = check_reencodes<metadata_request>(b, 4);
  CHECK_FALSE(req.topics.has_value());
  CHECK(req.wants_all_topics(4));
  CHECK_FALSE(req.allow_auto_topic_creation);
  check_hostile<metadata_request>(b, 4);
}

TEST_CASE("metadata: v8 request carries the authorized-operations flags") {
  auto b = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") + bytes({0x01, 0x00, 0x01});
  auto req = check_reencodes<metadata_request>(b, 8);
  CHECK(req.allow_auto_topic_creation);
  CHECK_FALSE(req.include_cluster_authorized_operations);
  CHECK(req.include_topic_authorized_operations);
  check_hostile<metadata_request>(b, 8);
}

TEST_CASE("metadata: null topics is illegal in v0") {
  auto b = bytes({0xff, 0xff, 0xff, 0xff});
  reader r(b.data(), b.size());
  metadata_request req;
  CHECK_FALSE(decode(r, 0, req));
}

TEST_CASE("metadata: v1 response from literal bytes") {
  auto b = bytes({0x00, 0x00, 0x00, 0x01,                  // 1 broker
                  0x00, 0x00, 0x00, 0x01, 0x00, 0x09}) +   // node 1, host len 9
           ascii("localhost") +                            //
           bytes({0x00, 0x00, 0x23, 0x84,                  // port 9092
                  0xff, 0xff,                              // rack null
                  0x00, 0x00, 0x00, 0x01,                  // controller 1
                  0x00, 0x00, 0x00, 0x01,                  // 1 topic
                  0x00, 0x00, 0x00, 0x01}) +               // error 0, name len 1
           ascii("t") +                                    //
           bytes({0x00,                                    // is_internal false
                  0x00, 0x00, 0x00, 0x01,                  // 1 partition
                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00,      // error 0, index 0
                  0x00, 0x00, 0x00, 0x01,                  // leader 1
                  0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,   // replicas [1, 2]
                  0x00, 0x00, 0x00, 0x02,
                  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01}); // isr [1]
  auto resp = check_reencodes<metadata_response>(b, 1);
  REQUIRE(resp.brokers.size() == 1);
  CHECK(resp.brokers[0].host == "localhost");
  CHECK(resp.brokers[0].port == 9092);
  CHECK_FALSE(resp.brokers[0].rack.has_value());
  CHECK(resp.controller_id == 1);
  REQUIRE(resp.topics.size() == 1);
  CHECK(resp.topics[0].name == "t");
  REQUIRE(resp.topics[0].partitions.size() == 1);
  CHECK(resp.topics[0].partitions[0].leader_id == 1);
  CHECK(resp.topics[0].partitions[0].isr_nodes == std::vector<int32_t>{1});
  CHECK(resp.topics[0].partitions[0].replica_nodes == std::vector<int32_t>{1, 2});
  check_hostile<metadata_response>(b, 1);
}

namespace {

uuid sample_id() {
  return *uuid_from_string("mh6qNQCiQ1WwpYFaNXsRPg");
}

metadata_response sample_response() {
  metadata_response resp;
  resp.throttle_time_ms = 5;
  resp.brokers = {{1, "a.example", 9092, std::string("r1")}, {2, "b.example", 9093, {}}};
  resp.cluster_id = "samsa-cluster";
  resp.controller_id = 1;
  metadata_topic t;
  t.name = "orders";
  t.topic_id = sample_id();
  t.topic_authorized_operations = 0x0f;
  metadata_partition p;
  p.partition_index = 3;
  p.leader_id = 2;
  p.leader_epoch = 7;
  p.replica_nodes = {2, 1};
  p.isr_nodes = {2};
  p.offline_replicas = {1};
  t.partitions = {p};
  metadata_topic missing;
  missing.error = error_code::unknown_topic_or_partition;
  missing.name = "nope";
  resp.topics = {t, missing};
  resp.cluster_authorized_operations = 3;
  return resp;
}

} // namespace

TEST_CASE("metadata: responses round-trip at every version") {
  for (int16_t v = 0; v <= 12; ++v) {
    INFO("version " << v);
    buffer b = encode_to_bytes(v, sample_response());
    auto back = check_reencodes<metadata_response>(b, v);
    REQUIRE(back.topics.size() == 2);
    const auto& p = back.topics[0].partitions.at(0);
    CHECK(p.leader_id == 2);
    CHECK(p.replica_nodes == std::vector<int32_t>{2, 1});
    CHECK(p.leader_epoch == (v >= 7 ? 7 : -1));
    CHECK(p.offline_replicas.size() == (v >= 5 ? 1u : 0u));
    CHECK(back.throttle_time_ms == (v >= 3 ? 5 : 0));
    CHECK(back.controller_id == (v >= 1 ? 1 : -1));
    CHECK(back.cluster_id.has_value() == (v >= 2));
    CHECK(back.brokers[0].rack.has_value() == (v >= 1));
    CHECK(back.topics[1].error == error_code::unknown_topic_or_partition);
    CHECK(back.cluster_authorized_operations == (v >= 8 && v <= 10 ? 3 : INT32_MIN));
    CHECK(back.topics[0].topic_id == (v >= 10 ? sample_id() : zero_uuid));
    CHECK(back.topics[0].name == "orders");
  }
  check_hostile<metadata_response>(encode_to_bytes(8, sample_response()), 8);
  check_hostile<metadata_response>(encode_to_bytes(12, sample_response()), 12);
}

TEST_CASE("metadata: v12 request as @platformatic/kafka 1.35 sends it") {
  // Captured from metadata-v12.js createRequest(['orders', 'x'], true, false): each topic is a zero topic id
  // and a compact name with its tag section, then the two flags and the request's tag section.
  auto b = bytes({0x03}) + buffer(16, 0) + bytes({0x07}) + ascii("orders") + bytes({0x00}) + buffer(16, 0) +
           bytes({0x02}) + ascii("x") + bytes({0x00, 0x01, 0x00, 0x00});
  auto req = check_reencodes<metadata_request>(b, 12);
  REQUIRE(req.topics.has_value());
  CHECK(*req.topics == std::vector<std::string>{"orders", "x"});
  CHECK(req.topic_ids.empty());
  CHECK(req.allow_auto_topic_creation);
  CHECK_FALSE(req.wants_all_topics(12));
  check_hostile<metadata_request>(b, 12);
  // createRequest(null, false, false): a null compact array asks for every topic.
  auto all = check_reencodes<metadata_request>(bytes({0x00, 0x00, 0x00, 0x00}), 12);
  CHECK(all.wants_all_topics(12));
}

TEST_CASE("metadata: v10+ asks by topic id when the name is null; v9 is flexible without ids") {
  metadata_request by_id;
  by_id.topics.emplace();
  by_id.topic_ids.push_back(sample_id());
  for (int16_t v : {10, 11, 12}) {
    auto back = check_reencodes<metadata_request>(encode_to_bytes(v, by_id), v);
    CHECK(back.topics->empty());
    REQUIRE(back.topic_ids.size() == 1);
    CHECK(back.topic_ids[0] == sample_id());
    CHECK_FALSE(back.wants_all_topics(v));
  }
  // v9: compact strings, a tag section per topic, the cluster flag still present.
  auto b9 = bytes({0x02, 0x02}) + ascii("t") + bytes({0x00, 0x01, 0x01, 0x00, 0x00});
  auto req9 = check_reencodes<metadata_request>(b9, 9);
  CHECK(*req9.topics == std::vector<std::string>{"t"});
  CHECK(req9.include_cluster_authorized_operations);
  CHECK_FALSE(req9.include_topic_authorized_operations);
}

TEST_CASE("metadata: v12 answers a topic of unknown id with a null name") {
  metadata_response resp;
  metadata_topic t;
  t.error = error_code::unknown_topic_id;
  t.topic_id = sample_id();
  resp.topics.push_back(t);
  auto b = encode_to_bytes(12, resp);
  // throttle, no brokers, null cluster id, controller -1, then the topic: error 100, null name (0), id.
  auto expected = bytes({0, 0, 0, 0, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x64, 0x00});
  REQUIRE(b.size() > expected.size() + 16);
  CHECK(buffer(b.begin(), b.begin() + expected.size()) == expected);
  auto back = check_reencodes<metadata_response>(b, 12);
  CHECK(back.topics[0].name.empty());
  CHECK(back.topics[0].topic_id == sample_id());
}

TEST_CASE("metadata: unsupported versions are refused") {
  buffer b = bytes({0x00});
  reader r(b.data(), b.size());
  metadata_request req;
  CHECK_FALSE(decode(r, 13, req));
  CHECK(r.failed());
  buffer out;
  writer w(out);
  encode(w, 13, sample_response());
  CHECK(w.failed());
}
