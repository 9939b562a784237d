// OffsetCommit and OffsetFetch codec tests.

#include <doctest/doctest.h>

#include "messages/kafka/offset_commit.hpp"
#include "messages/kafka/offset_fetch.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

namespace {

// v2 as kafka-python sends it: group "g", generation -1, member "", retention -1,
// topic "t" partition 0 offset 5 metadata "".
buffer offset_commit_v2_literal() {
  return bytes({0x00, 0x01}) + ascii("g") +
         bytes({0xff, 0xff, 0xff, 0xff,                           // generation -1
                0x00, 0x00,                                       // member ""
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   // retention -1
                0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +
         ascii("t") +
         bytes({0x00, 0x00, 0x00, 0x01,                           // 1 partition
                0x00, 0x00, 0x00, 0x00,                           // partition 0
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,   // offset 5
                0x00, 0x00});                                     // metadata ""
}

} // namespace

TEST_CASE("offset_commit: v2 request from literal bytes") {
  buffer b = offset_commit_v2_literal();
  auto req = check_reencodes<offset_commit_request>(b, 2);
  CHECK(req.group_id == "g");
  CHECK(req.generation_id == -1);
  CHECK(req.member_id.empty());
  CHECK(req.retention_time_ms == -1);
  const auto& p = req.topics.at(0).partitions.at(0);
  CHECK(p.committed_offset == 5);
  CHECK(p.committed_metadata == std::optional<std::string>(""));
  check_hostile<offset_commit_request>(b, 2);
}

// v1 as Sarama 1.22 sends it with Consumer.Offsets.Retention = 0: group "g", generation 4, member "m",
// topic "t" partition 2 offset 7, commit timestamp -1, metadata "".
TEST_CASE("offset_commit: v1 and v0 requests from literal bytes (Sarama, old clients)") {
  buffer v1 = bytes({0x00, 0x01}) + ascii("g") + bytes({0x00, 0x00, 0x00, 0x04, 0x00, 0x01}) + ascii("m") +
              bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
              bytes({0x00, 0x00, 0x00, 0x01,                           // 1 partition
                     0x00, 0x00, 0x00, 0x02,                           // partition 2
                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,   // offset 7
                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   // commit timestamp -1
                     0x00, 0x00});                                     // metadata ""
  auto req = check_reencodes<offset_commit_request>(v1, 1);
  CHECK(req.generation_id == 4);
  CHECK(req.member_id == "m");
  CHECK(req.retention_time_ms == -1);
  CHECK(req.topics.at(0).partitions.at(0).partition_index == 2);
  CHECK(req.topics.at(0).partitions.at(0).committed_offset == 7);
  check_hostile<offset_commit_request>(v1, 1);
  // v0: no generation, member or timestamp: a standalone commit.
  buffer v0 = bytes({0x00, 0x01}) + ascii("g") + bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
              bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00});
  auto r0 = check_reencodes<offset_commit_request>(v0, 0);
  CHECK(r0.generation_id == -1);
  CHECK(r0.member_id.empty());
  CHECK(r0.topics.at(0).partitions.at(0).committed_offset == 9);
  check_hostile<offset_commit_request>(v0, 0);
  // Responses v0-v2 have no throttle time.
  offset_commit_response resp;
  resp.topics = {{"t", {{2, error_code::none}}}};
  CHECK(encode_to_bytes(int16_t{0}, resp).size() == encode_to_bytes(int16_t{3}, resp).size() - 4);
}

TEST_CASE("offset_commit: field presence per version") {
  offset_commit_request req;
  req.group_id = "g";
  req.generation_id = 3;
  req.member_id = "m";
  req.group_instance_id = "s";
  req.retention_time_ms = 1000;
  req.topics = {{"t", {{1, 42, 6, std::nullopt}}}};
  for (int16_t v = 2; v <= 7; ++v) {
    INFO("version " << v);
    auto b = encode_to_bytes(v, req);
    auto back = check_reencodes<offset_commit_request>(b, v);
    CHECK(back.generation_id == 3);
    CHECK(back.retention_time_ms == (v <= 4 ? 1000 : -1));
    CHECK(back.group_instance_id.has_value() == (v >= 7));
    const auto& p = back.topics.at(0).partitions.at(0);
    CHECK(p.committed_offset == 42);
    CHECK(p.committed_leader_epoch == (v >= 6 ? 6 : -1));
    CHECK_FALSE(p.committed_metadata.has_value());
    check_hostile<offset_commit_request>(b, v);
  }
}

TEST_CASE("offset_commit: responses") {
  offset_commit_response resp;
  resp.throttle_time_ms = 1;
  resp.topics = {{"t", {{0, error_code::none}, {1, error_code::illegal_generation}}}};
  auto v2 = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
            bytes({0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                   0x01, 0x00, 0x16});
  CHECK(encode_to_bytes(2, resp) == v2);
  auto v3 = bytes({0x00, 0x00, 0x00, 0x01}) + v2;
  CHECK(encode_to_bytes(7, resp) == v3);
  CHECK(check_reencodes<offset_commit_response>(v3, 3).topics[0].partitions[1].error ==
        error_code::illegal_generation);
  check_hostile<offset_commit_response>(v2, 2);
  check_hostile<offset_commit_response>(v3, 7);
}

