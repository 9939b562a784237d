#pragma once

// CreatePartitions (key 37), versions 0-3 (v2+ flexible). Grows topics. Request: topics[name, count,
// assignments (nullable)[broker_ids[int32]]], timeout_ms, validate_only. Response: throttle_time_ms,
// results[name, error_code, error_message (nullable)]. v1 changed throttling behaviour only, v3 nothing on
// the wire (it allows the newer error codes).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

struct create_partitions_assignment {
  std::vector<int32_t> broker_ids;
};

struct create_partitions_topic {
  std::string name;
  int32_t count = 0;
  std::optional<std::vector<create_partitions_assignment>> assignments; // null: the broker places them
};

struct create_partitions_request {
  std::vector<create_partitions_topic> topics;
  int32_t timeout_ms = 0;
  bool validate_only = false;
};

struct create_partitions_result {
  std::string name;
  error_code error = error_code::none;
  std::optional<std::string> error_message;
};

struct create_partitions_response {
  int32_t throttle_time_ms = 0;
  std::vector<create_partitions_result> results;
};

bool decode(reader& r, int16_t version, create_partitions_request& req);
void encode(writer& w, int16_t version, const create_partitions_request& req);
void encode(writer& w, int16_t version, const create_partitions_response& resp);
bool decode(reader& r, int16_t version, create_partitions_response& resp);

} // namespace samsa::kafka
