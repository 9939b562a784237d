#pragma once

// AlterConfigs (key 33), versions 0-2 (v2 is flexible). Replaces a resource's whole set of dynamic config
// overrides with the entries given. Request: resources[resource_type, resource_name, configs[name, value
// (nullable)]], validate_only. Response: throttle_time_ms, responses[error_code, error_message (nullable),
// resource_type, resource_name]. v1 changed throttling behaviour only.
// The response's per-resource result is shared with IncrementalAlterConfigs (same fields).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

struct alter_configs_entry {
  std::string name;
  std::optional<std::string> value;
};

struct alter_configs_resource {
  int8_t resource_type = 0;
  std::string resource_name;
  std::vector<alter_configs_entry> configs;
};

struct alter_configs_request {
  std::vector<alter_configs_resource> resources;
  bool validate_only = false;
};

/// The answer for one resource (AlterConfigs and IncrementalAlterConfigs alike).
struct alter_configs_resource_result {
  error_code error = error_code::none;
  std::optional<std::string> error_message;
  int8_t resource_type = 0;
  std::string resource_name;
};

struct alter_configs_response {
  int32_t throttle_time_ms = 0;
  std::vector<alter_configs_resource_result> responses;
};

bool decode(reader& r, int16_t version, alter_configs_request& req);
void encode(writer& w, int16_t version, const alter_configs_request& req);
void encode(writer& w, int16_t version, const alter_configs_response& resp);
bool decode(reader& r, int16_t version, alter_configs_response& resp);

// The response body both APIs share: throttle time, then the results (flex: compact forms).
void encode_alter_results(writer& w, bool flex, int32_t throttle_time_ms,
                          const std::vector<alter_configs_resource_result>& results);
void decode_alter_results(reader& r, bool flex, int32_t& throttle_time_ms,
                          std::vector<alter_configs_resource_result>& results);

} // namespace samsa::kafka
