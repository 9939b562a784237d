// Fetch codec tests: v4 as kafka-python sends it, v11 with sessions and rack, responses.

#include <doctest/doctest.h>

#include "messages/kafka/fetch.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

namespace {

buffer fetch_v4_literal() {
  return bytes({0xff, 0xff, 0xff, 0xff,   // replica_id -1
                0x00, 0x00, 0x01, 0xf4,   // max_wait 500
                0x00, 0x00, 0x00, 0x01,   // min_bytes 1
                0x03, 0x20, 0x00, 0x00,   // max_bytes 52428800
                0x01,                     // read_committed
                0x00, 0x00, 0x00, 0x01,   // 1 topic
                0x00, 0x01}) +
         ascii("t") +
         bytes({0x00, 0x00, 0x00, 0x01,                           // 1 partition
                0x00, 0x00, 0x00, 0x02,                           // partition 2
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,   // fetch_offset 42
                0x00, 0x10, 0x00, 0x00});                         // partition_max 1 MiB
}

buffer fetch_v11_literal() {
  return bytes({0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x01, 0xf4, 0x00, 0x00, 0x00, 0x01,
                0x03, 0x20, 0x00, 0x00, 0x00,                     // read_uncommitted
                0x00, 0x00, 0x00, 0x00,                           // session_id 0
                0xff, 0xff, 0xff, 0xff,                           // session_epoch -1
                0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +
         ascii("t") +
         bytes({0x00, 0x00, 0x00, 0x01,                           // 1 partition
                0x00, 0x00, 0x00, 0x00,                           // partition 0
                0x00, 0x00, 0x00, 0x05,                           // current_leader_epoch 5
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,   // fetch_offset 7
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,   // log_start_offset -1
                0x00, 0x10, 0x00, 0x00,                           // partition_max 1 MiB
                0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +            // 1 forgotten topic "u"
         ascii("u") +
         bytes({0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04,
                0x00, 0x03}) +                                    // [3, 4]; rack len 3
         ascii("az1");
}

} // namespace

TEST_CASE("fetch: v4 request from literal bytes") {
  buffer b = fetch_v4_literal();
  auto req = check_reencodes<fetch_request>(b, 4);
  CHECK(req.replica_id == -1);
  CHECK(req.max_wait_ms == 500);
  CHECK(req.min_bytes == 1);
  CHECK(req.max_bytes == 52428800);
  CHECK(req.isolation_level == 1);
  CHECK(req.session_id == 0);
  CHECK(req.session_epoch == -1);
  REQUIRE(req.topics.size() == 1);
  CHECK(req.topics[0].topic == "t");
  REQUIRE(req.topics[0].partitions.size() == 1);
  const auto& p = req.topics[0].partitions[0];
  CHECK(p.partition == 2);
  CHECK(p.fetch_offset == 42);
  CHECK(p.current_leader_epoch == -1);
  CHECK(p.log_start_offset == -1);
  CHECK(p.partition_max_bytes == 1048576);
  CHECK(req.forgotten_topics_data.empty());
  CHECK(req.rack_id.empty());
  check_hostile<fetch_request>(b, 4);
}

TEST_CASE("fetch: v11 request from literal bytes") {
  buffer b = fetch_v11_literal();
  auto req = check_reencodes<fetch_request>(b, 11);
  CHECK(req.session_id == 0);
  CHECK(req.session_epoch == -1);
  const auto& p = req.topics.at(0).partitions.at(0);
  CHECK(p.current_leader_epoch == 5);
  CHECK(p.fetch_offset == 7);
  CHECK(p.log_start_offset == -1);
  REQUIRE(req.forgotten_topics_data.size() == 1);
  CHECK(req.forgotten_topics_data[0].topic == "u");
  CHECK(req.forgotten_topics_data[0].partitions == std::vector<int32_t>{3, 4});
  CHECK(req.rack_id == "az1");
  check_hostile<fetch_request>(b, 11);
}

TEST_CASE("fetch: request field presence per version") {
  fetch_request req;
  req.max_wait_ms = 100;
  req.session_id = 12;
  req.session_epoch = 3;
  req.rack_id = "r";
  req.topics = {{"t", {{0, 9, 100, 5, 4096}}}};
  req.forgotten_topics_data = {{"f", {1}}};
  size_t prev = 0;
  for (int16_t v = 4; v <= 11; ++v) {
    INFO("version " << v);
    buffer b = encode_to_bytes(v, req);
    auto back = check_reencodes<fetch_request>(b, v);
    const auto& p = back.topics.at(0).partitions.at(0);
    CHECK(p.fetch_offset == 100);
    CHECK(p.current_leader_epoch == (v >= 9 ? 9 : -1));
    CHECK(p.log_start_offset == (v >= 5 ? 5 : -1));
    CHECK(back.session_id == (v >= 7 ? 12 : 0));
    CHECK(back.forgotten_topics_data.size() == (v >= 7 ? 1u : 0u));
    CHECK(back.rack_id == (v >= 11 ? "r" : ""));
    CHECK(b.size() >= prev);
    prev = b.size();
  }
}

TEST_CASE("fetch: v4 response from literal bytes") {
  auto b = bytes({0x00, 0x00, 0x00, 0x00,                           // throttle
                  0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +            // 1 topic, name len 1
           ascii("t") +
           bytes({0x00, 0x00, 0x00, 0x01,                           // 1 partition
                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00,               // index 0, error 0
                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a,   // high watermark 10
                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09,   // last stable 9
                  0x00, 0x00, 0x00, 0x00,                           // aborted: empty
                  0x00, 0x00, 0x00, 0x03}) +                        // records: 3 bytes
           ascii("abc");
  auto resp = check_reencodes<fetch_response>(b, 4);
  const auto& p = resp.responses.at(0).partitions.at(0);
  CHECK(p.high_watermark == 10);
  CHECK(p.last_stable_offset == 9);
  REQUIRE(p.aborted_transactions.has_value());
  CHECK(p.aborted_transactions->empty());
  REQUIRE(p.records.has_value());
  CHECK(p.records->view() == "abc");
  CHECK(p.records->data == b.data() + b.size() - 3);
  check_hostile<fetch_response>(b, 4);
}

TEST_CASE("fetch: v11 response round-trip with aborted transactions") {
  fetch_response resp;
  resp.throttle_time_ms = 1;
  resp.error = error_code::none;
  resp.session_id = 0;
  static const char data[] = "batchbytes";
  fetch_partition_data p;
  p.partition_index = 1;
  p.high_watermark = 100;
  p.last_stable_offset = 90;
  p.log_start_offset = 3;
  p.aborted_transactions = std::vector<fetch_aborted_transaction>{{77, 80}};
  p.preferred_read_replica = -1;
  p.records = byte_span{data, 10};
  fetch_partition_data err;
  err.partition_index = 2;
  err.error = error_code::offset_out_of_range;
  err.records.reset();
  resp.responses = {{"orders", {p, err}}};
  for (int16_t v : {4, 5, 7, 11}) {
    INFO("version " << v);
    buffer b = encode_to_bytes(v, resp);
    auto back = check_reencodes<fetch_response>(b, v);
    const auto& bp = back.responses.at(0).partitions.at(0);
    CHECK(bp.records->view() == "batchbytes");
    CHECK(bp.aborted_transactions->at(0).producer_id == 77);
    CHECK(bp.log_start_offset == (v >= 5 ? 3 : -1));
    CHECK_FALSE(back.responses[0].partitions[1].aborted_transactions.has_value());
    CHECK_FALSE(back.responses[0].partitions[1].records.has_value());
    CHECK(back.responses[0].partitions[1].error == error_code::offset_out_of_range);
    check_hostile<fetch_response>(b, v);
  }
  // v7 puts error and session id right after the throttle time.
  resp.session_id = 0x01020304;
  buffer b7 = encode_to_bytes(7, resp);
  CHECK(buffer(b7.begin(), b7.begin() + 10) ==
        bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04}));
}

TEST_CASE("fetch: hostile inputs") {
  SUBCASE("huge forgotten-topic partition count") {
    buffer b = fetch_v11_literal();
    // the forgotten topic's partition count starts 17 bytes before the end
    size_t pos = b.size() - 3 - 2 - 8 - 4;
    b[pos] = 0x7f;
    reader r(b.data(), b.size());
    fetch_request req;
    CHECK_FALSE(decode(r, 11, req));
  }
  SUBCASE("unsupported versions") {
    buffer b = fetch_v4_literal();
    for (int16_t v : {-1, 12}) {
      reader r(b.data(), b.size());
      fetch_request req;
      CHECK_FALSE(decode(r, v, req));
    }
  }
}

TEST_CASE("fetch: v0-3 requests have no isolation level (v0-2 no max_bytes); answers no LSO, v0 no throttle") {
  // v0 request: replica -1, max_wait 100, min_bytes 0, topic "t" partition 1 offset 5 max 1 MiB.
  auto v0 = bytes({0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00,
                   0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +
            ascii("t") +
            bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 5, 0x00, 0x10, 0x00, 0x00});
  auto req = check_reencodes<fetch_request>(v0, 0);
  CHECK(req.max_bytes == 0x7fffffff); // no limit before v3
  CHECK(req.isolation_level == 0);
  CHECK(req.topics[0].partitions[0].fetch_offset == 5);
  check_hostile<fetch_request>(v0, 0);
  const char rec[] = "abc";
  fetch_response resp;
  resp.throttle_time_ms = 0;
  resp.responses.push_back({"t", {}});
  fetch_partition_data p;
  p.partition_index = 1;
  p.high_watermark = 9;
  p.records = byte_span{rec, 3};
  resp.responses[0].partitions.push_back(p);
  auto body = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
              bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, // partition 1, no error
                     0, 0, 0, 0, 0, 0, 0, 9,                                     // high watermark 9
                     0x00, 0x00, 0x00, 0x03}) +
              ascii("abc");
  CHECK(encode_to_bytes(0, resp) == body);
  CHECK(encode_to_bytes(3, resp) == bytes({0, 0, 0, 0}) + body);
  check_hostile<fetch_response>(body, 0);
}
