// OffsetForLeaderEpoch codec tests.

#include <doctest/doctest.h>

#include "messages/kafka/offset_for_leader_epoch.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

TEST_CASE("offset_for_leader_epoch: v2 request (librdkafka) from literal bytes") {
  auto b = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
           bytes({0x00, 0x00, 0x00, 0x01,   // 1 partition
                  0x00, 0x00, 0x00, 0x03,   // partition 3
                  0x00, 0x00, 0x00, 0x05,   // current leader epoch 5
                  0x00, 0x00, 0x00, 0x04}); // asked about epoch 4
  auto req = check_reencodes<offset_for_leader_epoch_request>(b, 2);
  CHECK(req.replica_id == -2);
  const auto& p = req.topics.at(0).partitions.at(0);
  CHECK(p.partition == 3);
  CHECK(p.current_leader_epoch == 5);
  CHECK(p.leader_epoch == 4);
  check_hostile<offset_for_leader_epoch_request>(b, 2);
}

TEST_CASE("offset_for_leader_epoch: v0 has no current epoch, v3 starts with the replica id") {
  auto v0 = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
            bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02});
  auto r0 = check_reencodes<offset_for_leader_epoch_request>(v0, 0);
  CHECK(r0.topics.at(0).partitions.at(0).current_leader_epoch == -1);
  CHECK(r0.topics.at(0).partitions.at(0).leader_epoch == 2);
  auto v3 = bytes({0xff, 0xff, 0xff, 0xff}) + bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
            bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01});
  auto r3 = check_reencodes<offset_for_leader_epoch_request>(v3, 3);
  CHECK(r3.replica_id == -1);
  check_hostile<offset_for_leader_epoch_request>(v3, 3);
}

TEST_CASE("offset_for_leader_epoch: responses v0, v2 and the flexible v4 round-trip") {
  offset_for_leader_epoch_response resp;
  resp.throttle_time_ms = 0;
  resp.topics = {{"t", {{error_code::none, 0, 3, 42}, {error_code::fenced_leader_epoch, 1, -1, -1}}}};
  auto v0 = bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
            bytes({0x00, 0x00, 0x00, 0x02,
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                          // ok, partition 0
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,              // end offset 42
                   0x00, 0x4a, 0x00, 0x00, 0x00, 0x01,                          // error 74, partition 1
                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  CHECK(encode_to_bytes(0, resp) == v0);
  auto v2 = bytes({0x00, 0x00, 0x00, 0x00}) + bytes({0x00, 0x00, 0x00, 0x01, 0x00, 0x01}) + ascii("t") +
            bytes({0x00, 0x00, 0x00, 0x02,
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,  // ok, partition 0, epoch 3
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a,
                   0x00, 0x4a, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff,
                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  CHECK(encode_to_bytes(2, resp) == v2);
  auto back = check_reencodes<offset_for_leader_epoch_response>(v2, 2);
  CHECK(back.topics[0].partitions[0].leader_epoch == 3);
  CHECK(back.topics[0].partitions[0].end_offset == 42);
  CHECK(back.topics[0].partitions[1].error == error_code::fenced_leader_epoch);
  auto v4 = encode_to_bytes(4, resp);
  auto flex = check_reencodes<offset_for_leader_epoch_response>(v4, 4);
  CHECK(flex.topics[0].partitions[0].end_offset == 42);
  check_hostile<offset_for_leader_epoch_response>(v4, 4);
}
