// Tests of the API table, the error codes and the request/response headers.

#include <doctest/doctest.h>

#include <cstring>
#include <set>

#include "messages/kafka/api_table.hpp"
#include "messages/kafka/errors.hpp"
#include "messages/kafka/request_header.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

TEST_CASE("api table: ranges as advertised in kafka-wire notes") {
  struct expect {
    api_key key;
    int16_t min, max, flex;
  };
  const expect rows[] = {
    {api_key::produce, 0, 11, 9},         {api_key::fetch, 0, 17, 12},
    {api_key::list_offsets, 0, 9, 6},     {api_key::metadata, 0, 12, 9},
    {api_key::offset_commit, 0, 9, 8},    {api_key::offset_fetch, 0, 9, 6},
    {api_key::find_coordinator, 0, 6, 3}, {api_key::join_group, 0, 9, 6},
    {api_key::heartbeat, 0, 4, 4},        {api_key::leave_group, 0, 5, 4},
    {api_key::sync_group, 0, 5, 4},       {api_key::describe_groups, 0, 5, 5},
    {api_key::list_groups, 0, 5, 3},      {api_key::api_versions, 0, 4, 3},
    {api_key::create_topics, 0, 7, 5},    {api_key::delete_topics, 0, 6, 4},
    {api_key::init_producer_id, 0, 5, 2}, {api_key::offset_for_leader_epoch, 0, 4, 4},
    {api_key::describe_configs, 0, 4, 4}, {api_key::alter_configs, 0, 2, 2},
    {api_key::describe_log_dirs, 0, 4, 2}, {api_key::create_partitions, 0, 3, 2},
    {api_key::delete_groups, 0, 2, 2}, {api_key::incremental_alter_configs, 0, 1, 1},
    {api_key::alter_partition_reassignments, 0, 0, 0}, {api_key::list_partition_reassignments, 0, 0, 0},
    {api_key::offset_delete, 0, 0, never_flexible}, {api_key::describe_cluster, 0, 1, 0},
    {api_key::delete_records, 0, 2, 2}, {api_key::describe_producers, 0, 0, 0},
  };
  CHECK(api_table().size == sizeof(rows) / sizeof(rows[0]));
  for (const auto& e : rows) {
    const api_info* row = find_api(e.key);
    REQUIRE(row != nullptr);
    INFO(row->name);
    CHECK(row->min_version == e.min);
    CHECK(row->max_version == e.max);
    CHECK(row->first_flexible == e.flex);
    // Only APIs whose codec implements the flexible encoding may advertise a flexible version.
    if (e.key != api_key::api_versions && e.key != api_key::list_offsets && e.key != api_key::metadata &&
        e.key != api_key::fetch &&
        e.key != api_key::describe_configs && e.key != api_key::describe_log_dirs &&
        e.key != api_key::offset_for_leader_epoch &&
        e.key != api_key::delete_groups && e.key != api_key::describe_cluster &&
        e.key != api_key::alter_partition_reassignments && e.key != api_key::list_partition_reassignments &&
        e.key != api_key::delete_records && e.key != api_key::describe_producers &&
        e.key != api_key::alter_configs && e.key != api_key::create_partitions &&
        e.key != api_key::incremental_alter_configs && e.key != api_key::produce &&
        e.key != api_key::create_topics && e.key != api_key::delete_topics && e.key != api_key::init_producer_id &&
        e.key != api_key::find_coordinator &&
        e.key != api_key::join_group && e.key != api_key::heartbeat && e.key != api_key::leave_group &&
        e.key != api_key::sync_group && e.key != api_key::offset_commit && e.key != api_key::offset_fetch &&
        e.key != api_key::describe_groups && e.key != api_key::list_groups)
      CHECK(row->max_version < row->first_flexible);
  }
  int16_t prev = -1;
  for (const api_info& row : api_table()) {
    CHECK(static_cast<int16_t>(row.key) > prev); // sorted, unique
    prev = static_cast<int16_t>(row.key);
  }
  CHECK(find_api(int16_t{4}) == nullptr); // LeaderAndIsr: not ours
  CHECK(find_api(int16_t{-1}) == nullptr);
  CHECK(is_supported(api_key::fetch, 17));
  CHECK_FALSE(is_supported(api_key::fetch, 18));
  CHECK(is_flexible(1, 12));
  CHECK_FALSE(is_flexible(1, 11));
  CHECK(is_supported(api_key::produce, 0)); // message sets, converted (messages/legacy_records.hpp)
  CHECK(is_flexible(18, 3));
  CHECK_FALSE(is_flexible(18, 2));
  CHECK_FALSE(is_flexible(4, 100));
  CHECK_FALSE(is_flexible(47, 0)); // OffsetDelete has no flexible version
  CHECK(is_flexible(60, 0));       // DescribeCluster has only flexible ones
}

TEST_CASE("api table: the broker handles every API it lists") {
  for (api_key k : {api_key::produce, api_key::fetch, api_key::list_offsets, api_key::metadata,
                    api_key::api_versions, api_key::create_topics, api_key::delete_topics,
                    api_key::init_producer_id, api_key::find_coordinator, api_key::join_group,
                    api_key::sync_group, api_key::heartbeat, api_key::leave_group, api_key::offset_commit,
                    api_key::offset_fetch, api_key::describe_groups, api_key::list_groups,
                    api_key::offset_for_leader_epoch, api_key::describe_configs, api_key::describe_log_dirs,
                    api_key::delete_groups, api_key::alter_configs, api_key::create_partitions,
                    api_key::incremental_alter_configs,
                    api_key::offset_delete, api_key::describe_cluster})
    CHECK(find_api(k)->implemented);
  CHECK(find_api(int16_t{21})->implemented); // DeleteRecords
  CHECK(find_api(int16_t{61})->implemented); // DescribeProducers
  CHECK(find_api(int16_t{24}) == nullptr);   // AddPartitionsToTxn: not in the table
}

