// CreateTopics, DeleteTopics and InitProducerId codec tests.

#include <doctest/doctest.h>

#include "messages/kafka/create_topics.hpp"
#include "messages/kafka/delete_topics.hpp"
#include "messages/kafka/init_producer_id.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

namespace {

buffer create_topics_v0_literal() {
  return bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x03}) + ascii("new") +
         bytes({0x00, 0x00, 0x00, 0x03,               // 3 partitions
                0x00, 0x01,                           // replication factor 1
                0x00, 0x00, 0x00, 0x01,               // 1 assignment
                0x00, 0x00, 0x00, 0x00,               //   partition 0
                0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
                0x00, 0x00, 0x00, 0x02,               // 2 configs
                0x00, 0x0e}) +
         ascii("cleanup.policy") + bytes({0x00, 0x07}) + ascii("compact") +
         bytes({0x00, 0x0c}) + ascii("retention.ms") + bytes({0xff, 0xff}) + // null value
         bytes({0x00, 0x00, 0x03, 0xe8});              // timeout 1000
}

} // namespace

TEST_CASE("create_topics: v0 request from literal bytes") {
  buffer b = create_topics_v0_literal();
  auto req = check_reencodes<create_topics_request>(b, 0);
  REQUIRE(req.topics.size() == 1);
  const auto& t = req.topics[0];
  CHECK(t.name == "new");
  CHECK(t.num_partitions == 3);
  CHECK(t.replication_factor == 1);
  REQUIRE(t.assignments.size() == 1);
  CHECK(t.assignments[0].broker_ids == std::vector<int32_t>{1, 2});
  REQUIRE(t.configs.size() == 2);
  CHECK(t.configs[0].name == "cleanup.policy");
  CHECK(t.configs[0].value == std::optional<std::string>("compact"));
  CHECK_FALSE(t.configs[1].value.has_value());
  CHECK(req.timeout_ms == 1000);
  CHECK_FALSE(req.validate_only);
  check_hostile<create_topics_request>(b, 0);
}

TEST_CASE("create_topics: v1+ appends validate_only") {
  buffer b = create_topics_v0_literal() + bytes({0x01});
  for (int16_t v = 1; v <= 4; ++v) {
    auto req = check_reencodes<create_topics_request>(b, v);
    CHECK(req.validate_only);
  }
  check_hostile<create_topics_request>(b, 4);
  // A v0 decoder sees the extra byte as trailing garbage, not as a field.
  reader r(b.data(), b.size());
  create_topics_request req;
  CHECK(decode(r, 0, req));
  CHECK(r.remaining() == 1);
}

TEST_CASE("create_topics: v4 defaults (-1 partitions and replication factor)") {
  create_topics_request req;
  req.topics = {{"d", -1, -1, {}, {}}};
  buffer b = encode_to_bytes(4, req);
  CHECK(b == bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("d") +
                 bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                        0x00, 0x00, 0x00, 0x00, 0xea, 0x60, 0x00}));
}

TEST_CASE("create_topics: responses per version") {
  create_topics_response resp;
  resp.throttle_time_ms = 2;
  resp.topics.resize(2);
  resp.topics[0].name = "a";
  resp.topics[1].name = "b";
  resp.topics[1].error = error_code::topic_already_exists;
  resp.topics[1].error_message = "exists";
  auto v0 = bytes({0x00, 0x00, 0x00, 0x02, 0x00, 0x01}) + ascii("a") + bytes({0x00, 0x00}) +
            bytes({0x00, 0x01}) + ascii("b") + bytes({0x00, 0x24});
  CHECK(encode_to_bytes(0, resp) == v0);
  auto back0 = check_reencodes<create_topics_response>(v0, 0);
  CHECK(back0.topics[1].error == error_code::topic_already_exists);
  CHECK_FALSE(back0.topics[1].error_message.has_value());
  check_hostile<create_topics_response>(v0, 0);

  auto v1 = bytes({0x00, 0x00, 0x00, 0x02, 0x00, 0x01}) + ascii("a") +
            bytes({0x00, 0x00, 0xff, 0xff, 0x00, 0x01}) + ascii("b") +
            bytes({0x00, 0x24, 0x00, 0x06}) + ascii("exists");
  CHECK(encode_to_bytes(1, resp) == v1);
  CHECK(check_reencodes<create_topics_response>(v1, 1).topics[1].error_message ==
        std::optional<std::string>("exists"));
  auto v2 = bytes({0x00, 0x00, 0x00, 0x02}) + v1;
  CHECK(encode_to_bytes(2, resp) == v2);
  CHECK(encode_to_bytes(4, resp) == v2);
  CHECK(check_reencodes<create_topics_response>(v2, 4).throttle_time_ms == 2);
  check_hostile<create_topics_response>(v2, 4);
}

