// Codec tests of AlterConfigs (33), IncrementalAlterConfigs (44) and CreatePartitions (37): literal bytes
// as clients send them (kafka-python 2.0.2 and librdkafka 2.0.2 wrote the classic forms; the flexible ones
// follow Kafka's message schemas), round trips in every version, and the hostile-input checks.

#include <doctest/doctest.h>

#include "messages/kafka/alter_configs.hpp"
#include "messages/kafka/create_partitions.hpp"
#include "messages/kafka/incremental_alter_configs.hpp"
#include "messages/kafka/response_errors.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

TEST_CASE("alter_configs: v0-1 and v2 (flexible) requests from literal bytes") {
  // AlterConfigs([topic "alt": retention.bytes=2048, segment.bytes=null]), validate_only false.
  buffer classic = bytes({0, 0, 0, 1, 2, 0, 3}) + ascii("alt") + bytes({0, 0, 0, 2, 0, 15}) + ascii("retention.bytes") +
                   bytes({0, 4}) + ascii("2048") + bytes({0, 13}) + ascii("segment.bytes") + bytes({0xff, 0xff, 0});
  for (int16_t v : {0, 1}) {
    auto req = check_reencodes<alter_configs_request>(classic, v);
    REQUIRE(req.resources.size() == 1);
    CHECK(req.resources[0].resource_type == 2);
    CHECK(req.resources[0].resource_name == "alt");
    REQUIRE(req.resources[0].configs.size() == 2);
    CHECK(req.resources[0].configs[0].value == std::optional<std::string>("2048"));
    CHECK_FALSE(req.resources[0].configs[1].value.has_value());
    CHECK_FALSE(req.validate_only);
    check_hostile<alter_configs_request>(classic, v);
  }
  buffer flex = bytes({2, 2, 4}) + ascii("alt") + bytes({2, 13}) + ascii("retention.ms") + bytes({5}) + ascii("1000") +
                bytes({0, 0, 1, 0});
  auto req = check_reencodes<alter_configs_request>(flex, 2);
  CHECK(req.resources.at(0).configs.at(0).name == "retention.ms");
  CHECK(req.validate_only);
  check_hostile<alter_configs_request>(flex, 2);
  reader r(flex.data(), flex.size());
  alter_configs_request unsupported;
  CHECK_FALSE(decode(r, 3, unsupported));
}

TEST_CASE("alter_configs: responses in every version") {
  alter_configs_response resp;
  resp.responses = {{error_code::none, std::nullopt, 2, "alt"},
                    {error_code::invalid_config, std::string("bad"), 2, "b"}};
  buffer v0 = bytes({0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0xff, 0xff, 2, 0, 3}) + ascii("alt") + bytes({0, 40, 0, 3}) +
              ascii("bad") + bytes({2, 0, 1}) + ascii("b");
  CHECK(encode_to_bytes(int16_t{0}, resp) == v0);
  CHECK(encode_to_bytes(int16_t{1}, resp) == v0);
  buffer v2 = bytes({0, 0, 0, 0, 3, 0, 0, 0, 2, 4}) + ascii("alt") + bytes({0, 0, 40, 4}) + ascii("bad") +
              bytes({2, 2}) + ascii("b") + bytes({0, 0});
  CHECK(encode_to_bytes(int16_t{2}, resp) == v2);
  for (int16_t v = 0; v <= 2; ++v) {
    auto back = decode_all<alter_configs_response>(encode_to_bytes(v, resp), v);
    REQUIRE(back.responses.size() == 2);
    CHECK(back.responses[1].error == error_code::invalid_config);
    CHECK(back.responses[1].error_message == std::optional<std::string>("bad"));
  }
  CHECK(carries_error(resp));
  check_hostile<alter_configs_response>(v2, 2);
}

