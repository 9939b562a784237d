#pragma once
// The group coordinator's own error type. cluster/ must not depend on messages/kafka, so the
// logic speaks group_errc and the actor layer maps it onto the wire's error_code in one place.

#include <cstdint>

namespace samsa::cluster {

// Outcome of a group operation. The mapping to Kafka's ErrorCode numbers is 1:1 and fixed:
//
//   group_errc                   Kafka error (code)
//   none                         NONE (0)
//   coordinator_not_available    COORDINATOR_NOT_AVAILABLE (15)
//   not_coordinator              NOT_COORDINATOR (16)
//   illegal_generation           ILLEGAL_GENERATION (22)
//   inconsistent_group_protocol  INCONSISTENT_GROUP_PROTOCOL (23)
//   unknown_member_id            UNKNOWN_MEMBER_ID (25)
//   invalid_session_timeout      INVALID_SESSION_TIMEOUT (26)
//   rebalance_in_progress        REBALANCE_IN_PROGRESS (27)
//   non_empty_group              NON_EMPTY_GROUP (68)
//   group_id_not_found           GROUP_ID_NOT_FOUND (69)
//   member_id_required           MEMBER_ID_REQUIRED (79)
//   group_max_size_reached       GROUP_MAX_SIZE_REACHED (81)
//   fenced_instance_id           FENCED_INSTANCE_ID (82)
//
// The enumerators are numbered independently of Kafka on purpose: kafka_code() is the one
// place the numbers live, so a reader never mistakes a group_errc for a wire value.
enum class group_errc : uint8_t {
  none,
  coordinator_not_available,   // the group is Dead (deleted or moved); find the coordinator again
  not_coordinator,             // the group was unloaded from this node while a request was parked
  illegal_generation,          // the request names a generation that is not the current one
  inconsistent_group_protocol, // protocol type or protocols do not overlap with the group's
  unknown_member_id,           // the coordinator does not know this member id
  invalid_session_timeout,     // session timeout outside [min, max] of the group config
  rebalance_in_progress,       // the member must (re)join before it can sync or heartbeat
  non_empty_group,             // delete of a group that still has members
  group_id_not_found,          // delete of a group that is already Dead
  member_id_required,          // JoinGroup v4+: retry the join with the member id returned
  group_max_size_reached,      // group.max.size members already joined
  fenced_instance_id,          // a newer incarnation of this static member has replaced it
};

// The Kafka ErrorCode number of `e` (see the table above).
int16_t kafka_code(group_errc e) noexcept;

// Kafka's upper-case name, e.g. "UNKNOWN_MEMBER_ID", for logs and test messages.
const char* to_string(group_errc e) noexcept;

} // namespace samsa::cluster