TEST_CASE("delete_topics: requests and responses") {
  auto req_bytes = bytes({0x00, 0x00, 0x00, 0x02, 0x00, 0x01}) + ascii("a") +
                   bytes({0x00, 0x02}) + ascii("bb") + bytes({0x00, 0x00, 0x75, 0x30});
  for (int16_t v = 0; v <= 3; ++v) {
    auto req = check_reencodes<delete_topics_request>(req_bytes, v);
    CHECK(req.topic_names == std::vector<std::string>{"a", "bb"});
    CHECK(req.timeout_ms == 30000);
  }
  check_hostile<delete_topics_request>(req_bytes, 3);

  delete_topics_response resp;
  resp.throttle_time_ms = 1;
  resp.responses.resize(2);
  resp.responses[0].name = "a";
  resp.responses[1].name = "bb";
  resp.responses[1].error = error_code::unknown_topic_or_partition;
  auto v0 = bytes({0x00, 0x00, 0x00, 0x02, 0x00, 0x01}) + ascii("a") + bytes({0x00, 0x00}) +
            bytes({0x00, 0x02}) + ascii("bb") + bytes({0x00, 0x03});
  CHECK(encode_to_bytes(0, resp) == v0);
  auto v1 = bytes({0x00, 0x00, 0x00, 0x01}) + v0;
  CHECK(encode_to_bytes(1, resp) == v1);
  CHECK(encode_to_bytes(3, resp) == v1);
  auto back = check_reencodes<delete_topics_response>(v1, 3);
  CHECK(back.responses[1].error == error_code::unknown_topic_or_partition);
  check_hostile<delete_topics_response>(v0, 0);
  check_hostile<delete_topics_response>(v1, 1);
  CHECK(check_reencodes<delete_topics_response>(v0, 0).throttle_time_ms == 0);

  SUBCASE("null topic name inside the array fails") {
    auto bad = bytes({0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00});
    reader r(bad.data(), bad.size());
    delete_topics_request req;
    CHECK_FALSE(decode(r, 0, req));
  }
}

TEST_CASE("init_producer_id: idempotent producer request and response") {
  auto req_bytes = bytes({0xff, 0xff, 0x00, 0x00, 0xea, 0x60}); // null txn id, 60000 ms
  for (int16_t v = 0; v <= 1; ++v) {
    auto req = check_reencodes<init_producer_id_request>(req_bytes, v);
    CHECK_FALSE(req.transactional_id.has_value());
    CHECK(req.transaction_timeout_ms == 60000);
  }
  check_hostile<init_producer_id_request>(req_bytes, 0);
  auto txn = bytes({0x00, 0x02}) + ascii("tx") + bytes({0x00, 0x00, 0x03, 0xe8});
  CHECK(check_reencodes<init_producer_id_request>(txn, 1).transactional_id ==
        std::optional<std::string>("tx"));

  init_producer_id_response resp{0, error_code::none, 4000, 2};
  auto resp_bytes = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                           0x00, 0x0f, 0xa0, 0x00, 0x02});
  CHECK(encode_to_bytes(0, resp) == resp_bytes);
  auto back = check_reencodes<init_producer_id_response>(resp_bytes, 1);
  CHECK(back.producer_id == 4000);
  CHECK(back.producer_epoch == 2);
  check_hostile<init_producer_id_response>(resp_bytes, 1);

  reader r(req_bytes.data(), req_bytes.size());
  init_producer_id_request req;
  CHECK_FALSE(decode(r, 2, req)); // v2 is flexible: the classic bytes do not fit
  reader r6(req_bytes.data(), req_bytes.size());
  CHECK_FALSE(decode(r6, 6, req)); // past Kafka 3.9's v5
}

