#pragma once
// One node's broker lifecycle (Kafka's BrokerLifecycleManager): registers the node with the active
// controller at start (node id, a random incarnation id per process start, its endpoints), heartbeats every
// broker.heartbeat.interval.ms with the node's applied metadata offset, registers again when the controller
// no longer knows its epoch, and follows the controller wherever the quorum leader moves.
//
// Message flow:
//   own timer --(tick_atom)--> register (no epoch yet) or heartbeat (due) to the target controller
//   controller <-- (brk_reg_atom, request) / (brk_hb_atom, heartbeat)
//     epoch: "registered with the controller as broker epoch N"; heartbeat reply: "fenced" / "unfenced"
//     on a change (unfenced renews the node's lease from the heartbeat's send time, fenced revokes it); unknown: register again; not_leader naming L: target L at once; any other error or no
//     leader named: back to the own node's controller after a short backoff
//   metadata hooks --(image_atom, image)--> the applied offset the next heartbeat carries
//   node stop --(shutdown_atom)--> controlled shutdown: heartbeats (every retry_ms) carry want_shutdown until
//     the controller answers shutdown_ok (its partitions moved away: true), or controlled_shutdown_timeout_ms
//     passes, or no controller names a quorum leader for no_leader_giveup_ms (the quorum is lost, as when the
//     last nodes of a cluster stop: nothing can move) (false); true at once when not registered
// Controllers of other nodes are found like quorum peers: a guarded native connection to the voter's
// samsa.native.listener, whose broker answers controller_atom. Found handles are monitored (a dead node's
// controller is forgotten at once).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/native_transport.hpp"
#include "actors/quorum_replica.hpp"
#include "cluster/broker_lease.hpp"
#include "messages/cluster_api.hpp"

namespace samsa {

// Local only: a new image, the timer, and turning heartbeats off/on (tests: a silent broker).
// Local only: a new image, the timer, turning heartbeats off/on (tests: a silent broker), and the node's
// controlled shutdown (true: the controller moved the node's partitions away; false: not confirmed in time).
using lifecycle_actor = caf::typed_actor<caf::reacts_to<image_atom, image_ptr>, caf::reacts_to<tick_atom>,
                                         caf::reacts_to<brk_hb_atom, bool>, caf::replies_to<shutdown_atom>::with<bool>>;

} // namespace samsa

namespace samsa::actors {

struct lifecycle_config {
  int32_t self = -1;
  std::string incarnation_id;              // empty: a random one at spawn
  std::vector<broker_endpoint> endpoints;
  int64_t heartbeat_interval_ms = 2000;    // broker.heartbeat.interval.ms
  int64_t retry_ms = 200;                  // after a failed attempt / between register attempts
  int64_t request_timeout_ms = 2000;
  int64_t controlled_shutdown_timeout_ms = 9000; // broker.session.timeout.ms
  int64_t no_leader_giveup_ms = 3000;            // 3 x controller.quorum.election.timeout.ms
  std::map<int32_t, voter_address> voters; // where to look controllers up (port 0: never)
  std::map<int32_t, caf::actor> known;     // controllers known up front (own node; tests: all)
  native_security sec;
  // Renewed by each heartbeat answered "unfenced" (from its send time), revoked by "fenced" or an unknown
  // registration; null: none kept (cluster/broker_lease.hpp).
  std::shared_ptr<cluster::broker_lease> lease;
  // A gap of this long between two of the lifecycle's own ticks (every <= 50 ms) means the process was
  // frozen (SIGSTOP) or starved: the lease is revoked, and answers to heartbeats sent in the next
  // freeze_grace_ms do not renew it. The node's own controller may have been the active one before the
  // freeze and answers "unfenced" from its stale image until its quorum member learns of the newer term,
  // which the first Raft exchange after the resume tells it (ms); the image then catches up too.
  int64_t freeze_ms = 1000;
  int64_t freeze_grace_ms = 1000;
};

// The node's endpoints (PLAINTEXT = advertised Kafka listener, NATIVE) and the quorum's voters.
lifecycle_config lifecycle_config_from(const cluster::server_config& cfg, caf::actor own_controller);

// A random incarnation id (22 characters of base64url: a valid Kafka Uuid, also used for topic ids).
std::string random_incarnation_id();

// Owns: the registration (epoch), the target controller, the controller handles found so far.
// Invariant: at most one request to a controller in flight.
struct lifecycle_state {
  lifecycle_config cfg;
  int64_t epoch = -1;                    // -1: not registered
  std::optional<bool> fenced;            // as last reported by the controller
  int64_t applied = -1;                  // the node's image offset
  int32_t target = -1;                   // the node whose controller we talk to
  std::map<int32_t, controller_actor> controllers;
  std::set<int32_t> lookups;
  bool in_flight = false;
  bool heartbeats = true;
  int64_t next_attempt_ms = 0;
  std::optional<caf::typed_response_promise<bool>> shutdown; // a controlled shutdown waiting for the controller
  int64_t shutdown_deadline_ms = 0;
  int64_t no_leader_since_ms = -1; // shutting down: since when every controller asked knew no quorum leader
  int64_t last_tick_ms = -1;       // actor clock: the previous own tick (freeze detection)
  int64_t lease_distrust_until_ms = 0; // heartbeats sent before this do not renew the lease (after a freeze)
  static inline const char* name = "samsa.broker_lifecycle";
};

using lifecycle_ptr = lifecycle_actor::stateful_pointer<lifecycle_state>;

lifecycle_actor spawn_broker_lifecycle(caf::actor_system& sys, lifecycle_config cfg);

lifecycle_actor::behavior_type broker_lifecycle(lifecycle_ptr self, lifecycle_config cfg);

} // namespace samsa::actors
