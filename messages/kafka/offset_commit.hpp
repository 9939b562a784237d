#pragma once

// OffsetCommit (key 8), versions 0-9 (v8+ flexible). Request: group_id, generation_id and member_id (v1+;
// v9 calls the generation the member epoch of the new consumer protocol, which a classic group reads as its
// generation, as Kafka 3.9 does), group_instance_id (v7+), retention_time_ms (v2-4 only), topics[name,
// partitions[partition_index, committed_offset, commit_timestamp (v1 only), committed_leader_epoch (v6+),
// committed_metadata]]. Response: throttle_time_ms (v3+), topics[name, partitions[partition_index, error]].
// Standalone consumers commit with generation -1 and empty member, which is what v0 means. Sarama commits
// with v1 by default.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/partition_errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// One partition's committed position.
struct offset_commit_partition {
  int32_t partition_index = 0;
  int64_t committed_offset = 0;
  int32_t committed_leader_epoch = -1; // v6+
  std::optional<std::string> committed_metadata;
  int64_t commit_timestamp = -1;       // v1 only; ignored (the broker stamps commits)
};

/// Commits for one topic.
struct offset_commit_topic {
  std::string name;
  std::vector<offset_commit_partition> partitions;
};

/// OffsetCommit request.
struct offset_commit_request {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id; // v7+
  int64_t retention_time_ms = -1;               // v2-4; -1 = broker default
  std::vector<offset_commit_topic> topics;
};

/// Result for one partition, and for one topic.
using offset_commit_partition_response = partition_error;
using offset_commit_topic_response = topic_partition_errors;

/// OffsetCommit response body.
struct offset_commit_response {
  int32_t throttle_time_ms = 0; // v3+
  std::vector<offset_commit_topic_response> topics;
};

bool decode(reader& r, int16_t version, offset_commit_request& req);
void encode(writer& w, int16_t version, const offset_commit_request& req);
void encode(writer& w, int16_t version, const offset_commit_response& resp);
bool decode(reader& r, int16_t version, offset_commit_response& resp);

} // namespace samsa::kafka
