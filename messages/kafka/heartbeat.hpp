#pragma once

// Heartbeat (key 12), versions 0-4 (v4 is flexible, otherwise like v3). Request: group_id,
// generation_id, member_id, group_instance_id (v3+). Response: throttle_time_ms (v1+), error
// (REBALANCE_IN_PROGRESS tells the member to rejoin).

#include <cstdint>
#include <optional>
#include <string>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// Heartbeat request.
struct heartbeat_request {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id; // v3+
};

/// Heartbeat response body.
struct heartbeat_response {
  int32_t throttle_time_ms = 0; // v1+
  error_code error = error_code::none;
};

bool decode(reader& r, int16_t version, heartbeat_request& req);
void encode(writer& w, int16_t version, const heartbeat_request& req);
void encode(writer& w, int16_t version, const heartbeat_response& resp);
bool decode(reader& r, int16_t version, heartbeat_response& resp);

} // namespace samsa::kafka
