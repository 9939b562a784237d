#pragma once

// DescribeConfigs (key 32), versions 0-4 (v4 is flexible: compact strings and arrays, a tagged-field
// section ending every struct). Request: resources[resource_type, resource_name,
// configuration_keys (nullable: null = all)], include_synonyms (v1+), include_documentation (v3+).
// Response: throttle_time_ms, results[error, error_message, resource_type, resource_name,
// configs[name, value (nullable), read_only, is_default (v0 only), config_source (v1+),
// is_sensitive, synonyms (v1+)[name, value (nullable), source], config_type (v3+),
// documentation (v3+, nullable)]]. v2 changed throttling behaviour only.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// Kafka's ConfigResource types.
inline constexpr int8_t config_resource_topic = 2;
inline constexpr int8_t config_resource_broker = 4;
inline constexpr int8_t config_resource_broker_logger = 8;

/// One resource to describe.
struct describe_configs_resource {
  int8_t resource_type = 0;
  std::string resource_name;
  std::optional<std::vector<std::string>> configuration_keys; // null: every key
};

/// DescribeConfigs request.
struct describe_configs_request {
  std::vector<describe_configs_resource> resources;
  bool include_synonyms = false;      // v1+
  bool include_documentation = false; // v3+
};

/// A lower-precedence value of a config (v1+).
struct describe_configs_synonym {
  std::string name;
  std::optional<std::string> value;
  int8_t source = 0;
};

/// One config of a resource.
struct describe_configs_entry {
  std::string name;
  std::optional<std::string> value;
  bool read_only = false;
  bool is_default = false; // v0 only (v1+ says it through config_source)
  int8_t config_source = -1; // v1+
  bool is_sensitive = false;
  std::vector<describe_configs_synonym> synonyms; // v1+
  int8_t config_type = 0;                          // v3+
  std::optional<std::string> documentation;        // v3+
};

/// The answer for one resource.
struct describe_configs_result {
  error_code error = error_code::none;
  std::optional<std::string> error_message;
  int8_t resource_type = 0;
  std::string resource_name;
  std::vector<describe_configs_entry> configs;
};

/// DescribeConfigs response body.
struct describe_configs_response {
  int32_t throttle_time_ms = 0;
  std::vector<describe_configs_result> results;
};

bool decode(reader& r, int16_t version, describe_configs_request& req);
void encode(writer& w, int16_t version, const describe_configs_request& req);
void encode(writer& w, int16_t version, const describe_configs_response& resp);
bool decode(reader& r, int16_t version, describe_configs_response& resp);

} // namespace samsa::kafka