TEST_CASE("init_producer_id: flexible versions 2-5") {
  // v2: compact nullable transactional id (0 = null), timeout, tags.
  auto v2 = bytes({0x00, 0x00, 0x00, 0xea, 0x60, 0x00});
  auto req2 = check_reencodes<init_producer_id_request>(v2, 2);
  CHECK_FALSE(req2.transactional_id.has_value());
  CHECK(req2.producer_id == -1);
  CHECK(req2.producer_epoch == -1);
  check_hostile<init_producer_id_request>(v2, 2);
  // v3-5 add producer_id and producer_epoch before the tags (as librdkafka and the Java client send them).
  auto v3 = bytes({0x03}) + ascii("tx") +
            bytes({0x00, 0x00, 0x03, 0xe8,                          // timeout 1000
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0xa0,  // producer id 4000
                   0x00, 0x02,                                      // epoch 2
                   0x00});
  for (int16_t v = 3; v <= 5; ++v) {
    auto req = check_reencodes<init_producer_id_request>(v3, v);
    CHECK(req.transactional_id == std::optional<std::string>("tx"));
    CHECK(req.transaction_timeout_ms == 1000);
    CHECK(req.producer_id == 4000);
    CHECK(req.producer_epoch == 2);
    check_hostile<init_producer_id_request>(v3, v);
  }
  init_producer_id_request fresh;
  CHECK(encode_to_bytes(4, fresh) == bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                            0xff, 0xff, 0xff, 0xff, 0x00}));
  // The answer keeps its fields and gains a tag section.
  init_producer_id_response resp{0, error_code::none, 4000, 2};
  auto flex = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0xa0,
                     0x00, 0x02, 0x00});
  for (int16_t v = 2; v <= 5; ++v) {
    CHECK(encode_to_bytes(v, resp) == flex);
    CHECK(check_reencodes<init_producer_id_response>(flex, v).producer_id == 4000);
    check_hostile<init_producer_id_response>(flex, v);
  }
}

TEST_CASE("create_topics: flexible requests (v5-7)") {
  // One topic "t", 3 partitions, replication -1, no assignments, one config; timeout 60000, validate_only.
  auto b = bytes({0x02, 0x02}) + ascii("t") +
           bytes({0x00, 0x00, 0x00, 0x03, 0xff, 0xff,
                  0x01,                 // no assignments
                  0x02, 0x0f}) +        // 1 config, name of 14 bytes
           ascii("cleanup.policy") + bytes({0x08}) + ascii("compact") +
           bytes({0x00,                 // config tags
                  0x00,                 // topic tags
                  0x00, 0x00, 0xea, 0x60, 0x01, 0x00});
  for (int16_t v = 5; v <= 7; ++v) {
    auto req = check_reencodes<create_topics_request>(b, v);
    REQUIRE(req.topics.size() == 1);
    CHECK(req.topics[0].name == "t");
    CHECK(req.topics[0].num_partitions == 3);
    CHECK(req.topics[0].replication_factor == -1);
    REQUIRE(req.topics[0].configs.size() == 1);
    CHECK(req.topics[0].configs[0].value == std::optional<std::string>("compact"));
    CHECK(req.validate_only);
    check_hostile<create_topics_request>(b, v);
  }
  create_topics_request manual;
  manual.topics = {{"m", -1, -1, {{0, {1, 2}}}, {}}};
  auto back = check_reencodes<create_topics_request>(encode_to_bytes(6, manual), 6);
  REQUIRE(back.topics[0].assignments.size() == 1);
  CHECK(back.topics[0].assignments[0].broker_ids == std::vector<int32_t>{1, 2});
}

TEST_CASE("create_topics: flexible responses (v5-7) with partitions, replication factor, configs, topic id") {
  create_topics_response resp;
  resp.throttle_time_ms = 0;
  create_topics_topic_result ok;
  ok.name = "t";
  ok.topic_id = uuid{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  ok.num_partitions = 3;
  ok.replication_factor = 1;
  ok.configs = std::vector<create_topics_result_config>{{"retention.ms", std::string("1000"), false, 1, false}};
  create_topics_topic_result bad;
  bad.name = "x";
  bad.error = error_code::topic_already_exists;
  bad.error_message = "exists";
  bad.topic_config_error = error_code::topic_authorization_failed;
  resp.topics = {ok, bad};
  auto ok5 = bytes({0x02}) + ascii("t") + bytes({0x00, 0x00, 0x00,  // error none, message null
                                                  0x00, 0x00, 0x00, 0x03, 0x00, 0x01,
                                                  0x02, 0x0d}) +
             ascii("retention.ms") + bytes({0x05}) + ascii("1000") + bytes({0x00, 0x01, 0x00, 0x00,  // ro, source, sens, tags
                                                                             0x00});                  // topic tags
  auto bad5 = bytes({0x02}) + ascii("x") + bytes({0x00, 0x24, 0x07}) + ascii("exists") +
              bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,   // -1, -1, no configs
                     0x01, 0x00, 0x02, 0x00, 0x1d});             // tag 0: TOPIC_AUTHORIZATION_FAILED (29)
  auto v5 = bytes({0x00, 0x00, 0x00, 0x00, 0x03}) + ok5 + bad5 + bytes({0x00});
  for (int16_t v : {5, 6}) {
    CHECK(encode_to_bytes(v, resp) == v5);
    auto back = check_reencodes<create_topics_response>(v5, v);
    CHECK(back.topics[0].num_partitions == 3);
    REQUIRE(back.topics[0].configs.has_value());
    CHECK((*back.topics[0].configs)[0].config_source == 1);
    CHECK(back.topics[1].topic_config_error == std::optional<error_code>(error_code::topic_authorization_failed));
    CHECK_FALSE(back.topics[0].topic_config_error.has_value());
    check_hostile<create_topics_response>(v5, v);
  }
  // v7 puts the topic id after the name.
  auto ok7 = bytes({0x02}) + ascii("t") + bytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}) +
             buffer(ok5.begin() + 2, ok5.end());
  auto bad7 = bytes({0x02}) + ascii("x") + buffer(16, 0) + buffer(bad5.begin() + 2, bad5.end());
  auto v7 = bytes({0x00, 0x00, 0x00, 0x00, 0x03}) + ok7 + bad7 + bytes({0x00});
  CHECK(encode_to_bytes(7, resp) == v7);
  CHECK(check_reencodes<create_topics_response>(v7, 7).topics[0].topic_id == ok.topic_id);
  check_hostile<create_topics_response>(v7, 7);
  // Null configs (compact 0) decode as null.
  resp.topics = {bad};
  resp.topics[0].configs.reset();
  resp.topics[0].topic_config_error.reset();
  auto null_configs = encode_to_bytes(5, resp);
  CHECK_FALSE(check_reencodes<create_topics_response>(null_configs, 5).topics[0].configs.has_value());
}

