#pragma once
// Plain inputs and outputs of the classic group state machine (cluster/group_state.hpp). They
// mirror the Kafka group APIs field by field (messages/kafka/join_group.hpp, sync_group.hpp,
// heartbeat.hpp, leave_group.hpp, describe_groups.hpp) so the actor layer copies fields across,
// but they are our own types: cluster/ does not include the wire codecs. Opaque protocol
// metadata and assignments are byte strings (std::string), owned.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "cluster/group_errc.hpp"

namespace samsa::cluster {

// Per-group settings, Kafka's broker keys. The broker fills it from server_config; tests set
// the delay to 0 and the minimum session timeout low.
struct group_config {
  int32_t initial_rebalance_delay_ms = 3000; // group.initial.rebalance.delay.ms
  int32_t min_session_timeout_ms = 6000;     // group.min.session.timeout.ms
  int32_t max_session_timeout_ms = 1800000;  // group.max.session.timeout.ms
  int32_t max_size = std::numeric_limits<int32_t>::max(); // group.max.size
  // A brand-new member parked in JoinGroup cannot heartbeat; if it never completes a join
  // (client gone) it is dropped after this long. Kafka's NewMemberJoinTimeoutMs.
  int64_t new_member_join_timeout_ms = 300000;
  // Mixed into generated member ids. The actor passes something random per coordinator
  // incarnation so ids do not repeat after a failover; tests pass a constant for determinism.
  uint64_t member_id_seed = 0;
};

// One assignment protocol a member supports (e.g. "range") with its opaque metadata (for the
// "consumer" protocol type: a consumer_protocol subscription).
struct group_protocol {
  std::string name;
  std::string metadata;
  friend bool operator==(const group_protocol& a, const group_protocol& b) {
    return a.name == b.name && a.metadata == b.metadata;
  }
};

// JoinGroup request (v0-9). `version` matters only for MEMBER_ID_REQUIRED (v4+).
struct join_request {
  int16_t version = 5;
  std::string member_id; // empty: a member joining for the first time
  std::optional<std::string> group_instance_id; // set: static membership (v5+)
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 10000;
  int32_t rebalance_timeout_ms = -1; // v0 has none: the session timeout is used
  std::string protocol_type;         // "consumer", "connect", ...
  std::vector<group_protocol> protocols; // in the member's order of preference
};

// A member as shown to the leader in its JoinGroup response.
struct join_response_member {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string metadata; // for the selected protocol
};

// JoinGroup response. On error only `error` and `member_id` carry meaning (as in Kafka).
struct join_response {
  group_errc error = group_errc::none;
  int32_t generation_id = -1;
  std::string protocol_name;
  std::string leader_id;
  std::string member_id;
  std::vector<join_response_member> members; // filled for the leader only
};

// One member's assignment as sent by the leader in SyncGroup.
struct sync_assignment {
  std::string member_id;
  std::string assignment;
};

// SyncGroup request (v0-5). v5 names the protocol type and name the member believes in; set ones must be the
// group's (INCONSISTENT_GROUP_PROTOCOL otherwise).
struct sync_request {
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<sync_assignment> assignments; // leader only; empty from followers
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
};

// SyncGroup response. A successful one names the group's protocol type and selected protocol (v5 answers
// them); an error leaves them empty.
struct sync_response {
  group_errc error = group_errc::none;
  std::string assignment;
  std::string protocol_type;
  std::string protocol_name;
};

// Heartbeat request (v0-4).
struct heartbeat_request {
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

// One leaving member: v0-2 send just a member id; v3 may name a static member by instance id.
struct leave_member {
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

// Per-member outcome of a LeaveGroup (v3 answers each; v0-2 answer with the single entry's error).
struct leave_member_result {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  group_errc error = group_errc::none;
};

// A response to a request the actor parked earlier, addressed by the member id it was parked
// under (which may differ from the member id inside the response, e.g. after fencing).
struct join_delivery {
  std::string to;
  join_response response;
};
struct sync_delivery {
  std::string to;
  sync_response response;
};

// Side effects of one call: answers to previously parked JoinGroup / SyncGroup requests, and
// whether the group's durable metadata (generation, members, assignments) changed the way Kafka
// writes it to __consumer_offsets (a new Stable generation, or becoming Empty).
struct group_effects {
  std::vector<join_delivery> joins;
  std::vector<sync_delivery> syncs;
  bool store_group = false;
  bool empty() const { return joins.empty() && syncs.empty() && !store_group; }
};

// Result of join(). `response` set: answer now. Unset: park the request under `member_id`; its
// answer arrives later in a group_effects. Contract for the caller: deliver `effects` first
// (they only address requests parked before this call), then answer or park this request.
struct join_result {
  std::optional<join_response> response;
  std::string member_id;
  group_effects effects;
};

// Result of sync(), same contract as join_result.
struct sync_result {
  std::optional<sync_response> response;
  std::string member_id;
  group_effects effects;
};

// Result of leave(): a top-level error (only COORDINATOR_NOT_AVAILABLE for a Dead group) and
// one entry per leaving member, plus the effects of the resulting rebalance.
struct leave_result {
  group_errc error = group_errc::none;
  std::vector<leave_member_result> members;
  group_effects effects;
};

// DescribeGroups view of one member. Metadata and assignment are filled only when the group is
// Stable (Kafka shows them only then).
struct group_member_description {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  std::string metadata;
  std::string assignment;
  int32_t session_timeout_ms = 0; // how long the member stays after its last heartbeat
};

// DescribeGroups view of the group (ListGroups needs only protocol_type).
struct group_description {
  std::string state; // Kafka's name: "Stable", "PreparingRebalance", ...
  std::string protocol_type;
  std::string protocol; // selected protocol; empty unless Stable
  int32_t generation_id = 0;
  std::vector<group_member_description> members;
};

// What is persisted for a group (Kafka's GroupMetadata record): enough to restore a Stable or
// Empty group after a coordinator restart. Per member only the selected protocol's metadata.
struct group_snapshot_member {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::string metadata;
  std::string assignment;
};
struct group_snapshot {
  int32_t generation_id = 0;
  std::string protocol_type;
  std::string protocol; // empty when there are no members
  std::string leader_id;
  std::vector<group_snapshot_member> members;
};

} // namespace samsa::cluster
