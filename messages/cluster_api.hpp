#pragma once
// Messages between the nodes of a samsa cluster (docs/cluster-design.md §2), separate from the public
// native API: the CAF 0.17 inspect() overloads of the Raft value types (messages/raft_types.hpp; the strong
// ids' own is in messages/ids.hpp), the quorum replica's status, and the typed interface of
// actors/quorum_replica. Every type here that crosses nodes is registered by register_samsa_types()
// (messages/type_registry.cpp), like the native API's.
//
// Wire shape of a Raft message: (raft_atom, node_id_t from, raft::message). CAF 0.17's inspect knows no
// std::variant, so raft::message is carried as (alternative index: uint8, alternative): the index is the
// position in raft::message's alternative list, which is therefore part of the cross-node contract
// (append alternatives, never reorder them).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/sec.hpp>
#include <caf/typed_actor.hpp>

#include <memory>

#include <caf/allowed_unsafe_message_type.hpp>

#include "messages/metadata_records.hpp"
#include "messages/native_api.hpp"
#include "messages/raft_types.hpp"

namespace samsa {

// -- atoms (at most 10 characters) -------------------------------------------------------------------
using raft_atom = caf::atom_constant<caf::atom("raft")>;
using propose_atom = caf::atom_constant<caf::atom("propose")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using hello_atom = caf::atom_constant<caf::atom("hello")>;
using brk_reg_atom = caf::atom_constant<caf::atom("brk_reg")>;
using brk_hb_atom = caf::atom_constant<caf::atom("brk_hb")>;
using role_atom = caf::atom_constant<caf::atom("role")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using view_atom = caf::atom_constant<caf::atom("view")>;
using reach_atom = caf::atom_constant<caf::atom("reach")>;
using alter_isr_atom = caf::atom_constant<caf::atom("alter_isr")>;
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
// quorum_atom (asking a broker for its node's quorum actor) is in native_api.hpp with the broker's interface.

} // namespace samsa

namespace samsa::raft {

// -- inspect() of the Raft value types ----------------------------------------------------------------

// term_t, log_index_t and node_id_t are named_types: their inspect() is in messages/ids.hpp.

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, log_entry& x) {
  return f(caf::meta::type_name("raft_log_entry"), x.term, x.index, x.kind, x.data);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, snapshot_meta& x) {
  return f(caf::meta::type_name("raft_snapshot_meta"), x.index, x.term);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, snapshot& x) {
  return f(caf::meta::type_name("raft_snapshot"), x.meta, x.data);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vote_request& x) {
  return f(caf::meta::type_name("raft_vote_request"), x.term, x.last_log_index, x.last_log_term, x.pre_vote);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, vote_response& x) {
  return f(caf::meta::type_name("raft_vote_response"), x.term, x.granted, x.pre_vote);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, append_request& x) {
  return f(caf::meta::type_name("raft_append_request"), x.term, x.prev_log_index, x.prev_log_term, x.entries,
           x.leader_commit);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, append_response& x) {
  return f(caf::meta::type_name("raft_append_response"), x.term, x.success, x.index, x.hint);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, snapshot_request& x) {
  return f(caf::meta::type_name("raft_snapshot_request"), x.term, x.snap);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, snapshot_response& x) {
  return f(caf::meta::type_name("raft_snapshot_response"), x.term, x.index);
}

namespace wire {

template <size_t... I>
void emplace_alternative(message& m, size_t index, std::index_sequence<I...>) {
  ((index == I ? (void)m.template emplace<I>() : void()), ...);
}

// The alternative of a raft::message, after its index (see the file comment).
struct message_payload {
  uint8_t& index;
  message& msg;
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, message_payload& p) {
    if constexpr (Inspector::writes_state) {
      if (p.index >= std::variant_size_v<message>)
        return caf::make_error(caf::sec::invalid_argument, "unknown raft message alternative");
      emplace_alternative(p.msg, p.index, std::make_index_sequence<std::variant_size_v<message>>{});
    }
    return std::visit([&](auto& alt) { return f(alt); }, p.msg);
  }
};

} // namespace wire

