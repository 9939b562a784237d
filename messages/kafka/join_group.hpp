#pragma once

// JoinGroup (key 11), versions 0-9 (v6+ flexible: compact strings and arrays, tag sections). Request:
// group_id, session_timeout_ms, rebalance_timeout_ms (v1+), member_id, group_instance_id (v5+, static
// membership), protocol_type, protocols[name, metadata], reason (v8+, nullable). From v4 a member joining
// with an empty member_id is answered MEMBER_ID_REQUIRED with its new id and must join again. Response:
// throttle_time_ms (v2+), error, generation_id, protocol_type (v7+, nullable), protocol_name (nullable
// v7+), leader, skip_assignment (v9+), member_id, members[member_id, group_instance_id (v5+), metadata]
// (filled for the leader only).
// Protocol metadata is opaque to the broker and owned (it outlives the request frame).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// One assignment protocol a member supports (e.g. "range") with its subscription metadata.
struct join_group_protocol {
  std::string name;
  owned_bytes metadata;
};

/// JoinGroup request.
struct join_group_request {
  std::string group_id;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = -1; // v1+; v0 clients use the session timeout
  std::string member_id;
  std::optional<std::string> group_instance_id; // v5+
  std::string protocol_type;
  std::vector<join_group_protocol> protocols;
  std::optional<std::string> reason; // v8+; why the member (re)joins, for the broker's log
};

/// A group member as sent to the leader.
struct join_group_member {
  std::string member_id;
  std::optional<std::string> group_instance_id; // v5+
  owned_bytes metadata;
};

/// JoinGroup response body.
struct join_group_response {
  int32_t throttle_time_ms = 0; // v2+
  error_code error = error_code::none;
  int32_t generation_id = -1;
  std::optional<std::string> protocol_type; // v7+; the group's, null on an error
  std::string protocol_name;                // v7+: empty is sent as null
  std::string leader;
  bool skip_assignment = false; // v9+; true only for KIP-848 server-side assignors, never here
  std::string member_id;
  std::vector<join_group_member> members;
};

bool decode(reader& r, int16_t version, join_group_request& req);
void encode(writer& w, int16_t version, const join_group_request& req);
void encode(writer& w, int16_t version, const join_group_response& resp);
bool decode(reader& r, int16_t version, join_group_response& resp);

} // namespace samsa::kafka
