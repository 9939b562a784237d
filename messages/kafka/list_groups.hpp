#pragma once

// ListGroups (key 16), versions 0-5 (v0-2 identical layouts; v3+ flexible). Request: nothing before v4;
// states_filter (v4+: only groups in one of these states, compared case-insensitively; empty = all);
// types_filter (v5+, KIP-848: only groups of one of these types, "classic", "consumer", "share"; empty = all).
// Response: throttle_time_ms (v1+), error, groups[group_id, protocol_type, group_state (v4+),
// group_type (v5+)].

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// ListGroups request.
struct list_groups_request {
  std::vector<std::string> states_filter; // v4+
  std::vector<std::string> types_filter;  // v5+
};

/// One group the coordinator knows.
struct listed_group {
  std::string group_id;
  std::string protocol_type;
  std::string group_state; // v4+
  std::string group_type;  // v5+
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
