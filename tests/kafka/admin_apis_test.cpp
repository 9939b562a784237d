// Codec tests of DeleteGroups, OffsetDelete, DescribeCluster and DescribeLogDirs: literal bytes written
// from Kafka's message schemas (requests as clients send them, responses as a Kafka broker answers), round
// trips in every version, and the hostile-input checks.

#include <doctest/doctest.h>

#include "messages/kafka/alter_partition_reassignments.hpp"
#include "messages/kafka/delete_groups.hpp"
#include "messages/kafka/delete_records.hpp"
#include "messages/kafka/describe_cluster.hpp"
#include "messages/kafka/describe_log_dirs.hpp"
#include "messages/kafka/describe_producers.hpp"
#include "messages/kafka/list_partition_reassignments.hpp"
#include "messages/kafka/offset_delete.hpp"
#include "messages/kafka/response_errors.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

TEST_CASE("delete_groups: v0-1 and v2 (flexible) requests from literal bytes") {
  // kafka-python's delete_consumer_groups(["g1", "grp"]) sends v1: an int32 count and int16 strings.
  buffer v1 = bytes({0, 0, 0, 2, 0, 2}) + ascii("g1") + bytes({0, 3}) + ascii("grp");
  for (int16_t v : {0, 1}) {
    auto req = check_reencodes<delete_groups_request>(v1, v);
    CHECK(req.groups_names == std::vector<std::string>{"g1", "grp"});
    check_hostile<delete_groups_request>(v1, v);
  }
  // v2: compact array (count + 1), compact strings (length + 1), an empty tagged-field section.
  buffer v2 = bytes({3, 3}) + ascii("g1") + bytes({4}) + ascii("grp") + bytes({0});
  auto req = check_reencodes<delete_groups_request>(v2, 2);
  CHECK(req.groups_names.size() == 2);
  CHECK(req.groups_names[1] == "grp");
  check_hostile<delete_groups_request>(v2, 2);
  // A tagged field a newer client adds is skipped.
  buffer tagged = bytes({2, 2}) + ascii("g") + bytes({1, 7, 2, 'x', 'y'});
  CHECK(decode_all<delete_groups_request>(tagged, 2).groups_names == std::vector<std::string>{"g"});
  reader r3(v2.data(), v2.size());
  delete_groups_request unsupported;
  CHECK_FALSE(decode(r3, 3, unsupported));
}

TEST_CASE("delete_groups: responses in every version") {
  delete_groups_response resp;
  resp.results = {{"g1", error_code::none}, {"busy", error_code::non_empty_group}};
  buffer v0 = bytes({0, 0, 0, 0, 0, 0, 0, 2, 0, 2}) + ascii("g1") + bytes({0, 0, 0, 4}) + ascii("busy") +
              bytes({0, 68});
  CHECK(encode_to_bytes(int16_t{0}, resp) == v0);
  CHECK(encode_to_bytes(int16_t{1}, resp) == v0);
  buffer v2 = bytes({0, 0, 0, 0, 3, 3}) + ascii("g1") + bytes({0, 0, 0, 5}) + ascii("busy") + bytes({0, 68, 0, 0});
  CHECK(encode_to_bytes(int16_t{2}, resp) == v2);
  for (int16_t v = 0; v <= 2; ++v) {
    auto back = decode_all<delete_groups_response>(encode_to_bytes(v, resp), v);
    REQUIRE(back.results.size() == 2);
    CHECK(back.results[1].group_id == "busy");
    CHECK(back.results[1].error == error_code::non_empty_group);
  }
  check_hostile<delete_groups_response>(v2, 2);
}

TEST_CASE("offset_delete: v0 request and response from literal bytes") {
  // librdkafka's DeleteConsumerGroupOffsets("g", [t:0, t:2]).
  buffer req_bytes = bytes({0, 1}) + ascii("g") + bytes({0, 0, 0, 1, 0, 1}) + ascii("t") +
                     bytes({0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2});
  auto req = check_reencodes<offset_delete_request>(req_bytes, 0);
  CHECK(req.group_id == "g");
  REQUIRE(req.topics.size() == 1);
  CHECK(req.topics[0].name == "t");
  CHECK(req.topics[0].partition_indexes == std::vector<int32_t>{0, 2});
  check_hostile<offset_delete_request>(req_bytes, 0);
  // The group's error comes before the throttle time.
  buffer resp_bytes = bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1}) + ascii("t") +
                      bytes({0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 86});
  auto resp = check_reencodes<offset_delete_response>(resp_bytes, 0);
  CHECK(resp.error == error_code::none);
  CHECK(resp.topics.at(0).partitions.at(1).error == error_code::group_subscribed_to_topic);
  check_hostile<offset_delete_response>(resp_bytes, 0);
  offset_delete_response top;
  top.error = error_code::group_id_not_found;
  CHECK(encode_to_bytes(int16_t{0}, top) == bytes({0, 69, 0, 0, 0, 0, 0, 0, 0, 0}));
  reader r1(req_bytes.data(), req_bytes.size());
  offset_delete_request v1;
  CHECK_FALSE(decode(r1, 1, v1)); // OffsetDelete has only v0 in Kafka 3.9
}

