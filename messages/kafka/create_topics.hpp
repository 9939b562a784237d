#pragma once

// CreateTopics (key 19), versions 0-7 (v5+ flexible). Request:
// topics[name, num_partitions, replication_factor, assignments[partition_index, broker_ids],
// configs[name, value]], timeout_ms, validate_only (v1+). From v4 num_partitions and
// replication_factor may be -1 ("broker default") even without manual assignments.
// Response: throttle_time_ms (v2+), topics[name, topic_id (v7+), error, error_message (v1+),
// topic_config_error (v5+, tag 0), num_partitions (v5+), replication_factor (v5+),
// configs (v5+, nullable)[name, value, read_only, config_source, is_sensitive]] (KIP-525).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/uuid.hpp"
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

/// One configuration of a created topic (v5+), as DescribeConfigs would list it.
struct create_topics_result_config {
  std::string name;
  std::optional<std::string> value;
  bool read_only = false;
  int8_t config_source = -1; // DescribeConfigs' sources: 5 default, 1 topic, ...
  bool is_sensitive = false;
};

/// Result for one topic.
struct create_topics_topic_result {
  std::string name;
  uuid topic_id = zero_uuid; // v7+
  error_code error = error_code::none;
  std::optional<std::string> error_message; // v1+
  std::optional<error_code> topic_config_error; // v5+, tagged: why configs is null (absent: not sent)
  int32_t num_partitions = -1;     // v5+
  int16_t replication_factor = -1; // v5+
  std::optional<std::vector<create_topics_result_config>> configs =
    std::vector<create_topics_result_config>{}; // v5+; Kafka leaves it empty on an error
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