// Found by argument-dependent lookup: raft::message is a std::variant of samsa::raft types.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, message& x) {
  auto index = static_cast<uint8_t>(x.index());
  wire::message_payload payload{index, x};
  return f(caf::meta::type_name("raft_message"), index, payload);
}

} // namespace samsa::raft

namespace samsa {

// InstallSnapshot as it travels between quorum members (actors/quorum_replica): a raft::snapshot_request is
// sent as its data cut in chunks of at most quorum_config::snapshot_chunk_bytes, in order on the one
// connection; the receiver appends each to the assembly it keeps per sender (a chunk at offset 0 starts a
// new one, a chunk that does not continue it drops it) and steps its Raft core with the whole request once
// `total` bytes arrived. So no CAF message carries more than a chunk, whatever the image's size.
struct snapshot_chunk {
  raft::term_t term;       // the snapshot_request's term
  raft::snapshot_meta meta;
  int64_t total = 0;       // bytes of the whole snapshot data
  int64_t offset = 0;      // of this chunk's first byte in the data
  std::string data;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, snapshot_chunk& x) {
  return f(caf::meta::type_name("snapshot_chunk"), x.term, x.meta, x.total, x.offset, x.data);
}

// What `samsa cluster status` shows of one quorum member (actors/quorum_replica answers status_atom).
struct quorum_status {
  int32_t node_id = -1;
  std::string role;           // follower, pre_candidate, candidate, leader, learner
  int64_t term = 0;
  int32_t leader = -1;        // -1: no known leader
  int64_t commit_index = 0;
  int64_t last_index = 0;     // last index of the local log
  int64_t last_applied = 0;   // last index handed to the state machine
  std::vector<int32_t> peers; // voters and learners whose quorum actor this node currently holds a handle of
  int64_t snapshot_index = 0; // last index of the latest snapshot (log entries up to it are compacted away)
  int64_t snapshots_taken = 0;     // by this process: of its own image (log compaction)
  int64_t snapshots_installed = 0; // by this process: received from a leader (InstallSnapshot)
  bool voter = true;               // false: a learner (process.roles=broker), it follows the log without voting
  std::vector<int32_t> learners;   // the learners this member knows (replicated to while it leads)
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, quorum_status& x) {
  return f(caf::meta::type_name("quorum_status"), x.node_id, x.role, x.term, x.leader, x.commit_index,
           x.last_index, x.last_applied, x.peers, x.snapshot_index, x.snapshots_taken, x.snapshots_installed, x.voter,
           x.learners);
}

// One node's quorum member (actors/quorum_replica.hpp). Handles of peers travel as caf::actor in hello
// (a typed handle cannot name its own type).
using quorum_actor = caf::typed_actor<
  // A Raft message from voter `from` (or from a learner that said hello). Loss, duplication and reordering are
  // harmless (Raft).
  caf::reacts_to<raft_atom, raft::node_id_t, raft::message>,
  // One piece of an InstallSnapshot from voter `from` (snapshot_chunk above).
  caf::reacts_to<raft_atom, raft::node_id_t, snapshot_chunk>,
  // Appends bytes to the replicated log; answers the entry's index once it is committed, or fails with
  // api_errc::not_leader (leader_hint() tells which node to try) or request_timed_out.
  caf::replies_to<propose_atom, std::string>::with<int64_t>,
  caf::replies_to<status_atom>::with<quorum_status>,
  // "I am node `id`, my quorum actor is `handle`": how peers learn each other (see quorum_replica.hpp); from a
  // node outside the voters, to a voter: that node is a learner (raft::replica::add_learner).
  caf::reacts_to<hello_atom, int32_t, caf::actor>,
  // The shell's own timer (self->clock() time).
  caf::reacts_to<tick_atom>>;

// The error of a proposal sent to a node that is not the leader; `leader` is the node to try (-1: none
// known yet, retry after an election timeout).
inline caf::error not_leader_error(int32_t leader) {
  std::string detail = leader >= 0 ? "not the quorum leader; node " + std::to_string(leader) + " is"
                                   : "not the quorum leader; no leader known yet";
  return caf::error{static_cast<uint8_t>(api_errc::not_leader), api_error_category,
                    caf::make_message(std::move(detail), leader)};
}

// The leader named by a not_leader error, if it names one.
inline std::optional<int32_t> leader_hint(const caf::error& e) {
  if (api_code(e) != api_errc::not_leader)
    return std::nullopt;
  const auto& ctx = e.context();
  if (ctx.size() == 2 && ctx.match_element<int32_t>(1) && ctx.get_as<int32_t>(1) >= 0)
    return ctx.get_as<int32_t>(1);
  return std::nullopt;
}

// -- broker membership (actors/controller, actors/broker_lifecycle) ------------------------------------

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, broker_endpoint& x) {
  return f(caf::meta::type_name("broker_endpoint"), x.name, x.host, x.port);
}