TEST_CASE("describe_cluster: v0 and v1 requests from literal bytes") {
  // v0: include_cluster_authorized_operations, tagged fields.
  auto v0 = check_reencodes<describe_cluster_request>(bytes({1, 0}), 0);
  CHECK(v0.include_cluster_authorized_operations);
  CHECK(v0.endpoint_type == endpoint_type_brokers);
  check_hostile<describe_cluster_request>(bytes({1, 0}), 0);
  // v1 adds the endpoint type (2 = controllers).
  auto v1 = check_reencodes<describe_cluster_request>(bytes({0, 2, 0}), 1);
  CHECK_FALSE(v1.include_cluster_authorized_operations);
  CHECK(v1.endpoint_type == endpoint_type_controllers);
  check_hostile<describe_cluster_request>(bytes({0, 2, 0}), 1);
}

TEST_CASE("describe_cluster: v0 and v1 responses") {
  describe_cluster_response resp;
  resp.cluster_id = "ab";
  resp.controller_id = 1;
  resp.brokers = {{1, "h", 9092, std::nullopt}};
  buffer v0 = bytes({0, 0, 0, 0,     // throttle
                     0, 0,           // error
                     0,              // error_message null
                     3, 'a', 'b',    // cluster id
                     0, 0, 0, 1,     // controller 1
                     2,              // one broker
                     0, 0, 0, 1, 2, 'h', 0, 0, 0x23, 0x84, 0, 0, // id 1, host "h", port 9092, rack null, tags
                     0x80, 0, 0, 0,  // cluster_authorized_operations INT32_MIN
                     0});
  CHECK(encode_to_bytes(int16_t{0}, resp) == v0);
  auto back = check_reencodes<describe_cluster_response>(v0, 0);
  CHECK(back.cluster_id == "ab");
  CHECK(back.brokers.at(0).port == 9092);
  CHECK(back.cluster_authorized_operations == INT32_MIN);
  check_hostile<describe_cluster_response>(v0, 0);
  resp.error = error_code::mismatched_endpoint_type;
  resp.error_message = "x";
  auto v1 = decode_all<describe_cluster_response>(encode_to_bytes(int16_t{1}, resp), 1);
  CHECK(v1.error == error_code::mismatched_endpoint_type);
  CHECK(v1.error_message == std::optional<std::string>{"x"});
  CHECK(v1.endpoint_type == endpoint_type_brokers);
  CHECK(encode_to_bytes(int16_t{1}, resp).size() == encode_to_bytes(int16_t{0}, resp).size() + 1);
}

TEST_CASE("describe_log_dirs: requests from literal bytes, null topics and named ones") {
  // v0-1: topics null (every partition), then one topic with partitions 0 and 1.
  buffer all = bytes({0xff, 0xff, 0xff, 0xff});
  for (int16_t v : {0, 1})
    CHECK_FALSE(check_reencodes<describe_log_dirs_request>(all, v).topics.has_value());
  buffer named = bytes({0, 0, 0, 1, 0, 1}) + ascii("t") + bytes({0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1});
  auto req = check_reencodes<describe_log_dirs_request>(named, 1);
  REQUIRE(req.topics.has_value());
  CHECK(req.topics->at(0).topic == "t");
  CHECK(req.topics->at(0).partitions == std::vector<int32_t>{0, 1});
  check_hostile<describe_log_dirs_request>(named, 1);
  // v2-4 (flexible): compact null is 0; the named form with compact lengths and tags.
  for (int16_t v : {2, 3, 4}) {
    CHECK_FALSE(check_reencodes<describe_log_dirs_request>(bytes({0, 0}), v).topics.has_value());
    buffer flex = bytes({2, 2}) + ascii("t") + bytes({3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0});
    auto f = check_reencodes<describe_log_dirs_request>(flex, v);
    CHECK(f.topics->at(0).partitions.size() == 2);
    check_hostile<describe_log_dirs_request>(flex, v);
  }
}

