#pragma once

// ListPartitionReassignments (key 46, KIP-455), version 0, flexible. Request: timeout_ms, topics
// (nullable: null lists every reassignment)[name, partition_indexes]. Response: throttle_time_ms, error,
// error_message, topics[name, partitions[partition_index, replicas, adding_replicas, removing_replicas]].

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/topic_partitions.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

struct list_reassignments_topic {
  std::string name;
  std::vector<int32_t> partition_indexes;
};

/// ListPartitionReassignments request.
struct list_partition_reassignments_request {
  int32_t timeout_ms = 60000;
  std::optional<std::vector<list_reassignments_topic>> topics; // null: all
};

struct ongoing_partition_reassignment {
  int32_t partition_index = 0;
  std::vector<int32_t> replicas;
  std::vector<int32_t> adding_replicas;
  std::vector<int32_t> removing_replicas;
};

using ongoing_topic_reassignment = topic_partitions<ongoing_partition_reassignment>;

/// ListPartitionReassignments response body.
struct list_partition_reassignments_response {
  int32_t throttle_time_ms = 0;
  error_code error = error_code::none;
  std::optional<std::string> error_message;
  std::vector<ongoing_topic_reassignment> topics;
};

bool decode(reader& r, int16_t version, list_partition_reassignments_request& req);
void encode(writer& w, int16_t version, const list_partition_reassignments_request& req);
void encode(writer& w, int16_t version, const list_partition_reassignments_response& resp);
bool decode(reader& r, int16_t version, list_partition_reassignments_response& resp);

} // namespace samsa::kafka