TEST_CASE("offset_fetch: v1 request, v2 null topics") {
  auto v1 = bytes({0x00, 0x01}) + ascii("g") + bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +
            ascii("t") + bytes({0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                0x01});
  auto req = check_reencodes<offset_fetch_request>(v1, 1);
  REQUIRE(req.topics.has_value());
  CHECK(req.topics->at(0).partition_indexes == std::vector<int32_t>{0, 1});
  check_hostile<offset_fetch_request>(v1, 1);

  auto all = bytes({0x00, 0x01}) + ascii("g") + bytes({0xff, 0xff, 0xff, 0xff});
  CHECK_FALSE(check_reencodes<offset_fetch_request>(all, 2).topics.has_value());
  reader r(all.data(), all.size());
  offset_fetch_request bad;
  CHECK_FALSE(decode(r, 1, bad)); // null topics only from v2
  buffer out;
  writer w(out);
  encode(w, 1, offset_fetch_request{"g", std::nullopt});
  CHECK(w.failed());
}

TEST_CASE("offset_fetch: responses") {
  auto v1 = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
            bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,       // partition 0
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,       // offset 5
                   0x00, 0x00,                                           // metadata ""
                   0x00, 0x00});                                         // error 0
  auto resp = check_reencodes<offset_fetch_response>(v1, 1);
  CHECK(resp.topics.at(0).partitions.at(0).committed_offset == 5);
  check_hostile<offset_fetch_response>(v1, 1);
  auto v2 = v1 + bytes({0x00, 0x10}); // group-level NOT_COORDINATOR
  CHECK(check_reencodes<offset_fetch_response>(v2, 2).error == error_code::not_coordinator);

  offset_fetch_response full;
  full.throttle_time_ms = 4;
  full.error = error_code::none;
  full.topics = {{"t", {{0, 10, 3, std::nullopt, error_code::none},
                        {1, -1, -1, std::string(""), error_code::none}}}};
  for (int16_t v = 1; v <= 5; ++v) {
    INFO("version " << v);
    auto b = encode_to_bytes(v, full);
    auto back = check_reencodes<offset_fetch_response>(b, v);
    CHECK(back.throttle_time_ms == (v >= 3 ? 4 : 0));
    CHECK(back.topics[0].partitions[0].committed_leader_epoch == (v >= 5 ? 3 : -1));
    CHECK(back.topics[0].partitions[1].committed_offset == -1);
    check_hostile<offset_fetch_response>(b, v);
  }
}

// ---- flexible versions (KIP-482) ----

TEST_CASE("offset_commit: v8 and v9 (flexible; v9 the same layout, for the new consumer protocol)") {
  // v9 as @platformatic/kafka sends it: group "g", generation 3, member "m1", no instance, topic "t"
  // partition 0 offset 5 leader epoch -1 metadata null.
  auto v9 = bytes({0x02}) + ascii("g") + bytes({0x00, 0x00, 0x00, 0x03, 0x03}) + ascii("m1") +
            bytes({0x00, 0x02, 0x02}) + ascii("t") +
            bytes({0x02, 0x00, 0x00, 0x00, 0x00,                           // 1 partition: 0
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,         // offset 5
                   0xff, 0xff, 0xff, 0xff, 0x00, 0x00,                     // epoch -1, metadata null, tags
                   0x00, 0x00});                                           // topic tags, request tags
  for (int16_t v : {8, 9}) {
    INFO("version " << v);
    auto req = check_reencodes<offset_commit_request>(v9, v);
    CHECK(req.group_id == "g");
    CHECK(req.generation_id == 3);
    CHECK(req.member_id == "m1");
    CHECK(req.retention_time_ms == -1);
    REQUIRE(req.topics.size() == 1);
    CHECK(req.topics[0].name == "t");
    REQUIRE(req.topics[0].partitions.size() == 1);
    CHECK(req.topics[0].partitions[0].committed_offset == 5);
    CHECK_FALSE(req.topics[0].partitions[0].committed_metadata.has_value());
    check_hostile<offset_commit_request>(v9, v);
  }

  offset_commit_response resp;
  resp.throttle_time_ms = 1;
  resp.topics = {{"t", {{0, error_code::none}, {1, error_code::unknown_topic_or_partition}}}};
  auto r8 = bytes({0x00, 0x00, 0x00, 0x01, 0x02, 0x02}) + ascii("t") +
            bytes({0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x03, 0x00,
                   0x00, 0x00});
  CHECK(encode_to_bytes(8, resp) == r8);
  CHECK(encode_to_bytes(9, resp) == r8);
  CHECK(check_reencodes<offset_commit_response>(r8, 9).topics[0].partitions[1].error ==
        error_code::unknown_topic_or_partition);
  check_hostile<offset_commit_response>(r8, 8);
}

