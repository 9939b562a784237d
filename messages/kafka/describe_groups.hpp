#pragma once

// DescribeGroups (key 15), versions 0-5 (v5 is flexible, otherwise like v4). Request: groups,
// include_authorized_operations (v3+). Response: throttle_time_ms (v1+), groups[error,
// group_id, group_state, protocol_type, protocol_data, members[member_id, group_instance_id
// (v4+), client_id, client_host, member_metadata, member_assignment], authorized_operations
// (v3+)].

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// DescribeGroups request.
struct describe_groups_request {
  std::vector<std::string> groups;
  bool include_authorized_operations = false; // v3+
};

/// A member as described (metadata and assignment only in the Stable state).
struct described_group_member {
  std::string member_id;
  std::optional<std::string> group_instance_id; // v4+
  std::string client_id;
  std::string client_host;
  owned_bytes member_metadata;
  owned_bytes member_assignment;
};

/// One described group.
struct described_group {
  error_code error = error_code::none;
  std::string group_id;
  std::string group_state;   // "Stable", "PreparingRebalance", "Empty", "Dead", ...
  std::string protocol_type; // "consumer" or empty
  std::string protocol_data; // the chosen assignor, e.g. "range"
  std::vector<described_group_member> members;
  int32_t authorized_operations = INT32_MIN; // v3+; INT32_MIN = not requested
};

/// DescribeGroups response body.
struct describe_groups_response {
  int32_t throttle_time_ms = 0; // v1+
  std::vector<described_group> groups;
};

bool decode(reader& r, int16_t version, describe_groups_request& req);
void encode(writer& w, int16_t version, const describe_groups_request& req);
void encode(writer& w, int16_t version, const describe_groups_response& resp);
bool decode(reader& r, int16_t version, describe_groups_response& resp);

} // namespace samsa::kafka
