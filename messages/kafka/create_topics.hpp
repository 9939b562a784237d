#pragma once

// CreateTopics (key 19), versions 0-4 (v5 is the first flexible version). Request:
// topics[name, num_partitions, replication_factor, assignments[partition_index, broker_ids],
// configs[name, value]], timeout_ms, validate_only (v1+). From v4 num_partitions and
// replication_factor may be -1 ("broker default") even without manual assignments.
// Response: throttle_time_ms (v2+), topics[name, error, error_message (v1+)].

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// A manual replica assignment for one partition.
struct create_topics_assignment {
  int32_t partition_index = 0;
  std::vector<int32_t> broker_ids;
};

/// A topic configuration entry (Kafka's key names, e.g. "retention.ms").
struct create_topics_config {
  std::string name;
  std::optional<std::string> value;
};

/// One topic to create.
struct create_topics_topic {
  std::string name;
  int32_t num_partitions = -1;     // -1 = broker default or manual assignment
  int16_t replication_factor = -1; // -1 = broker default or manual assignment
  std::vector<create_topics_assignment> assignments;
  std::vector<create_topics_config> configs;
};

/// CreateTopics request.
struct create_topics_request {
  std::vector<create_topics_topic> topics;
  int32_t timeout_ms = 60000;
  bool validate_only = false; // v1+
};

/// Result for one topic.
struct create_topics_topic_result {
  std::string name;
  error_code error = error_code::none;
  std::optional<std::string> error_message; // v1+
};

/// CreateTopics response body.
struct create_topics_response {
  int32_t throttle_time_ms = 0; // v2+
  std::vector<create_topics_topic_result> topics;
};

bool decode(reader& r, int16_t version, create_topics_request& req);
void encode(writer& w, int16_t version, const create_topics_request& req);
void encode(writer& w, int16_t version, const create_topics_response& resp);
bool decode(reader& r, int16_t version, create_topics_response& resp);

} // namespace samsa::kafka
