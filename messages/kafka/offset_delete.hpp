#pragma once

// OffsetDelete (key 47), version 0 (no flexible version in Kafka 3.9). Request: group_id,
// topics[name, partitions[partition_index]]. Response: error (the group's), throttle_time_ms,
// topics[name, partitions[partition_index, error]]. Offsets of a topic a live member of the group
// is subscribed to are kept (GROUP_SUBSCRIBED_TO_TOPIC).

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/partition_errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// The partitions of one topic whose committed offsets to delete.
struct offset_delete_topic {
  std::string name;
  std::vector<int32_t> partition_indexes;
};

/// OffsetDelete request.
struct offset_delete_request {
  std::string group_id;
  std::vector<offset_delete_topic> topics;
};

/// Result for one partition, and for one topic.
using offset_delete_partition_response = partition_error;
using offset_delete_topic_response = topic_partition_errors;

/// OffsetDelete response body.
struct offset_delete_response {
  error_code error = error_code::none; // the group's: GROUP_ID_NOT_FOUND, NOT_COORDINATOR, ...
  int32_t throttle_time_ms = 0;
  std::vector<offset_delete_topic_response> topics;
};

bool decode(reader& r, int16_t version, offset_delete_request& req);
void encode(writer& w, int16_t version, const offset_delete_request& req);
void encode(writer& w, int16_t version, const offset_delete_response& resp);
bool decode(reader& r, int16_t version, offset_delete_response& resp);

} // namespace samsa::kafka
