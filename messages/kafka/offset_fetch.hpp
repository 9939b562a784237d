#pragma once

// OffsetFetch (key 9), versions 0-5 (v6 is the first flexible version; v0 is v1's layout: Kafka 3.x
// answers both from the group coordinator). Request: group_id,
// topics[name, partition_indexes] (null = all topics, v2+). Response: throttle_time_ms (v3+),
// topics[name, partitions[partition_index, committed_offset, committed_leader_epoch (v5+),
// metadata, error]], error (v2+, group-level). An offset of -1 means "nothing committed".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// Partitions of one topic whose committed offsets are wanted.
struct offset_fetch_topic {
  std::string name;
  std::vector<int32_t> partition_indexes;
};

/// OffsetFetch request. `topics` null (v2+) asks for every topic the group committed.
struct offset_fetch_request {
  std::string group_id;
  std::optional<std::vector<offset_fetch_topic>> topics;
};

/// One partition's committed offset.
struct offset_fetch_partition {
  int32_t partition_index = 0;
  int64_t committed_offset = -1;
  int32_t committed_leader_epoch = -1; // v5+
  std::optional<std::string> metadata;
  error_code error = error_code::none;
};

/// Offsets of one topic.
struct offset_fetch_topic_response {
  std::string name;
  std::vector<offset_fetch_partition> partitions;
};

/// OffsetFetch response body.
struct offset_fetch_response {
  int32_t throttle_time_ms = 0; // v3+
  std::vector<offset_fetch_topic_response> topics;
  error_code error = error_code::none; // v2+
};

bool decode(reader& r, int16_t version, offset_fetch_request& req);
void encode(writer& w, int16_t version, const offset_fetch_request& req);
void encode(writer& w, int16_t version, const offset_fetch_response& resp);
bool decode(reader& r, int16_t version, offset_fetch_response& resp);

} // namespace samsa::kafka