// A node's broker_lifecycle registering with the active controller (Kafka's BrokerRegistrationRequest).
struct broker_register_request {
  int32_t node_id = -1;
  std::string incarnation_id;             // random per process start
  std::vector<broker_endpoint> endpoints; // PLAINTEXT (Kafka, advertised) and NATIVE
  std::string rack;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, broker_register_request& x) {
  return f(caf::meta::type_name("broker_register_request"), x.node_id, x.incarnation_id, x.endpoints, x.rack);
}

// Every broker.heartbeat.interval.ms (Kafka's BrokerHeartbeatRequest).
struct broker_heartbeat {
  int32_t node_id = -1;
  int64_t broker_epoch = -1;
  int64_t applied_offset = -1; // the node's metadata image offset
  bool want_shutdown = false;  // controlled shutdown: move my leaderships and ISR places away first
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, broker_heartbeat& x) {
  return f(caf::meta::type_name("broker_heartbeat"), x.node_id, x.broker_epoch, x.applied_offset, x.want_shutdown);
}

struct broker_heartbeat_reply {
  bool known = true;   // false: not registered with this epoch (any more): register again
  bool fenced = true;  // the broker's state in the controller's image
  int64_t broker_epoch = -1;
  std::string reason;  // why not known
  bool shutdown_ok = false; // want_shutdown, and the committed image shows the node leads nothing and is in
                            // no ISR with other members: it may stop now (Kafka's shouldShutDown)
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, broker_heartbeat_reply& x) {
  return f(caf::meta::type_name("broker_heartbeat_reply"), x.known, x.fenced, x.broker_epoch, x.reason,
           x.shutdown_ok);
}

// One registered broker as the metadata image holds it.
struct broker_member {
  int32_t node_id = -1;
  std::string incarnation_id;
  int64_t broker_epoch = -1;
  std::vector<broker_endpoint> endpoints;
  bool fenced = true;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, broker_member& x) {
  return f(caf::meta::type_name("broker_member"), x.node_id, x.incarnation_id, x.broker_epoch, x.endpoints, x.fenced);
}

// What `samsa cluster status` shows of the membership, from the answering node's image.
struct broker_membership {
  int32_t node_id = -1;       // the answering node
  int64_t image_offset = -1;  // its image's applied offset
  int32_t controller = -1;    // the quorum leader it knows (-1: none)
  bool active_controller = false;
  std::vector<broker_member> brokers;
  int32_t partitions = 0;       // in the image
  int32_t under_replicated = 0; // ISR smaller than the replica set
  int32_t offline = 0;          // no live leader
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, broker_membership& x) {
  return f(caf::meta::type_name("broker_membership"), x.node_id, x.image_offset, x.controller, x.active_controller,
           x.brokers, x.partitions, x.under_replicated, x.offline);
}

// AlterPartition (Kafka API 56, KRaft era): a partition leader asks the active controller to replace the
// ISR of one partition (cluster/replica/isr_tracker's alter_partition_proposal), or with an empty ISR to move its
// leadership away (its disk fails appends). Valid only against the epochs it names (a move: the leader epoch only).
struct alter_partition_request {
  int32_t leader_id = -1;        // the node asking: must be the partition's leader in the image
  std::string topic;
  std::string topic_id;          // the topic's id as the leader knows it ("" : not checked)
  int32_t partition = 0;
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;   // the committed partition epoch the proposal is based on
  std::vector<int32_t> isr;      // the new ISR, in assignment order, with the leader; empty: the leader resigns
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alter_partition_request& x) {
  return f(caf::meta::type_name("alter_partition_request"), x.leader_id, x.topic, x.topic_id, x.partition,
           x.leader_epoch, x.partition_epoch, x.isr);
}

