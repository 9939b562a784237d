// The generation and member id read from librdkafka's serialised consumer group metadata
// (cluster/experiment/rdkafka_group_metadata): the bytes below are what librdkafka 2.0.2's
// rd_kafka_consumer_group_metadata_write gave for rd_kafka_consumer_group_metadata_new_with_genid("grp",
// 0x01020304, "member-x", NULL) on x86-64, copied from a run of that call.
#include <doctest/doctest.h>

#include <string>

#include "cluster/experiment/rdkafka_group_metadata.hpp"

using samsa::cluster::experiment::parse_rdkafka_group_metadata;

TEST_CASE("rdkafka group metadata: the generation and member id of a serialised member") {
  const unsigned char bytes[] = {0x43, 0x47, 0x4d, 0x44, 0x76, 0x32, 0x3a, 0x04, 0x03, 0x02, 0x01, 0x67, 0x72,
                                 0x70, 0x00, 0x6d, 0x65, 0x6d, 0x62, 0x65, 0x72, 0x2d, 0x78, 0x00, 0x01};
  auto m = parse_rdkafka_group_metadata(bytes, sizeof bytes);
  REQUIRE(m);
  CHECK(m->generation == 0x01020304);
  CHECK(m->group == "grp");
  CHECK(m->member == "member-x");
  // Not that layout: nothing.
  CHECK_FALSE(parse_rdkafka_group_metadata(bytes, 10));
  CHECK_FALSE(parse_rdkafka_group_metadata(bytes, 20)); // the member id's terminator is cut off
  std::string other(reinterpret_cast<const char*>(bytes), sizeof bytes);
  other[5] = '3'; // "CGMDv3:"
  CHECK_FALSE(parse_rdkafka_group_metadata(other.data(), other.size()));
  CHECK_FALSE(parse_rdkafka_group_metadata(nullptr, 0));
}
