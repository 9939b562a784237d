#include "messages/native_errors.hpp"

#include <caf/message.hpp>

namespace samsa {

const char* to_string(api_errc x) {
  switch (x) {
    case api_errc::ok: return "ok";
    case api_errc::unknown_topic_or_partition: return "unknown_topic_or_partition";
    case api_errc::offset_out_of_range: return "offset_out_of_range";
    case api_errc::corrupt_message: return "corrupt_message";
    case api_errc::record_too_large: return "record_too_large";
    case api_errc::invalid_batch: return "invalid_batch";
    case api_errc::storage_error: return "storage_error";
    case api_errc::disk_full: return "disk_full";
    case api_errc::topic_already_exists: return "topic_already_exists";
    case api_errc::invalid_partitions: return "invalid_partitions";
    case api_errc::invalid_replication_factor: return "invalid_replication_factor";
    case api_errc::invalid_config: return "invalid_config";
    case api_errc::invalid_topic: return "invalid_topic";
    case api_errc::invalid_required_acks: return "invalid_required_acks";
    case api_errc::not_enough_replicas: return "not_enough_replicas";
    case api_errc::invalid_request: return "invalid_request";
    case api_errc::request_timed_out: return "request_timed_out";
    case api_errc::broker_shutting_down: return "broker_shutting_down";
    case api_errc::out_of_order_sequence: return "out_of_order_sequence";
    case api_errc::invalid_producer_epoch: return "invalid_producer_epoch";
    case api_errc::unknown_producer_id: return "unknown_producer_id";
    case api_errc::non_empty_group: return "non_empty_group";
    case api_errc::unknown_group: return "unknown_group";
    case api_errc::not_leader: return "not_leader";
    case api_errc::not_leader_or_follower: return "not_leader_or_follower";
    case api_errc::leader_not_available: return "leader_not_available";
    case api_errc::not_enough_replicas_after_append: return "not_enough_replicas_after_append";
    case api_errc::fenced_leader_epoch: return "fenced_leader_epoch";
    case api_errc::unknown_leader_epoch: return "unknown_leader_epoch";
    case api_errc::invalid_update_version: return "invalid_update_version";
    case api_errc::ineligible_replica: return "ineligible_replica";
    case api_errc::not_coordinator: return "not_coordinator";
    case api_errc::coordinator_load_in_progress: return "coordinator_load_in_progress";
    case api_errc::invalid_replica_assignment: return "invalid_replica_assignment";
    case api_errc::no_reassignment_in_progress: return "no_reassignment_in_progress";
  }
  return "unknown_samsa_error";
}

api_errc api_code(const caf::error& e) {
  if (!e || e.category() != api_error_category)
    return api_errc::ok;
  return static_cast<api_errc>(e.code());
}

std::string describe(const caf::error& e) {
  if (!e)
    return "ok";
  std::string out;
  if (e.category() == api_error_category)
    out = to_string(static_cast<api_errc>(e.code()));
  else
    out = caf::to_string(e.category()) + " error " + std::to_string(e.code());
  const auto& ctx = e.context();
  if (!ctx.empty() && ctx.match_element<std::string>(0)) // a detail first, machine-readable fields after
    out += ": " + ctx.get_as<std::string>(0);
  else if (!ctx.empty())
    out += ": " + caf::to_string(ctx);
  return out;
}

} // namespace samsa
