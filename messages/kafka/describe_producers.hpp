#pragma once

// DescribeProducers (key 61), version 0 (flexible: compact strings and arrays, tagged fields).
// Request: topics[name, partition_indexes]. Response: throttle_time_ms, topics[name,
// partitions[partition_index, error, error_message, active_producers[producer_id, producer_epoch
// (i32 on the wire), last_sequence, last_timestamp, coordinator_epoch, current_txn_start_offset]]].
// Without transactions, coordinator_epoch and current_txn_start_offset are always -1.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

struct describe_producers_topic {
  std::string name;
  std::vector<int32_t> partition_indexes;
};

struct describe_producers_request {
  std::vector<describe_producers_topic> topics;
};

struct producer_state_entry {
  int64_t producer_id = -1;
  int32_t producer_epoch = -1;
  int32_t last_sequence = -1;
  int64_t last_timestamp = -1;
  int32_t coordinator_epoch = -1;
  int64_t current_txn_start_offset = -1;
};

struct describe_producers_partition {
  int32_t partition_index = 0;
  error_code error = error_code::none;
  std::optional<std::string> error_message;
  std::vector<producer_state_entry> active_producers;
};

struct describe_producers_topic_result {
  std::string name;
  std::vector<describe_producers_partition> partitions;
};

struct describe_producers_response {
  int32_t throttle_time_ms = 0;
  std::vector<describe_producers_topic_result> topics;
};

bool decode(reader& r, int16_t version, describe_producers_request& req);
void encode(writer& w, int16_t version, const describe_producers_request& req);
void encode(writer& w, int16_t version, const describe_producers_response& resp);
bool decode(reader& r, int16_t version, describe_producers_response& resp);

} // namespace samsa::kafka
