// DescribeConfigs codec tests: literal bytes per version (v0 is_default, v1 sources and synonyms, v3 types and
// documentation, v4 flexible), round trips, hostile input.

#include <doctest/doctest.h>

#include "messages/kafka/describe_configs.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

TEST_CASE("describe_configs: v0-v3 requests from literal bytes") {
  // kafka-python's v0: one topic resource with every key (null list), one broker resource with one key.
  auto v0 = bytes({0x00, 0x00, 0x00, 0x02,
                   0x02, 0x00, 0x04}) + ascii("cfgt") + bytes({0xff, 0xff, 0xff, 0xff}) +
            bytes({0x04, 0x00, 0x01}) + ascii("1") + bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x07}) +
            ascii("node.id");
  auto req = check_reencodes<describe_configs_request>(v0, 0);
  REQUIRE(req.resources.size() == 2);
  CHECK(req.resources[0].resource_type == config_resource_topic);
  CHECK(req.resources[0].resource_name == "cfgt");
  CHECK_FALSE(req.resources[0].configuration_keys.has_value());
  CHECK(req.resources[1].configuration_keys == std::vector<std::string>{"node.id"});
  CHECK_FALSE(req.include_synonyms);
  check_hostile<describe_configs_request>(v0, 0);

  auto v1 = v0 + bytes({0x01}); // include_synonyms
  for (int16_t v : {1, 2}) {
    CHECK(check_reencodes<describe_configs_request>(v1, v).include_synonyms);
    check_hostile<describe_configs_request>(v1, v);
  }
  auto v3 = v1 + bytes({0x01}); // include_documentation
  auto r3 = check_reencodes<describe_configs_request>(v3, 3);
  CHECK(r3.include_documentation);
}

TEST_CASE("describe_configs: v4 request is flexible") {
  auto v4 = bytes({0x02,                      // 1 resource
                   0x02, 0x05}) + ascii("cfgt") +
            bytes({0x00,                      // null key list
                   0x00,                      // resource tags
                   0x01, 0x00,                // include synonyms, not documentation
                   0x00});                    // request tags
  auto req = check_reencodes<describe_configs_request>(v4, 4);
  CHECK(req.resources.at(0).resource_name == "cfgt");
  CHECK_FALSE(req.resources.at(0).configuration_keys.has_value());
  CHECK(req.include_synonyms);
  check_hostile<describe_configs_request>(v4, 4);
}

namespace {

describe_configs_response sample() {
  describe_configs_response resp;
  describe_configs_result ok;
  ok.resource_type = config_resource_topic;
  ok.resource_name = "t";
  describe_configs_entry e;
  e.name = "retention.ms";
  e.value = "1";
  e.config_source = 1;
  e.synonyms = {{"retention.ms", std::string("1"), 1}};
  e.config_type = 5;
  ok.configs = {e};
  describe_configs_result bad;
  bad.error = error_code::unknown_topic_or_partition;
  bad.error_message = "no";
  bad.resource_type = config_resource_topic;
  bad.resource_name = "u";
  resp.results = {ok, bad};
  return resp;
}

} // namespace

TEST_CASE("describe_configs: responses per version") {
  auto resp = sample();
  auto head = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, // throttle, 2 results
                     0x00, 0x00, 0xff, 0xff, 0x02, 0x00, 0x01}) + ascii("t") +
              bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x0c}) + ascii("retention.ms") + bytes({0x00, 0x01}) + ascii("1") +
              bytes({0x00});                                          // read only
  auto tail = bytes({0x00, 0x03, 0x00, 0x02}) + ascii("no") + bytes({0x02, 0x00, 0x01}) + ascii("u") +
              bytes({0x00, 0x00, 0x00, 0x00});
  auto v0 = head + bytes({0x00, 0x00}) + tail;                          // is_default false, not sensitive
  CHECK(encode_to_bytes(0, resp) == v0);
  check_reencodes<describe_configs_response>(v0, 0);
  check_hostile<describe_configs_response>(v0, 0);
  auto synonyms = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x0c}) + ascii("retention.ms") + bytes({0x00, 0x01}) +
                  ascii("1") + bytes({0x01});
  auto v1 = head + bytes({0x01, 0x00}) + synonyms + tail;               // source 1, not sensitive
  CHECK(encode_to_bytes(1, resp) == v1);
  CHECK(encode_to_bytes(2, resp) == v1);
  auto back = check_reencodes<describe_configs_response>(v1, 1);
  CHECK(back.results[0].configs[0].synonyms.at(0).source == 1);
  CHECK(back.results[1].error == error_code::unknown_topic_or_partition);
  check_hostile<describe_configs_response>(v1, 2);
  auto v3 = head + bytes({0x01, 0x00}) + synonyms + bytes({0x05, 0xff, 0xff}) + tail; // type LONG, no doc
  CHECK(encode_to_bytes(3, resp) == v3);
  check_reencodes<describe_configs_response>(v3, 3);
}

TEST_CASE("describe_configs: v4 response is flexible") {
  auto resp = sample();
  auto v4 = bytes({0x00, 0x00, 0x00, 0x00, 0x03,                    // throttle, 2 results
                   0x00, 0x00, 0x00, 0x02, 0x02}) + ascii("t") +     // ok, null message, topic "t"
            bytes({0x02, 0x0d}) + ascii("retention.ms") + bytes({0x02}) + ascii("1") +
            bytes({0x00, 0x01, 0x00,                                 // read only, source 1, sensitive
                   0x02, 0x0d}) + ascii("retention.ms") + bytes({0x02}) + ascii("1") + bytes({0x01, 0x00}) +
            bytes({0x05, 0x00, 0x00,                                 // type, null doc, entry tags
                   0x00,                                             // result tags
                   0x00, 0x03, 0x03}) + ascii("no") + bytes({0x02, 0x02}) + ascii("u") +
            bytes({0x01, 0x00,                                       // no configs, result tags
                   0x00});                                           // response tags
  CHECK(encode_to_bytes(4, resp) == v4);
  check_reencodes<describe_configs_response>(v4, 4);
  check_hostile<describe_configs_response>(v4, 4);
}

TEST_CASE("describe_configs: v5 is refused") {
  auto b = bytes({0x00, 0x00, 0x00, 0x00});
  reader r(b.data(), b.size());
  describe_configs_request req;
  CHECK_FALSE(decode(r, 5, req));
}
