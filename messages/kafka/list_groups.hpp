#pragma once

// ListGroups (key 16), versions 0-2 (identical layouts; v3 is the first flexible version).
// The request body is empty. Response: throttle_time_ms (v1+), error, groups[group_id,
// protocol_type].

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// ListGroups request: no fields before v4 (states filter), which we do not support.
struct list_groups_request {};

/// One group the coordinator knows.
struct listed_group {
  std::string group_id;
  std::string protocol_type;
};

/// ListGroups response body.
struct list_groups_response {
  int32_t throttle_time_ms = 0; // v1+
  error_code error = error_code::none;
  std::vector<listed_group> groups;
};

bool decode(reader& r, int16_t version, list_groups_request& req);
void encode(writer& w, int16_t version, const list_groups_request& req);
void encode(writer& w, int16_t version, const list_groups_response& resp);
bool decode(reader& r, int16_t version, list_groups_response& resp);

} // namespace samsa::kafka
