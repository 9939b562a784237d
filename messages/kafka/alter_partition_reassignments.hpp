#pragma once

// AlterPartitionReassignments (key 45, KIP-455), version 0, flexible. Request: timeout_ms,
// topics[name, partitions[partition_index, replicas (nullable: null cancels the reassignment in
// progress)]]. Response: throttle_time_ms, error, error_message, responses[name,
// partitions[partition_index, error, error_message]].

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/topic_partitions.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

struct reassignable_partition {
  int32_t partition_index = 0;
  std::optional<std::vector<int32_t>> replicas; // null: cancel
};

using reassignable_topic = topic_partitions<reassignable_partition>;

/// AlterPartitionReassignments request.
struct alter_partition_reassignments_request {
  int32_t timeout_ms = 60000;
  std::vector<reassignable_topic> topics;
};

struct reassignable_partition_response {
  int32_t partition_index = 0;
  error_code error = error_code::none;
  std::optional<std::string> error_message;
};

using reassignable_topic_response = topic_partitions<reassignable_partition_response>;

/// AlterPartitionReassignments response body.
struct alter_partition_reassignments_response {
  int32_t throttle_time_ms = 0;
  error_code error = error_code::none;
  std::optional<std::string> error_message;
  std::vector<reassignable_topic_response> responses;
};

bool decode(reader& r, int16_t version, alter_partition_reassignments_request& req);
void encode(writer& w, int16_t version, const alter_partition_reassignments_request& req);
void encode(writer& w, int16_t version, const alter_partition_reassignments_response& resp);
bool decode(reader& r, int16_t version, alter_partition_reassignments_response& resp);

} // namespace samsa::kafka