TEST_CASE("delete_topics: flexible versions, v6 by name or topic id") {
  // v4-5: compact array of compact names, timeout, tags.
  auto v4 = bytes({0x03, 0x02}) + ascii("a") + bytes({0x03}) + ascii("bb") + bytes({0x00, 0x00, 0x75, 0x30, 0x00});
  for (int16_t v : {4, 5}) {
    auto req = check_reencodes<delete_topics_request>(v4, v);
    CHECK(req.topic_names == std::vector<std::string>{"a", "bb"});
    check_hostile<delete_topics_request>(v4, v);
  }
  // v6: topics[name (nullable), topic_id, tags].
  const uuid id{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};
  auto v6 = bytes({0x03, 0x02}) + ascii("a") + buffer(16, 0) + bytes({0x00}) +
            bytes({0x00}) + bytes({9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6}) + bytes({0x00}) +
            bytes({0x00, 0x00, 0x75, 0x30, 0x00});
  auto req = check_reencodes<delete_topics_request>(v6, 6);
  REQUIRE(req.topics.size() == 2);
  CHECK(req.topics[0].name == std::optional<std::string>("a"));
  CHECK(req.topics[0].topic_id == zero_uuid);
  CHECK_FALSE(req.topics[1].name.has_value());
  CHECK(req.topics[1].topic_id == id);
  CHECK(req.topic_names.empty());
  check_hostile<delete_topics_request>(v6, 6);

  delete_topics_response resp;
  resp.throttle_time_ms = 1;
  resp.responses.resize(2);
  resp.responses[0].name = "a";
  resp.responses[0].topic_id = id;
  resp.responses[1].topic_id = id;
  resp.responses[1].error = error_code::unknown_topic_id;
  resp.responses[1].error_message = "gone";
  // v4: name, error, tags. v5 adds error_message. v6 a nullable name and the topic id.
  auto r4 = bytes({0x00, 0x00, 0x00, 0x01, 0x03, 0x02}) + ascii("a") + bytes({0x00, 0x00, 0x00}) +
            bytes({0x01, 0x00, 0x64, 0x00, 0x00});
  CHECK(encode_to_bytes(4, resp) == r4);
  check_hostile<delete_topics_response>(r4, 4);
  auto r5 = bytes({0x00, 0x00, 0x00, 0x01, 0x03, 0x02}) + ascii("a") + bytes({0x00, 0x00, 0x00, 0x00}) +
            bytes({0x01, 0x00, 0x64, 0x05}) + ascii("gone") + bytes({0x00, 0x00});
  CHECK(encode_to_bytes(5, resp) == r5);
  CHECK(check_reencodes<delete_topics_response>(r5, 5).responses[1].error_message ==
        std::optional<std::string>("gone"));
  auto idb = bytes({9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6});
  auto r6 = bytes({0x00, 0x00, 0x00, 0x01, 0x03, 0x02}) + ascii("a") + idb + bytes({0x00, 0x00, 0x00, 0x00}) +
            bytes({0x00}) + idb + bytes({0x00, 0x64, 0x05}) + ascii("gone") + bytes({0x00, 0x00});
  CHECK(encode_to_bytes(6, resp) == r6);
  auto back = check_reencodes<delete_topics_response>(r6, 6);
  CHECK(back.responses[1].name.empty());
  CHECK(back.responses[1].topic_id == id);
  CHECK(back.responses[0].topic_id == id);
  check_hostile<delete_topics_response>(r6, 6);
}
