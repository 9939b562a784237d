#pragma once

// SyncGroup (key 14), versions 0-5 (v4+ flexible). The leader sends the assignment of every member;
// followers send none; everyone gets their own back. Request: group_id, generation_id, member_id,
// group_instance_id (v3+), protocol_type and protocol_name (v5+, nullable: checked against the group's),
// assignments[member_id, assignment]. Response: throttle_time_ms (v1+), error, protocol_type and
// protocol_name (v5+, nullable: the group's), assignment. Assignments are opaque
// to the broker and owned (the coordinator keeps them after the frame is gone).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// The assignment for one member, computed by the group leader.
struct sync_group_assignment {
  std::string member_id;
  owned_bytes assignment;
};

/// SyncGroup request.
struct sync_group_request {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id; // v3+
  std::optional<std::string> protocol_type;     // v5+
  std::optional<std::string> protocol_name;     // v5+
  std::vector<sync_group_assignment> assignments;
};

/// SyncGroup response body.
struct sync_group_response {
  int32_t throttle_time_ms = 0; // v1+
  error_code error = error_code::none;
  std::optional<std::string> protocol_type; // v5+
  std::optional<std::string> protocol_name; // v5+
  owned_bytes assignment;
};

bool decode(reader& r, int16_t version, sync_group_request& req);
void encode(writer& w, int16_t version, const sync_group_request& req);
void encode(writer& w, int16_t version, const sync_group_response& resp);
bool decode(reader& r, int16_t version, sync_group_response& resp);

} // namespace samsa::kafka
