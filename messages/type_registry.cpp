#include "messages/type_registry.hpp"

#include "messages/cluster_api.hpp"
#include "messages/native_api.hpp"

namespace samsa {

void register_samsa_types(caf::actor_system_config& cfg) {
  // add_message_type<T> also registers std::vector<T>.
  cfg.add_message_type<record_header>("samsa::record_header");
  cfg.add_message_type<record>("samsa::record");
  cfg.add_message_type<topic_spec>("samsa::topic_spec");
  cfg.add_message_type<partition_state>("samsa::partition_state");
  cfg.add_message_type<topic_description>("samsa::topic_description");
  cfg.add_message_type<cluster_info>("samsa::cluster_info");
  cfg.add_message_type<partition_reassignment>("samsa::partition_reassignment");
  cfg.add_message_type<config_alteration>("samsa::config_alteration");
  cfg.add_message_type<topic_config_change>("samsa::topic_config_change");
  cfg.add_message_type<partition_increase>("samsa::partition_increase");
  cfg.add_message_type<topic_config_info>("samsa::topic_config_info");
  cfg.add_message_type<reassignment_outcome>("samsa::reassignment_outcome");
  cfg.add_message_type<reassignment_info>("samsa::reassignment_info");
  cfg.add_message_type<produce_request>("samsa::produce_request");
  cfg.add_message_type<partition_produce_result>("samsa::partition_produce_result");
  cfg.add_message_type<produce_response>("samsa::produce_response");
  cfg.add_message_type<fetch_request>("samsa::fetch_request");
  cfg.add_message_type<fetch_response>("samsa::fetch_response");
  // The strong ids (messages/ids.hpp): carried inside the structs below, and on their own in a few messages.
  cfg.add_message_type<offset_t>("samsa::offset");
  cfg.add_message_type<leader_epoch_t>("samsa::leader_epoch");
  cfg.add_message_type<partition_epoch_t>("samsa::partition_epoch");
  cfg.add_message_type<broker_id_t>("samsa::broker_id");
  cfg.add_message_type<producer_id_t>("samsa::producer_id");
  cfg.add_message_type<replica_fetch_request>("samsa::replica_fetch_request");
  cfg.add_message_type<replica_fetch_response>("samsa::replica_fetch_response");
  cfg.add_message_type<epoch_end_request>("samsa::epoch_end_request");
  cfg.add_message_type<epoch_end_response>("samsa::epoch_end_response");
  cfg.add_message_type<partition_leadership>("samsa::partition_leadership");
  cfg.add_message_type<offset_answer>("samsa::offset_answer");
  cfg.add_message_type<producer_info>("samsa::producer_info");
  cfg.add_message_type<producers_answer>("samsa::producers_answer");
  cfg.add_message_type<partition_offset>("samsa::partition_offset");
  cfg.add_message_type<group_member_info>("samsa::group_member_info");
  cfg.add_message_type<group_info>("samsa::group_info");
  cfg.add_message_type<named_bytes>("samsa::named_bytes");
  cfg.add_message_type<group_join_request>("samsa::group_join_request");
  cfg.add_message_type<group_join_response>("samsa::group_join_response");
  cfg.add_message_type<group_sync_request>("samsa::group_sync_request");
  cfg.add_message_type<group_sync_response>("samsa::group_sync_response");
  cfg.add_message_type<std::vector<char>>("std::vector<char>");
  cfg.add_message_type<std::vector<std::string>>("std::vector<std::string>");
  cfg.add_message_type<std::map<std::string, std::string>>("std::map<std::string,std::string>");
  cfg.add_message_type<partition_actor>("samsa::partition_actor");
  cfg.add_message_type<broker_actor>("samsa::broker_actor");
  // Controller quorum (messages/cluster_api.hpp). Every type that is a message element on its own is here;
  // the rest travel inside them.
  cfg.add_message_type<raft::term_t>("samsa::raft::term");
  cfg.add_message_type<raft::log_index_t>("samsa::raft::log_index");
  cfg.add_message_type<raft::node_id_t>("samsa::raft::node_id");
  cfg.add_message_type<raft::log_entry>("samsa::raft::log_entry");
  cfg.add_message_type<raft::snapshot_meta>("samsa::raft::snapshot_meta");
  cfg.add_message_type<raft::snapshot>("samsa::raft::snapshot");
  cfg.add_message_type<raft::vote_request>("samsa::raft::vote_request");
  cfg.add_message_type<raft::vote_response>("samsa::raft::vote_response");
  cfg.add_message_type<raft::append_request>("samsa::raft::append_request");
  cfg.add_message_type<raft::append_response>("samsa::raft::append_response");
  cfg.add_message_type<raft::snapshot_request>("samsa::raft::snapshot_request");
  cfg.add_message_type<raft::snapshot_response>("samsa::raft::snapshot_response");
  cfg.add_message_type<raft::message>("samsa::raft::message");
  cfg.add_message_type<snapshot_chunk>("samsa::snapshot_chunk");
  cfg.add_message_type<quorum_status>("samsa::quorum_status");
  cfg.add_message_type<quorum_actor>("samsa::quorum_actor");
  // Broker membership (messages/cluster_api.hpp).
  cfg.add_message_type<broker_endpoint>("samsa::broker_endpoint");
  cfg.add_message_type<broker_register_request>("samsa::broker_register_request");
  cfg.add_message_type<broker_heartbeat>("samsa::broker_heartbeat");
  cfg.add_message_type<broker_heartbeat_reply>("samsa::broker_heartbeat_reply");
  cfg.add_message_type<alter_partition_request>("samsa::alter_partition_request");
  cfg.add_message_type<alter_partition_reply>("samsa::alter_partition_reply");
  cfg.add_message_type<broker_member>("samsa::broker_member");
  cfg.add_message_type<broker_membership>("samsa::broker_membership");
  cfg.add_message_type<controller_actor>("samsa::controller_actor");
  cfg.add_error_category(api_error_category, [](uint8_t code, caf::atom_value, const caf::message& ctx) {
    auto s = std::string{"samsa:"} + to_string(static_cast<api_errc>(code));
    if (!ctx.empty())
      s += " " + caf::to_string(ctx);
    return s;
  });
}

} // namespace samsa