TEST_CASE("errors: numbers, names and retriability") {
  CHECK(to_int(error_code::none) == 0);
  CHECK(to_int(error_code::unknown_server_error) == -1);
  CHECK(to_int(error_code::not_leader_or_follower) == 6);
  CHECK(to_int(error_code::unsupported_version) == 35);
  CHECK(to_int(error_code::invalid_config) == 40);
  CHECK(to_int(error_code::kafka_storage_error) == 56);
  CHECK(to_int(error_code::unknown_topic_id) == 100);
  CHECK(std::strcmp(name(error_code::not_leader_or_follower), "NOT_LEADER_OR_FOLLOWER") == 0);
  CHECK(std::strcmp(name(error_code::none), "NONE") == 0);
  CHECK(std::strcmp(name(static_cast<error_code>(999)), "UNKNOWN_ERROR_CODE") == 0);
  CHECK(is_retriable(error_code::not_leader_or_follower));
  CHECK(is_retriable(error_code::unknown_topic_or_partition));
  CHECK(is_retriable(error_code::not_enough_replicas));
  CHECK(is_retriable(error_code::request_timed_out));
  CHECK(is_retriable(error_code::corrupt_message));
  CHECK_FALSE(is_retriable(error_code::none));
  CHECK_FALSE(is_retriable(error_code::out_of_order_sequence_number));
  CHECK_FALSE(is_retriable(error_code::rebalance_in_progress));
  CHECK_FALSE(is_retriable(error_code::unknown_producer_id));
  CHECK_FALSE(is_retriable(error_code::topic_already_exists));
}

TEST_CASE("request header v1 from literal bytes") {
  // Metadata v1 from kafka-python: key 3, version 1, correlation 7, client "kp".
  auto b = bytes({0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x02}) + ascii("kp") +
           bytes({0xff, 0xff, 0xff, 0xff});
  reader r(b.data(), b.size());
  request_header h;
  REQUIRE(decode_request_header(r, h));
  CHECK(h.api_key == 3);
  CHECK(h.api_version == 1);
  CHECK(h.correlation_id == 7);
  CHECK(h.client_id == std::optional<std::string>("kp"));
  CHECK(r.position() == 12); // body starts right after client_id: no tagged fields in v1
  for (size_t n = 0; n < 12; ++n) {
    reader rp(b.data(), n);
    request_header hp;
    CHECK_FALSE(decode_request_header(rp, hp));
    CHECK(rp.failed());
  }
}

TEST_CASE("request header: null client id") {
  auto b = bytes({0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff});
  reader r(b.data(), b.size());
  request_header h;
  REQUIRE(decode_request_header(r, h));
  CHECK_FALSE(h.client_id.has_value());
  CHECK(r.remaining() == 0);
}

TEST_CASE("request header v2 skips tagged fields, client_id keeps its int16 length") {
  // ApiVersions v3, correlation 1, client "rdkafka", one tagged field (tag 9, 2 bytes).
  auto b = bytes({0x00, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07}) +
           ascii("rdkafka") + bytes({0x01, 0x09, 0x02, 0xaa, 0xbb, 0x42});
  reader r(b.data(), b.size());
  request_header h;
  REQUIRE(decode_request_header(r, h));
  CHECK(h.client_id == std::optional<std::string>("rdkafka"));
  CHECK(r.read_i8() == 0x42);
  CHECK(request_header_version(18, 3) == 2);
  CHECK(request_header_version(18, 2) == 1);
  CHECK(request_header_version(0, 7) == 1);
  CHECK(request_header_version(0, 9) == 2); // Produce v9: the first flexible version
}

TEST_CASE("request header: unknown api key parses as v1") {
  auto b = bytes({0x00, 0x04, 0x00, 0x05, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00});
  reader r(b.data(), b.size());
  request_header h;
  REQUIRE(decode_request_header(r, h));
  CHECK(h.api_key == 4);
  CHECK(find_api(h.api_key) == nullptr);
}

TEST_CASE("request header: encode matches the literal form") {
  request_header h{18, 3, 1, std::string("rdkafka")};
  buffer out;
  writer w(out);
  encode_request_header(w, h);
  CHECK(out == bytes({0x00, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07}) +
                   ascii("rdkafka") + bytes({0x00}));
}

TEST_CASE("response headers: v0 for non-flexible and for every ApiVersions") {
  CHECK(response_header_version(18, 3) == 0);
  CHECK(response_header_version(18, 0) == 0);
  CHECK(response_header_version(3, 8) == 0);
  CHECK(response_header_version(3, 9) == 1);
  buffer out;
  writer w(out);
  encode_response_header(w, 18, 3, 0x0a0b0c0d);
  CHECK(out == bytes({0x0a, 0x0b, 0x0c, 0x0d}));
  out.clear();
  encode_response_header(w, 1, 12, 5);
  CHECK(out == bytes({0x00, 0x00, 0x00, 0x05, 0x00}));
  reader r(out.data(), out.size());
  int32_t cid = 0;
  CHECK(decode_response_header(r, 1, 12, cid));
  CHECK(cid == 5);
  CHECK(r.remaining() == 0);
}
