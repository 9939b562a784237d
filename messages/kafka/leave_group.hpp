#pragma once

// LeaveGroup (key 13), versions 0-5 (v4+ flexible). v0-v2 remove one member (member_id); v3+ remove a
// batch of members identified by member id and/or static group_instance_id, each with a reason (v5+,
// nullable, for the broker's log), and answer per member. Response: throttle_time_ms (v1+), error,
// members[member_id, group_instance_id, error] (v3+).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// A leaving member (v3+).
struct leave_group_member {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::optional<std::string> reason; // v5+
};

/// LeaveGroup request. Exactly one of `member_id` (v0-2) or `members` (v3+) is on the wire.
struct leave_group_request {
  std::string group_id;
  std::string member_id;                   // v0-2
  std::vector<leave_group_member> members; // v3+
};

/// Per-member result (v3+).
struct leave_group_member_response {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  error_code error = error_code::none;
};

/// LeaveGroup response body.
struct leave_group_response {
  int32_t throttle_time_ms = 0; // v1+
  error_code error = error_code::none;
  std::vector<leave_group_member_response> members; // v3+
};

bool decode(reader& r, int16_t version, leave_group_request& req);
void encode(writer& w, int16_t version, const leave_group_request& req);
void encode(writer& w, int16_t version, const leave_group_response& resp);
bool decode(reader& r, int16_t version, leave_group_response& resp);

} // namespace samsa::kafka