TEST_CASE("describe_log_dirs: responses, top-level error from v3, volume sizes from v4") {
  describe_log_dirs_response resp;
  describe_log_dirs_result dir;
  dir.log_dir = "/d";
  dir.topics = {{"t", {{0, 100, 0, false}}}};
  dir.total_bytes = 1000;
  dir.usable_bytes = 600;
  resp.results = {dir};
  buffer v1 = bytes({0, 0, 0, 0,                   // throttle
                     0, 0, 0, 1,                   // one dir
                     0, 0, 0, 2}) + ascii("/d") + // error, dir
              bytes({0, 0, 0, 1, 0, 1}) + ascii("t") +
              bytes({0, 0, 0, 1,                            // one partition
                     0, 0, 0, 0,                            // index 0
                     0, 0, 0, 0, 0, 0, 0, 100,              // size
                     0, 0, 0, 0, 0, 0, 0, 0,                // lag
                     0});                                   // not future
  CHECK(encode_to_bytes(int16_t{1}, resp) == v1);
  check_reencodes<describe_log_dirs_response>(v1, 0);
  check_hostile<describe_log_dirs_response>(v1, 1);
  buffer v4 = bytes({0, 0, 0, 0, 0, 0,   // throttle, error (v3+)
                     2, 0, 0, 3}) + ascii("/d") +
              bytes({2, 2}) + ascii("t") +
              bytes({2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // partition + tags
                     0,                                                                   // topic tags
                     0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0, 0, 0x02, 0x58,         // total, usable
                     0, 0});                                                              // dir, body tags
  CHECK(encode_to_bytes(int16_t{4}, resp) == v4);
  auto back = check_reencodes<describe_log_dirs_response>(v4, 4);
  CHECK(back.results.at(0).usable_bytes == 600);
  CHECK(back.results.at(0).topics.at(0).partitions.at(0).partition_size == 100);
  check_hostile<describe_log_dirs_response>(v4, 4);
  // v2 has neither the top-level error nor the volume sizes; v3 has the error only.
  CHECK(encode_to_bytes(int16_t{3}, resp).size() == encode_to_bytes(int16_t{2}, resp).size() + 2);
  CHECK(encode_to_bytes(int16_t{4}, resp).size() == encode_to_bytes(int16_t{3}, resp).size() + 16);
  auto v2 = decode_all<describe_log_dirs_response>(encode_to_bytes(int16_t{2}, resp), 2);
  CHECK(v2.results.at(0).total_bytes == -1);
}

TEST_CASE("alter_partition_reassignments: v0 request and response from literal bytes") {
  // timeout 30000, topics [t: partitions [0: replicas [2,3], 1: replicas null (cancel)]].
  buffer req_bytes = bytes({0, 0, 0x75, 0x30, 2, 2}) + ascii("t") +
                     bytes({3, 0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 1, 0, 0, 0, 0});
  auto req = check_reencodes<alter_partition_reassignments_request>(req_bytes, 0);
  CHECK(req.timeout_ms == 30000);
  REQUIRE(req.topics.size() == 1);
  REQUIRE(req.topics[0].partitions.size() == 2);
  CHECK(req.topics[0].partitions[0].replicas == std::optional<std::vector<int32_t>>{std::vector<int32_t>{2, 3}});
  CHECK_FALSE(req.topics[0].partitions[1].replicas);
  check_hostile<alter_partition_reassignments_request>(req_bytes, 0);
  reader r1(req_bytes.data(), req_bytes.size());
  alter_partition_reassignments_request unsupported;
  CHECK_FALSE(decode(r1, 1, unsupported));

  alter_partition_reassignments_response resp;
  resp.responses = {{"t", {{0, error_code::none, std::nullopt}, {1, error_code::no_reassignment_in_progress, "x"}}}};
  buffer resp_bytes = bytes({0, 0, 0, 0, 0, 0, 0, 2, 2}) + ascii("t") +
                      bytes({3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 85, 2}) + ascii("x") + bytes({0, 0, 0});
  CHECK(encode_to_bytes(int16_t{0}, resp) == resp_bytes);
  auto back = check_reencodes<alter_partition_reassignments_response>(resp_bytes, 0);
  CHECK(back.responses[0].partitions[1].error == error_code::no_reassignment_in_progress);
  CHECK(carries_error(back));
  check_hostile<alter_partition_reassignments_response>(resp_bytes, 0);
}

