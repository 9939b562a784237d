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

TEST_CASE("list_offsets: v4 request carries the current leader epoch, v4 response the leader epoch") {
  auto req_b = bytes({0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
               bytes({0x00, 0x00, 0x00, 0x01,
                      0x00, 0x00, 0x00, 0x02,                           // partition 2
                      0x00, 0x00, 0x00, 0x07,                           // current leader epoch 7
                      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8}); // timestamp 1000
  for (int16_t v : {4, 5}) {
    auto req = check_reencodes<list_offsets_request>(req_b, v);
    CHECK(req.topics.at(0).partitions.at(0).current_leader_epoch == 7);
    CHECK(req.topics.at(0).partitions.at(0).timestamp == 1000);
    check_hostile<list_offsets_request>(req_b, v);
  }
  list_offsets_response resp;
  resp.topics = {{"t", {{2, error_code::none, 1000, 50, 7}}}};
  auto resp_b = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
                bytes({0x00, 0x00, 0x00, 0x01,
                       0x00, 0x00, 0x00, 0x02, 0x00, 0x00,                  // p2, ok
                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8,      // timestamp 1000
                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x32,      // offset 50
                       0x00, 0x00, 0x00, 0x07});                            // leader epoch 7
  CHECK(encode_to_bytes(4, resp) == resp_b);
  CHECK(check_reencodes<list_offsets_response>(resp_b, 5).topics[0].partitions[0].leader_epoch == 7);
  // Below v4 the epoch is not on the wire.
  CHECK(encode_to_bytes(3, resp).size() == resp_b.size() - 4);
}

TEST_CASE("list_offsets: v6, v7 and v8 are flexible (compact strings and arrays, tagged fields)") {
  auto req_b = bytes({0xff, 0xff, 0xff, 0xff, 0x00,     // replica -1, read_uncommitted
                      0x02, 0x02}) + ascii("t") +        // 1 topic, name "t" (compact)
               bytes({0x02,                              // 1 partition
                      0x00, 0x00, 0x00, 0x00,            // partition 0
                      0xff, 0xff, 0xff, 0xff,            // current leader epoch -1
                      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfd, // max timestamp (-3)
                      0x00,                              // partition tags
                      0x00,                              // topic tags
                      0x00});                            // request tags
  for (int16_t v : {6, 7, 8}) {
    auto req = check_reencodes<list_offsets_request>(req_b, v);
    CHECK(req.topics.at(0).partitions.at(0).timestamp == list_offsets_max_timestamp);
    check_hostile<list_offsets_request>(req_b, v);
  }
  // v8's earliest-local spec (-4) is a timestamp like the others on the wire.
  auto local_b = req_b;
  local_b[local_b.size() - 4] = static_cast<char>(0xfc);
  CHECK(check_reencodes<list_offsets_request>(local_b, 8).topics[0].partitions[0].timestamp ==
        list_offsets_earliest_local);
  // A tagged field a newer client adds is skipped.
  auto tagged = req_b;
  tagged.back() = 0x01;
  tagged = tagged + bytes({0x05, 0x02, 0xab, 0xcd});
  reader r(tagged.data(), tagged.size());
  list_offsets_request req;
  CHECK(decode(r, 7, req));
  CHECK(r.remaining() == 0);

  list_offsets_response resp;
  resp.topics = {{"t", {{0, error_code::none, 5000, 3, 2}}}};
  auto resp_b = bytes({0x00, 0x00, 0x00, 0x00, 0x02, 0x02}) + ascii("t") +
                bytes({0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x13, 0x88,      // timestamp 5000
                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,      // offset 3
                       0x00, 0x00, 0x00, 0x02,                              // leader epoch 2
                       0x00, 0x00, 0x00});
  CHECK(encode_to_bytes(7, resp) == resp_b);
  CHECK(check_reencodes<list_offsets_response>(resp_b, 6).topics[0].partitions[0].offset == 3);
  CHECK(encode_to_bytes(8, resp) == resp_b);
  check_hostile<list_offsets_response>(resp_b, 7);
  check_hostile<list_offsets_response>(resp_b, 8);
}

TEST_CASE("list_offsets: v0 asks with max_num_offsets and is answered with an offset array") {
  auto req_b = bytes({0xff, 0xff, 0xff, 0xff,                               // replica -1
                      0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) +                // 1 topic
               ascii("t") +
               bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03,       // 1 partition: 3
                      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,       // timestamp -2 (earliest)
                      0x00, 0x00, 0x00, 0x01});                             // max_num_offsets 1
  auto req = check_reencodes<list_offsets_request>(req_b, 0);
  REQUIRE(req.topics.size() == 1);
  CHECK(req.topics[0].partitions[0].timestamp == list_offsets_earliest);
  CHECK(req.topics[0].partitions[0].max_num_offsets == 1);
  check_hostile<list_offsets_request>(req_b, 0);
  list_offsets_response resp;
  resp.topics.push_back({"t", {}});
  resp.topics[0].partitions.push_back({3, error_code::none, 123, 42, 7});
  resp.topics[0].partitions.push_back({4, error_code::unknown_topic_or_partition, -1, -1, -1});
  auto resp_b = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
                bytes({0x00, 0x00, 0x00, 0x02,                                    // 2 partitions
                       0x00, 0x00, 0x00, 0x03, 0x00, 0x00,                        // 3: no error
                       0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 42,           //    offsets [42]
                       0x00, 0x00, 0x00, 0x04, 0x00, 0x03,                        // 4: unknown
                       0x00, 0x00, 0x00, 0x00});                                  //    offsets []
  CHECK(encode_to_bytes(0, resp) == resp_b);
  reader r(resp_b.data(), resp_b.size());
  list_offsets_response back;
  REQUIRE(decode(r, 0, back));
  CHECK(back.topics[0].partitions[0].offset == 42);
  CHECK(back.topics[0].partitions[1].offset == -1);
}

TEST_CASE("list_offsets: v9 (KIP-1005) has v8's layout, with the latest-tiered spec -5; v10 is refused") {
  // Built per ListOffsetsRequest.json at 3.9: replica -1, read_committed, topic "t", partition 2 with current
  // leader epoch 4 and timestamp -5 (latest tiered), each struct's empty tag section.
  auto req_b = bytes({0xff, 0xff, 0xff, 0xff, 0x01,     // replica -1, read_committed
                      0x02, 0x02}) + ascii("t") +        // 1 topic, name "t"
               bytes({0x02,                              // 1 partition
                      0x00, 0x00, 0x00, 0x02,            // partition 2
                      0x00, 0x00, 0x00, 0x04,            // current leader epoch 4
                      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb, // latest tiered (-5)
                      0x00, 0x00, 0x00});                // partition, topic, request tags
  auto req = check_reencodes<list_offsets_request>(req_b, 9);
  CHECK(req.isolation_level == 1);
  CHECK(req.topics.at(0).partitions.at(0).partition_index == 2);
  CHECK(req.topics.at(0).partitions.at(0).current_leader_epoch == 4);
  CHECK(req.topics.at(0).partitions.at(0).timestamp == list_offsets_latest_tiered);
  check_hostile<list_offsets_request>(req_b, 9);
  // The answer Kafka 3.9 gives for -5 without remote storage: offset -1, timestamp -1, leader epoch -1.
  list_offsets_response resp;
  resp.topics = {{"t", {{2, error_code::none, -1, -1, -1}}}};
  auto resp_b = bytes({0x00, 0x00, 0x00, 0x00, 0x02, 0x02}) + ascii("t") +
                bytes({0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,           // partition 2, no error
                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,      // timestamp -1
                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,      // offset -1
                       0xff, 0xff, 0xff, 0xff,                              // leader epoch -1
                       0x00, 0x00, 0x00});
  CHECK(encode_to_bytes(9, resp) == resp_b);
  CHECK(check_reencodes<list_offsets_response>(resp_b, 9).topics[0].partitions[0].leader_epoch == -1);
  check_hostile<list_offsets_response>(resp_b, 9);
  reader r(req_b.data(), req_b.size());
  list_offsets_request newer;
  CHECK_FALSE(decode(r, 10, newer));
}