TEST_CASE("incremental_alter_configs: v0 and v1 (flexible) requests from literal bytes") {
  // SET retention.ms=3600000, DELETE segment.bytes, APPEND cleanup.policy=delete on topic "t".
  buffer v0 = bytes({0, 0, 0, 1, 2, 0, 1}) + ascii("t") + bytes({0, 0, 0, 3, 0, 12}) + ascii("retention.ms") +
              bytes({0, 0, 7}) + ascii("3600000") + bytes({0, 13}) + ascii("segment.bytes") + bytes({1, 0xff, 0xff}) +
              bytes({0, 14}) + ascii("cleanup.policy") + bytes({2, 0, 6}) + ascii("delete") + bytes({1});
  auto req = check_reencodes<incremental_alter_configs_request>(v0, 0);
  REQUIRE(req.resources.size() == 1);
  const auto& cs = req.resources[0].configs;
  REQUIRE(cs.size() == 3);
  CHECK(cs[0].config_operation == 0);
  CHECK(cs[1].config_operation == 1);
  CHECK_FALSE(cs[1].value.has_value());
  CHECK(cs[2].config_operation == 2);
  CHECK(req.validate_only);
  check_hostile<incremental_alter_configs_request>(v0, 0);
  buffer v1 = bytes({2, 2, 2}) + ascii("t") + bytes({2, 13}) + ascii("retention.ms") + bytes({3, 0, 0, 0, 0, 0});
  auto flex = check_reencodes<incremental_alter_configs_request>(v1, 1);
  CHECK(flex.resources.at(0).configs.at(0).config_operation == 3);
  CHECK_FALSE(flex.resources.at(0).configs.at(0).value.has_value());
  check_hostile<incremental_alter_configs_request>(v1, 1);
  reader r(v1.data(), v1.size());
  incremental_alter_configs_request unsupported;
  CHECK_FALSE(decode(r, 2, unsupported));
}

TEST_CASE("incremental_alter_configs: responses as AlterConfigs' in each version") {
  incremental_alter_configs_response resp;
  resp.responses = {{error_code::invalid_request, std::string("x"), 4, "1"}};
  alter_configs_response same;
  same.responses = resp.responses;
  CHECK(encode_to_bytes(int16_t{0}, resp) == encode_to_bytes(int16_t{0}, same));
  CHECK(encode_to_bytes(int16_t{1}, resp) == encode_to_bytes(int16_t{2}, same)); // both flexible
  for (int16_t v = 0; v <= 1; ++v) {
    auto back = decode_all<incremental_alter_configs_response>(encode_to_bytes(v, resp), v);
    CHECK(back.responses.at(0).resource_type == 4);
    check_hostile<incremental_alter_configs_response>(encode_to_bytes(v, resp), v);
  }
}

TEST_CASE("create_partitions: v0-1 and v2-3 (flexible) requests from literal bytes") {
  // kafka-python's create_partitions({"alt": NewPartitions(total_count=4)}): null assignments.
  buffer classic = bytes({0, 0, 0, 1, 0, 3}) + ascii("alt") + bytes({0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff}) +
                   bytes({0, 0, 0x75, 0x30, 0});
  for (int16_t v : {0, 1}) {
    auto req = check_reencodes<create_partitions_request>(classic, v);
    REQUIRE(req.topics.size() == 1);
    CHECK(req.topics[0].count == 4);
    CHECK_FALSE(req.topics[0].assignments.has_value());
    CHECK(req.timeout_ms == 30000);
    check_hostile<create_partitions_request>(classic, v);
  }
  // Manual assignments: two new partitions on brokers [1,2] and [2,3]; validate_only.
  buffer flex = bytes({2, 4}) + ascii("alt") + bytes({0, 0, 0, 6, 3, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 3, 0, 0, 0, 2, 0, 0,
                                                   0, 3, 0, 0, 0, 0, 0x27, 0x10, 1, 0});
  for (int16_t v : {2, 3}) {
    auto req = check_reencodes<create_partitions_request>(flex, v);
    REQUIRE(req.topics.at(0).assignments.has_value());
    CHECK(req.topics[0].assignments->size() == 2);
    CHECK(req.topics[0].assignments->at(1).broker_ids == std::vector<int32_t>{2, 3});
    CHECK(req.validate_only);
    check_hostile<create_partitions_request>(flex, v);
  }
  reader r(flex.data(), flex.size());
  create_partitions_request unsupported;
  CHECK_FALSE(decode(r, 4, unsupported));
}

