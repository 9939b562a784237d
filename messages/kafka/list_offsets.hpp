#pragma once

// ListOffsets (key 2), versions 0-9 (v6 is the first flexible version: compact strings and arrays, a
// tagged-field section ending every struct). v0 (Sarama's default, Kafka 0.8) asks with
// max_num_offsets per partition and is answered with an array of offsets instead of timestamp and
// offset: samsa answers the one offset found (Kafka may add older segment starts; clients read the
// first).
// Request: replica_id, isolation_level (v2+), topics[name, partitions[partition_index,
// current_leader_epoch (v4+), timestamp]]. Timestamp -1 asks for the log end offset (latest), -2
// for the log start offset (earliest), -3 (v7+, KIP-734) for the record with the largest
// timestamp, -4 (v8+, KIP-405) for the local log start offset (samsa keeps no remote tier: the
// log start), -5 (v9+, KIP-1005) for the latest offset in remote storage (none here: -1), anything
// else for the first offset at or after it. Response: throttle_time_ms (v2+),
// topics[name, partitions[partition_index, error, timestamp, offset, leader_epoch (v4+)]]. v2/v3
// and v4/v5 and v6/v7/v8/v9 share layouts (the later one changed behaviour only).

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// Special timestamps of a ListOffsets query.
inline constexpr int64_t list_offsets_latest = -1;
inline constexpr int64_t list_offsets_earliest = -2;
inline constexpr int64_t list_offsets_max_timestamp = -3; // v7+
inline constexpr int64_t list_offsets_earliest_local = -4; // v8+
inline constexpr int64_t list_offsets_latest_tiered = -5;  // v9+

/// One partition to look up.
struct list_offsets_partition {
  int32_t partition_index = 0;
  int32_t current_leader_epoch = -1; // v4+; -1: no fencing
  int64_t timestamp = list_offsets_latest;
  int32_t max_num_offsets = 1; // v0 only
};

/// One topic to look up.
struct list_offsets_topic {
  std::string name;
  std::vector<list_offsets_partition> partitions;
};

/// ListOffsets request.
struct list_offsets_request {
  int32_t replica_id = -1;
  int8_t isolation_level = 0; // v2+
  std::vector<list_offsets_topic> topics;
};

/// The offset found for one partition.
struct list_offsets_partition_response {
  int32_t partition_index = 0;
  error_code error = error_code::none;
  int64_t timestamp = -1;
  int64_t offset = -1;
  int32_t leader_epoch = -1; // v4+
  // v0 writes [offset] (nothing on an error) in place of timestamp and offset; decode fills offset
  // from the first element.
};

/// Results for one topic.
struct list_offsets_topic_response {
  std::string name;
  std::vector<list_offsets_partition_response> partitions;
};

/// ListOffsets response body.
struct list_offsets_response {
  int32_t throttle_time_ms = 0; // v2+
  std::vector<list_offsets_topic_response> topics;
};

bool decode(reader& r, int16_t version, list_offsets_request& req);
void encode(writer& w, int16_t version, const list_offsets_request& req);
void encode(writer& w, int16_t version, const list_offsets_response& resp);
bool decode(reader& r, int16_t version, list_offsets_response& resp);

} // namespace samsa::kafka
