#pragma once

// IncrementalAlterConfigs (key 44), versions 0-1 (v1 is flexible). Changes single config keys of a
// resource: SET (0), DELETE (1), APPEND (2), SUBTRACT (3) (rules: cluster/topic_alter.hpp). Request:
// resources[resource_type, resource_name, configs[name, config_operation, value (nullable)]],
// validate_only. Response: as AlterConfigs' (throttle_time_ms, responses[error_code, error_message,
// resource_type, resource_name]).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/alter_configs.hpp"

namespace samsa::kafka {

struct incremental_alter_configs_entry {
  std::string name;
  int8_t config_operation = 0;
  std::optional<std::string> value;
};

struct incremental_alter_configs_resource {
  int8_t resource_type = 0;
  std::string resource_name;
  std::vector<incremental_alter_configs_entry> configs;
};

struct incremental_alter_configs_request {
  std::vector<incremental_alter_configs_resource> resources;
  bool validate_only = false;
};

struct incremental_alter_configs_response {
  int32_t throttle_time_ms = 0;
  std::vector<alter_configs_resource_result> responses;
};

bool decode(reader& r, int16_t version, incremental_alter_configs_request& req);
void encode(writer& w, int16_t version, const incremental_alter_configs_request& req);
void encode(writer& w, int16_t version, const incremental_alter_configs_response& resp);
bool decode(reader& r, int16_t version, incremental_alter_configs_response& resp);

} // namespace samsa::kafka