TEST_CASE("list_partition_reassignments: v0 request (all, or named partitions) and response") {
  auto all = check_reencodes<list_partition_reassignments_request>(bytes({0, 0, 0xea, 0x60, 0, 0}), 0);
  CHECK(all.timeout_ms == 60000);
  CHECK_FALSE(all.topics);
  buffer named = bytes({0, 0, 0xea, 0x60, 2, 2}) + ascii("t") + bytes({2, 0, 0, 0, 4, 0, 0});
  auto req = check_reencodes<list_partition_reassignments_request>(named, 0);
  REQUIRE(req.topics);
  CHECK((*req.topics)[0].partition_indexes == std::vector<int32_t>{4});
  check_hostile<list_partition_reassignments_request>(named, 0);

  list_partition_reassignments_response resp;
  resp.topics = {{"t", {{4, {2, 3, 1}, {3}, {1}}}}};
  buffer resp_bytes = bytes({0, 0, 0, 0, 0, 0, 0, 2, 2}) + ascii("t") +
                      bytes({2, 0, 0, 0, 4, 4, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 1, 2, 0, 0, 0, 3, 2, 0, 0, 0, 1, 0, 0, 0});
  CHECK(encode_to_bytes(int16_t{0}, resp) == resp_bytes);
  auto back = check_reencodes<list_partition_reassignments_response>(resp_bytes, 0);
  CHECK(back.topics[0].partitions[0].adding_replicas == std::vector<int32_t>{3});
  CHECK_FALSE(carries_error(back));
  check_hostile<list_partition_reassignments_response>(resp_bytes, 0);
}

TEST_CASE("delete_records: v0-1 and flexible v2 round trips from literal bytes") {
  delete_records_request req;
  req.topics.push_back({"t", {{0, 10}, {1, -1}}});
  req.timeout_ms = 30000;
  auto v0 = bytes({0, 0, 0, 1, 0, 1}) + ascii("t") +
            bytes({0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10,                      // p0 -> 10
                   0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,            // p1 -> -1
                   0, 0, 0x75, 0x30});                                                   // timeout
  CHECK(encode_to_bytes(0, req) == v0);
  CHECK(encode_to_bytes(1, req) == v0);
  CHECK(check_reencodes<delete_records_request>(v0, 1).topics[0].partitions[1].offset == -1);
  check_hostile<delete_records_request>(v0, 0);
  auto v2 = bytes({2, 2}) + ascii("t") +
            bytes({3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                   0xff, 0, 0, 0, 0, 0x75, 0x30, 0});
  CHECK(encode_to_bytes(2, req) == v2);
  check_hostile<delete_records_request>(v2, 2);
  delete_records_response resp;
  resp.topics.push_back({"t", {{0, 10, error_code::none}, {1, -1, error_code::offset_out_of_range}}});
  auto r2 = bytes({0, 0, 0, 0, 2, 2}) + ascii("t") +
            bytes({3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0,                       // p0 low 10
                   0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 0,   // p1 out of range
                   0, 0});
  CHECK(encode_to_bytes(2, resp) == r2);
  CHECK(check_reencodes<delete_records_response>(r2, 2).topics[0].partitions[1].error ==
        error_code::offset_out_of_range);
  check_hostile<delete_records_response>(r2, 2);
  reader r(v0.data(), v0.size());
  delete_records_request bad;
  CHECK_FALSE(decode(r, 3, bad));
}

TEST_CASE("describe_producers: v0 (flexible) round trips from literal bytes") {
  auto req_b = bytes({2, 2}) + ascii("t") + bytes({3, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0});
  auto req = check_reencodes<describe_producers_request>(req_b, 0);
  REQUIRE(req.topics.size() == 1);
  CHECK(req.topics[0].partition_indexes == std::vector<int32_t>{0, 4});
  check_hostile<describe_producers_request>(req_b, 0);
  describe_producers_response resp;
  resp.topics.push_back({"t", {}});
  describe_producers_partition p;
  p.partition_index = 0;
  p.active_producers.push_back({5, 1, 49, 1700000000000, -1, -1});
  resp.topics[0].partitions.push_back(p);
  auto resp_b = bytes({0, 0, 0, 0, 2, 2}) + ascii("t") +
                bytes({2, 0, 0, 0, 0, 0, 0, 0,                                     // partition 0, no error, null message
                       2, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 49,         // id 5, epoch 1, last seq 49
                       0, 0, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00,                   // last timestamp
                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, // -1, -1, tags
                       0, 0, 0});
  CHECK(encode_to_bytes(0, resp) == resp_b);
  CHECK(check_reencodes<describe_producers_response>(resp_b, 0).topics[0].partitions[0].active_producers[0].last_sequence == 49);
  check_hostile<describe_producers_response>(resp_b, 0);
}