TEST_CASE("create_partitions: responses in every version") {
  create_partitions_response resp;
  resp.results = {{"alt", error_code::none, std::nullopt},
                  {"x", error_code::invalid_partitions, std::string("Topic already has 3 partitions.")}};
  buffer v0 = bytes({0, 0, 0, 0, 0, 0, 0, 2, 0, 3}) + ascii("alt") + bytes({0, 0, 0xff, 0xff, 0, 1}) + ascii("x") +
              bytes({0, 37, 0, 31}) + ascii("Topic already has 3 partitions.");
  CHECK(encode_to_bytes(int16_t{0}, resp) == v0);
  CHECK(encode_to_bytes(int16_t{1}, resp) == v0);
  buffer v2 = bytes({0, 0, 0, 0, 3, 4}) + ascii("alt") + bytes({0, 0, 0, 0, 2}) + ascii("x") + bytes({0, 37, 32}) +
              ascii("Topic already has 3 partitions.") + bytes({0, 0});
  CHECK(encode_to_bytes(int16_t{2}, resp) == v2);
  CHECK(encode_to_bytes(int16_t{3}, resp) == v2);
  for (int16_t v = 0; v <= 3; ++v) {
    auto back = decode_all<create_partitions_response>(encode_to_bytes(v, resp), v);
    REQUIRE(back.results.size() == 2);
    CHECK(back.results[1].error == error_code::invalid_partitions);
  }
  CHECK(carries_error(resp));
  check_hostile<create_partitions_response>(v2, 2);
}

TEST_CASE("captured: AlterConfigs and CreatePartitions bodies as kafka-python 2.0.2 and librdkafka 2.0.2 sent them") {
  // Recorded through a logging TCP proxy in front of samsa (request header stripped).
  // kafka-python: alter_configs([topic cap: retention.ms=1000]) -> AlterConfigs v1.
  buffer kp_alter = bytes({0, 0, 0, 1, 2, 0, 3, 99, 97, 112, 0, 0, 0, 1, 0, 12, 114, 101, 116, 101, 110, 116, 105, 111,
                           110, 46, 109, 115, 0, 4, 49, 48, 48, 48, 0});
  auto a = check_reencodes<alter_configs_request>(kp_alter, 1);
  CHECK(a.resources.at(0).resource_name == "cap");
  CHECK(a.resources.at(0).configs.at(0).value == std::optional<std::string>("1000"));
  // librdkafka (confluent-kafka 1.7.0): alter_configs([topic cap: retention.ms=2000]) -> AlterConfigs v0.
  buffer rd_alter = bytes({0, 0, 0, 1, 2, 0, 3, 99, 97, 112, 0, 0, 0, 1, 0, 12, 114, 101, 116, 101, 110, 116, 105, 111,
                           110, 46, 109, 115, 0, 4, 50, 48, 48, 48, 0});
  CHECK(check_reencodes<alter_configs_request>(rd_alter, 0).resources.at(0).configs.at(0).value
        == std::optional<std::string>("2000"));
  // kafka-python: create_partitions({cap: 2}) -> CreatePartitions v1, timeout 30 s.
  buffer kp_grow = bytes({0, 0, 0, 1, 0, 3, 99, 97, 112, 0, 0, 0, 2, 255, 255, 255, 255, 0, 0, 117, 48, 0});
  auto g = check_reencodes<create_partitions_request>(kp_grow, 1);
  CHECK(g.topics.at(0).count == 2);
  CHECK_FALSE(g.topics.at(0).assignments.has_value());
  // librdkafka: create_partitions([cap: 3]) -> CreatePartitions v0, timeout 60 s.
  buffer rd_grow = bytes({0, 0, 0, 1, 0, 3, 99, 97, 112, 0, 0, 0, 3, 255, 255, 255, 255, 0, 0, 234, 96, 0});
  auto r = check_reencodes<create_partitions_request>(rd_grow, 0);
  CHECK(r.topics.at(0).count == 3);
  CHECK(r.timeout_ms == 60000);
}
