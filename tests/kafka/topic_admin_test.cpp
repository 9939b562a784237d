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
  resp.topics = {{"a", error_code::none, std::nullopt},
                 {"b", error_code::topic_already_exists, std::string("exists")}};
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
  resp.responses = {{"a", error_code::none}, {"bb", error_code::unknown_topic_or_partition}};
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
  CHECK_FALSE(decode(r, 2, req)); // v2 is flexible: not supported
}
