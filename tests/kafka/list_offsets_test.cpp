// ListOffsets codec tests.

#include <doctest/doctest.h>

#include "messages/kafka/list_offsets.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

TEST_CASE("list_offsets: v1 request (kafka-python) from literal bytes") {
  auto b = bytes({0xff, 0xff, 0xff, 0xff,                           // replica -1
                  0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +
           ascii("t") +
           bytes({0x00, 0x00, 0x00, 0x02,                           // 2 partitions
                  0x00, 0x00, 0x00, 0x00,                           // partition 0
                  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,   // earliest
                  0x00, 0x00, 0x00, 0x01,                           // partition 1
                  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}); // latest
  auto req = check_reencodes<list_offsets_request>(b, 1);
  CHECK(req.replica_id == -1);
  CHECK(req.isolation_level == 0);
  const auto& parts = req.topics.at(0).partitions;
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].timestamp == list_offsets_earliest);
  CHECK(parts[1].timestamp == list_offsets_latest);
  check_hostile<list_offsets_request>(b, 1);
}

TEST_CASE("list_offsets: v2 request adds isolation level after replica id") {
  auto b = bytes({0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +
           ascii("t") +
           bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x8b, 0xcf,
                  0xe5, 0x68, 0x00});
  auto req = check_reencodes<list_offsets_request>(b, 2);
  CHECK(req.isolation_level == 1);
  CHECK(req.topics.at(0).partitions.at(0).timestamp == 1700000000000);
  check_hostile<list_offsets_request>(b, 3);
}

TEST_CASE("list_offsets: responses") {
  list_offsets_response resp;
  resp.throttle_time_ms = 4;
  resp.topics = {{"t",
                  {{0, error_code::none, -1, 42},
                   {1, error_code::unknown_topic_or_partition, -1, -1}}}};
  auto v1 = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
            bytes({0x00, 0x00, 0x00, 0x02,
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                         // p0, ok
                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,             // timestamp -1
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,             // offset 42
                   0x00, 0x00, 0x00, 0x01, 0x00, 0x03,                         // p1, error 3
                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  CHECK(encode_to_bytes(1, resp) == v1);
  auto back = check_reencodes<list_offsets_response>(v1, 1);
  CHECK(back.throttle_time_ms == 0);
  CHECK(back.topics[0].partitions[0].offset == 42);
  CHECK(back.topics[0].partitions[1].error == error_code::unknown_topic_or_partition);
  check_hostile<list_offsets_response>(v1, 1);

  auto v2 = bytes({0x00, 0x00, 0x00, 0x04}) + v1;
  CHECK(encode_to_bytes(2, resp) == v2);
  CHECK(encode_to_bytes(3, resp) == v2);
  CHECK(check_reencodes<list_offsets_response>(v2, 3).throttle_time_ms == 4);
  check_hostile<list_offsets_response>(v2, 2);
}

TEST_CASE("list_offsets: v0 and v4 are refused") {
  auto b = bytes({0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00});
  for (int16_t v : {0, 4}) {
    reader r(b.data(), b.size());
    list_offsets_request req;
    CHECK_FALSE(decode(r, v, req));
  }
}
