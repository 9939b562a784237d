#pragma once
// One node's controller actor: the subscriber of the node's metadata image (published by the quorum's
// state-machine hooks, see metadata_hooks below) and, while this node's quorum member is the Raft leader,
// the active controller: it runs cluster::cluster_control (registration, heartbeats, fencing) and
// cluster::replication_control (topics, producer ids, partition leaders and ISRs) and writes their records
// through the quorum. Like KRaft's QuorumController, minus configs changes and features.
//
// Message flow:
//   quorum hooks --(image_atom, image)--> keep the newest image (what status and the rules read)
//   quorum hooks --(role_atom, leader, term, leading)--> becoming leader: activation once the image has
//                  caught up with the leader's log (quorum status: last_applied >= last_index at election);
//                  then every registered broker gets a fresh session. Losing it: deactivate.
//   lifecycle --(brk_reg_atom, request)--> propose register_broker -> reply the committed index (the epoch)
//   lifecycle --(brk_hb_atom, heartbeat)--> reply at once; propose unfence when caught up; with
//                  want_shutdown (controlled shutdown): propose moving its partitions away, reply shutdown_ok
//                  once the image shows it leads nothing and shares no ISR
//   own timer --(tick_atom)--> propose fences for expired sessions
//   down_msg of a monitored lifecycle (every one that registered or heartbeated here) -> propose fence now
//   quorum hooks --(reach_atom, node, false)--> the connection to that node is down: while active (and at
//                  activation, for nodes already unreachable) fence its broker now unless a monitored
//                  lifecycle of it will tell; a new controller never watched the old leader's lifecycle
//   broker --(create_atom / delete_atom / producer_id_atom)--> active: propose the replication_control
//                  records, answer once committed; not active: forward to the leader's controller (found
//                  through actors/peer_lookup) when the request comes from this node, else not_leader
//   every fence, unfence or re-registration proposed above carries, in the same batch, the partition
//                  changes of replication_control::elections_for (leaders moved off a fenced node, ISRs
//                  without it, leaderless partitions given back to a returning node); committed elections
//                  are logged (an unclean one as a warning)
//   partition leader --(alter_isr_atom, request)--> AlterPartition: active: replication_control::alter_isr;
//                  the answer is the partition once the image shows the change committed (at once when
//                  nothing changes); a proposal that fails, a deposed controller or propose_timeout_ms
//                  without the commit answer an error; not active: forwarded like create_atom
//   broker --(reassign_atom, requests)--> AlterPartitionReassignments: active: replication_control::
//                  alter_reassignments, refusals at once, the accepted ones proposed in one batch and answered
//                  once committed; not active: forwarded like create_atom. A move completes when an
//                  AlterPartition brings its whole target into the ISR (logged with the index)
//   own timer, every leader_imbalance_check_interval_ms while active (auto.leader.rebalance.enable) -->
//                  leadership back to preferred replicas (replication_control::preferred_leaders)
//   broker --(subscribe_atom, actor)--> the actor gets the current image and every new one
//   A node that is not the active controller answers not_leader naming the leader it knows (-1 while its
//   own activation is pending), so lifecycles follow the leader.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <functional>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/quorum_replica.hpp"
#include "cluster/controller/cluster_control.hpp"
#include "cluster/controller/replication_control.hpp"
#include "cluster/metadata_publisher.hpp"
#include "messages/cluster_api.hpp"

namespace samsa::actors {

struct controller_config {
  int32_t self = -1;
  int64_t session_timeout_ms = 9000;  // broker.session.timeout.ms
  int64_t tick_ms = 100;              // how often expired sessions are looked for
  int64_t propose_timeout_ms = 10000; // a proposal not answered by then fails (its rule runs again)
  int32_t default_partitions = 1;     // num.partitions
  int16_t default_replication_factor = 1; // default.replication.factor
  bool unclean_leader_election = false;   // unclean.leader.election.enable (a topic's override wins)
  bool auto_leader_rebalance = true;      // auto.leader.rebalance.enable
  int64_t leader_imbalance_check_interval_ms = 300000; // leader.imbalance.check.interval.seconds
  std::map<int32_t, voter_address> voters; // where other nodes' controllers are looked up
  native_security sec;
};

controller_config controller_config_from(const cluster::server_config& cfg);

// An AlterPartition answered once the image shows the partition as `expect` (actors/controller.cpp).
struct alter_waiter {
  std::string topic_id;
  int32_t partition = 0;
  cluster::partition_registration expect;
  caf::typed_response_promise<alter_partition_reply> rp;
  int64_t deadline_ms = 0;
};

// Owns: the newest image, the membership rules (active only while leading), the monitored lifecycles.
// Invariant: records are proposed only while control.active(); every brk_reg/brk_hb/alter_isr gets one
// answer.
struct controller_state {
  controller_config cfg;
  std::shared_ptr<quorum_actor> quorum; // set by whoever spawned the quorum, before it sends anything
  image_ptr image;
  std::optional<cluster::cluster_control> control;
  cluster::replication_control topics; // topic and producer-id rules (used only while active)
  std::vector<caf::actor> subscribers; // get every new image (the broker)
  std::map<int32_t, controller_actor> peers; // other nodes' controllers found so far (monitored)
  std::set<int32_t> peer_lookups;
  std::set<int32_t> unreachable; // nodes whose connection the quorum reports down
  int32_t leader = -1;
  int64_t term = 0;
  bool leading = false;
  int64_t activation_index = -1; // leading, not yet active: the quorum's last index at election (-1: asking)
  std::map<caf::actor_addr, std::pair<int32_t, int64_t>> lifecycles; // monitored -> (node, broker epoch)
  std::vector<alter_waiter> alter_waiters;
  std::vector<std::pair<int64_t, std::function<void()>>> applied_waiters; // run once the image reaches the index
  std::vector<std::function<void()>> forward_retries; // forwarded requests to try again at the next tick
  int64_t next_rebalance_ms = -1; // active: when preferred leaders are checked next
  static inline const char* name = "samsa.controller";
};

using controller_ptr = controller_actor::stateful_pointer<controller_state>;

controller_actor spawn_controller(caf::actor_system& sys, controller_config cfg, std::shared_ptr<quorum_actor> quorum);

controller_actor::behavior_type controller(controller_ptr self, controller_config cfg,
                                           std::shared_ptr<quorum_actor> quorum);

// The quorum state machine of a node: a cluster::metadata_publisher applied on the quorum's thread, each
// new image published (image_atom) to `subscribers` in commit order, role changes to the controller.
quorum_state_machine metadata_hooks(int32_t node_id, controller_actor controller, std::vector<caf::actor> subscribers);

} // namespace samsa::actors
