#pragma once
// A group member's generation and member id as librdkafka serialises its consumer group metadata
// (rd_kafka_consumer_group_metadata_write): librdkafka's C API has no getter for the generation, which the
// experiment's history needs on every rebalance line (the checker's double-ownership compares members of one
// generation). Layout, as librdkafka 2.0.2 writes it (checked byte by byte in the unit test, and against a
// live consumer by the coordinator-loss e2e run, whose members agree on their generations):
//   "CGMDv2:"  int32 generation (host byte order)  group id NUL  member id NUL  (group instance id ...)
// Pure; no librdkafka here, the runner passes the bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace samsa::cluster::experiment {

struct group_member_metadata {
  int32_t generation = -1;
  std::string group;
  std::string member;
};

// nullopt for anything that is not that layout (another magic, too short, a missing terminator).
std::optional<group_member_metadata> parse_rdkafka_group_metadata(const void* data, size_t size);

} // namespace samsa::cluster::experiment
