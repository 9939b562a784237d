#include "cluster/group_errc.hpp"

namespace samsa::cluster {

int16_t kafka_code(group_errc e) noexcept {
  switch (e) {
    case group_errc::none: return 0;
    case group_errc::coordinator_not_available: return 15;
    case group_errc::not_coordinator: return 16;
    case group_errc::illegal_generation: return 22;
    case group_errc::inconsistent_group_protocol: return 23;
    case group_errc::unknown_member_id: return 25;
    case group_errc::invalid_session_timeout: return 26;
    case group_errc::rebalance_in_progress: return 27;
    case group_errc::non_empty_group: return 68;
    case group_errc::group_id_not_found: return 69;
    case group_errc::member_id_required: return 79;
    case group_errc::group_max_size_reached: return 81;
    case group_errc::fenced_instance_id: return 82;
  }
  return -1; // UNKNOWN_SERVER_ERROR: only reachable with a corrupted enum value
}

const char* to_string(group_errc e) noexcept {
  switch (e) {
    case group_errc::none: return "NONE";
    case group_errc::coordinator_not_available: return "COORDINATOR_NOT_AVAILABLE";
    case group_errc::not_coordinator: return "NOT_COORDINATOR";
    case group_errc::illegal_generation: return "ILLEGAL_GENERATION";
    case group_errc::inconsistent_group_protocol: return "INCONSISTENT_GROUP_PROTOCOL";
    case group_errc::unknown_member_id: return "UNKNOWN_MEMBER_ID";
    case group_errc::invalid_session_timeout: return "INVALID_SESSION_TIMEOUT";
    case group_errc::rebalance_in_progress: return "REBALANCE_IN_PROGRESS";
    case group_errc::non_empty_group: return "NON_EMPTY_GROUP";
    case group_errc::group_id_not_found: return "GROUP_ID_NOT_FOUND";
    case group_errc::member_id_required: return "MEMBER_ID_REQUIRED";
    case group_errc::group_max_size_reached: return "GROUP_MAX_SIZE_REACHED";
    case group_errc::fenced_instance_id: return "FENCED_INSTANCE_ID";
  }
  return "UNKNOWN_SERVER_ERROR";
}

} // namespace samsa::cluster