struct alter_partition_reply {
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;
  std::vector<int32_t> isr;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alter_partition_reply& x) {
  return f(caf::meta::type_name("alter_partition_reply"), x.leader_epoch, x.partition_epoch, x.isr);
}

} // namespace samsa

namespace samsa {

// What a node knows of the cluster right now: its newest image (never null) and the quorum leader it
// knows (-1: none). Local only, like image_ptr.
struct cluster_view {
  image_ptr image;
  int32_t quorum_leader = -1;
};

// The node's controller (actors/controller.hpp): the image's subscriber on this node, and the active
// controller while this node's quorum member leads.
using controller_actor = caf::typed_actor<
  // Registration: the broker epoch once committed; not_leader (leader_hint) on a non-active node;
  // invalid_request for a bad request.
  caf::replies_to<brk_reg_atom, broker_register_request>::with<int64_t>,
  caf::replies_to<brk_hb_atom, broker_heartbeat>::with<broker_heartbeat_reply>,
  caf::replies_to<status_atom>::with<broker_membership>,
  // Topic administration and producer-id blocks: answered by the active controller once the records
  // commit; another node's controller forwards a request from its own node to the active one and answers
  // not_leader (leader_hint) for a request from elsewhere, so a request is forwarded at most once.
  caf::replies_to<create_atom, topic_spec>::with<topic_description>,
  caf::replies_to<delete_atom, std::string>::with<bool>,
  // Config changes (config records) and partition increases (partition records) of a topic.
  caf::replies_to<alter_atom, topic_config_change>::with<topic_description>,
  caf::replies_to<create_atom, partition_increase>::with<topic_description>,
  // (node id, broker epoch) -> the first id of a block of cluster::producer_id_block ids.
  caf::replies_to<producer_id_atom, broker_id_t, int64_t>::with<producer_id_t>,
  // AlterPartition from a partition leader (forwarded like create): the committed partition, or an error:
  // not_leader_or_follower (the sender does not lead it, or names a leader epoch newer than the
  // controller's), fenced_leader_epoch (stale leader epoch), invalid_update_version (another partition
  // epoch), ineligible_replica (a member added is fenced or not registered), unknown_topic_or_partition,
  // invalid_request (an ISR that repeats a member, names a non-replica or lacks the leader); a resignation
  // (empty ISR): leader_not_available (no other in-sync replica is live). Rules: replication_control.hpp.
  caf::replies_to<alter_isr_atom, alter_partition_request>::with<alter_partition_reply>,
  // AlterPartitionReassignments (forwarded like create): one outcome per request once the accepted ones
  // commit. Rules: cluster/controller/reassignment.hpp.
  caf::replies_to<reassign_atom, std::vector<partition_reassignment>>::with<std::vector<reassignment_outcome>>,
  // ListPartitionReassignments (forwarded like create): the moves in progress of these topics (all when
  // empty) in the active controller's image, which holds every reassignment it answered.
  caf::replies_to<reassign_atom, list_atom, std::vector<std::string>>::with<std::vector<reassignment_info>>,
  // Local only: the node's view (image + quorum leader); a subscriber gets every new image (image_atom),
  // the current one at once.
  caf::replies_to<view_atom>::with<cluster_view>,
  caf::reacts_to<subscribe_atom, caf::actor>,
  // Local only: a new image from the node's metadata publisher (quorum hooks), a quorum role change
  // (leader node or -1, term, whether this node leads), the controller's timer.
  caf::reacts_to<image_atom, image_ptr>,
  caf::reacts_to<role_atom, int32_t, int64_t, bool>,
  // Local only: the quorum's connection to a node came up (true) or went down (false).
  caf::reacts_to<reach_atom, int32_t, bool>,
  caf::reacts_to<tick_atom>>;

} // namespace samsa

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::cluster_view)