TEST_CASE("offset_fetch: v6 and v7 (flexible, one group; v7 require_stable)") {
  auto v7 = bytes({0x02}) + ascii("g") + bytes({0x02, 0x02}) + ascii("t") +
            bytes({0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00});
  auto req = check_reencodes<offset_fetch_request>(v7, 7);
  CHECK(req.group_id == "g");
  REQUIRE(req.topics.has_value());
  CHECK(req.topics->at(0).partition_indexes == std::vector<int32_t>{0, 1});
  CHECK(req.require_stable);
  check_hostile<offset_fetch_request>(v7, 7);
  auto groups = req.all_groups(7);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].group_id == "g");
  auto v6 = encode_to_bytes(6, req);
  CHECK(v6 == buffer(v7.begin(), v7.end() - 2) + bytes({0x00}));
  CHECK_FALSE(check_reencodes<offset_fetch_request>(v6, 6).require_stable);
  auto all = bytes({0x02}) + ascii("g") + bytes({0x00, 0x00, 0x00});
  CHECK_FALSE(check_reencodes<offset_fetch_request>(all, 7).topics.has_value());

  offset_fetch_response resp;
  resp.throttle_time_ms = 2;
  resp.topics = {{"t", {{0, 10, 3, std::string("m"), error_code::none}}}};
  resp.error = error_code::none;
  auto r6 = bytes({0x00, 0x00, 0x00, 0x02, 0x02, 0x02}) + ascii("t") +
            bytes({0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a,
                   0x00, 0x00, 0x00, 0x03, 0x02}) + ascii("m") + bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
  CHECK(encode_to_bytes(6, resp) == r6);
  auto back = check_reencodes<offset_fetch_response>(r6, 7);
  CHECK(back.topics.at(0).partitions.at(0).committed_leader_epoch == 3);
  check_hostile<offset_fetch_response>(r6, 6);
}

TEST_CASE("offset_fetch: v8 and v9 (several groups, per-group errors; v9 member id and epoch)") {
  // v9 as @platformatic/kafka sends it: groups "g" (member null, epoch -1, topic "t" partition 0) and "h"
  // (every topic), require_stable false.
  auto v9 = bytes({0x03, 0x02}) + ascii("g") + bytes({0x00, 0xff, 0xff, 0xff, 0xff, 0x02, 0x02}) + ascii("t") +
            bytes({0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02}) + ascii("h") +
            bytes({0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00});
  auto req = check_reencodes<offset_fetch_request>(v9, 9);
  REQUIRE(req.groups.size() == 2);
  CHECK(req.groups[0].group_id == "g");
  CHECK_FALSE(req.groups[0].member_id.has_value());
  CHECK(req.groups[0].member_epoch == -1);
  REQUIRE(req.groups[0].topics.has_value());
  CHECK(req.groups[0].topics->at(0).partition_indexes == std::vector<int32_t>{0});
  CHECK_FALSE(req.groups[1].topics.has_value());
  CHECK_FALSE(req.require_stable);
  CHECK(req.all_groups(9).size() == 2);
  check_hostile<offset_fetch_request>(v9, 9);
  // v8 has no member id or epoch.
  req.groups[0].member_id = "m1";
  req.groups[0].member_epoch = 4;
  auto v8 = encode_to_bytes(8, req);
  CHECK(v8 == bytes({0x03, 0x02}) + ascii("g") + bytes({0x02, 0x02}) + ascii("t") +
                  bytes({0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02}) + ascii("h") +
                  bytes({0x00, 0x00, 0x00, 0x00}));
  auto back8 = check_reencodes<offset_fetch_request>(v8, 8);
  CHECK_FALSE(back8.groups[0].member_id.has_value());
  CHECK(check_reencodes<offset_fetch_request>(encode_to_bytes(9, req), 9).groups[0].member_epoch == 4);

  offset_fetch_response resp;
  resp.throttle_time_ms = 0;
  resp.groups = {{"g", {{"t", {{0, 10, -1, std::string(""), error_code::none}}}}, error_code::none},
                 {"h", {}, error_code::not_coordinator}};
  auto r9 = bytes({0x00, 0x00, 0x00, 0x00, 0x03, 0x02}) + ascii("g") + bytes({0x02, 0x02}) + ascii("t") +
            bytes({0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, // p0 offset 10
                   0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00,  // epoch -1, "", error, tags (partition)
                   0x00, 0x00, 0x00, 0x00,                          // topic tags, group error, group tags
                   0x02}) + ascii("h") + bytes({0x01, 0x00, 0x10, 0x00, 0x00});
  CHECK(encode_to_bytes(9, resp) == r9);
  CHECK(encode_to_bytes(8, resp) == r9);
  auto back = check_reencodes<offset_fetch_response>(r9, 8);
  REQUIRE(back.groups.size() == 2);
  CHECK(back.groups[0].topics.at(0).partitions.at(0).committed_offset == 10);
  CHECK(back.groups[1].error == error_code::not_coordinator);
  check_hostile<offset_fetch_response>(r9, 9);
}
