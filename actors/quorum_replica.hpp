#pragma once
// The controller quorum member of one node: a CAF shell around the pure Raft core (cluster/raft), the
// way KRaft's controllers agree on the metadata log. It carries Raft messages between the nodes' quorum
// actors, persists through a quorum_storage before anything that depends on it is released, hands
// committed entries to the node's state machine in order, and answers proposals once they commit.
//
// Message flow (messages/cluster_api.hpp for the interface):
//   peer --(raft_atom, from, msg)--> step()   ┐
//   own timer --(tick_atom)--------> tick()   ├─> effects: 1. storage.persist  2. install snapshot
//   client --(propose_atom, bytes)-> propose()┘             3. apply committed  4. send to peers
//   client <-- committed index (or not_leader with the leader to try, or request_timed_out)
//   peer --(raft_atom, from, snapshot_chunk)--> reassembled per sender, then step() with the whole
//   snapshot_request (the shell sends every InstallSnapshot in chunks of snapshot_chunk_bytes)
// Log compaction: after snapshot_after_bytes of applied data the state machine's image is stored
// (quorum_storage::save_snapshot deletes the entries it covers) and the core drops them from memory.
//
// Peers: node id -> quorum actor handle. A handle is learned (a) from a peer's hello, or (b) by looking
// the peer up: a guarded native connection to its samsa.native.listener (actors/native_transport), whose
// published broker answers (quorum_atom) with its quorum actor; the finder then says hello so the other
// side learns it at once. Messages to a peer without a handle are dropped (Raft tolerates loss) and the
// lookup is retried on a later tick; peers are monitored, a down_msg (a dead process is seen within
// milliseconds) forgets the handle and is logged.
//
// Learners (process.roles=broker: node.id not in controller.quorum.voters, KRaft's observers): the same
// actor with a core whose role is learner. It looks up every voter like a voter does and says hello; a voter
// that gets a hello from a node outside the voters line calls raft::replica::add_learner, accepts that node's
// raft messages from then on, and (while leading) replicates to it, snapshots included. A learner never
// votes, is never counted for commit, never campaigns; a voter that restarts forgets it until its next hello
// (the learner's connection to it dropped, so the learner looks it up and says hello again), and a voter that
// sees the learner's handle go down forgets it the same way (raft::replica::remove_learner): a broker-only node
// that is gone for good is not replicated to or listed forever.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/native_transport.hpp"
#include "actors/peer_lookup.hpp"
#include "actors/quorum_storage.hpp"
#include "cluster/raft/raft_replica.hpp"
#include "cluster/server_config.hpp"
#include "messages/cluster_api.hpp"

namespace samsa::actors {

struct quorum_config {
  raft::node_id_t self{0};
  std::map<raft::node_id_t, voter_address> voters; // includes self
  int64_t election_timeout_ms = 1000;              // controller.quorum.election.timeout.ms
  int64_t fetch_timeout_ms = 2000;                 // controller.quorum.fetch.timeout.ms (check quorum)
  int64_t heartbeat_interval_ms = 100;             // leader's empty appends
  int64_t tick_ms = 20;                            // how often the core's timers are checked
  int64_t propose_timeout_ms = 10000;              // a proposal not committed by then fails
  int64_t lookup_retry_ms = 500;                   // between two lookups of a missing peer
  int64_t lookup_timeout_ms = 2000;                // one lookup (connect + ask the broker)
  size_t max_append_bytes = 64 * 1024;             // far below samsa.native.max.message.bytes
  // metadata.log.max.record.bytes.between.snapshots: bytes of committed data entries after which the state
  // machine's image is snapshotted and the log compacted up to it; 0: never (tests without a state machine).
  int64_t snapshot_after_bytes = 0;
  size_t snapshot_chunk_bytes = 64 * 1024;         // InstallSnapshot travels in chunks of this (snapshot_chunk)
  int64_t max_snapshot_bytes = 256LL << 20;        // a larger announced snapshot is refused by the receiver
  native_security sec;                             // how to reach peers (the node's own TLS files)
};

// The quorum settings of a node: controller.quorum.* and its native listener's security. cfg.node_id is a
// voter (process.roles has controller) or, outside the voters, a learner (process.roles=broker).
quorum_config quorum_config_from(const cluster::server_config& cfg);

// The node's replicated state machine, as far as the quorum needs it. Every hook is optional.
struct quorum_state_machine {
  // Committed data entries, each exactly once per process lifetime, in index order (noops are skipped).
  std::function<void(const raft::log_entry&)> apply;
  // Once after the committed entries of one input were applied (one append can commit many): where a state
  // machine publishes its new state, instead of after every entry.
  std::function<void()> applied_batch;
  // Reset to a snapshot's image (from the leader, or the stored one at start).
  std::function<void(const raft::snapshot&)> install;
  // An image of everything applied up to the index (called once snapshot_after_bytes of committed data
  // entries were applied since the last snapshot); the shell stores it and compacts the log up to it.
  std::function<raft::bytes(raft::log_index_t)> take_snapshot;
  // The member's role or the known leader changed (called after the change is logged).
  std::function<void(const raft::role_change&)> role_changed;
  // The connection to a peer's node came up (true) or went down (false): a dropped CAF connection, a kill -9
  // of the process, or the BASP heartbeat timeout of a frozen one.
  std::function<void(int32_t node, bool reachable)> peer_changed;
};

// Owns: the Raft core, the storage, the peers' handles, the pending proposals.
// Invariants: every effect is handled in the order of raft_types.hpp (persist, install, apply, send); a
//   storage error (a full disk) stalls the member before anything of that input is applied or sent: it keeps
//   those effects in `unpersisted`, hands the core nothing (peers' messages are dropped, as a lost network
//   would, proposals are refused, ticks only retry the write) and, once the write succeeds, carries them out
//   and goes on: to the others it was a slow disk, which Raft tolerates; every proposal gets exactly one
//   answer (committed index, not_leader, request_timed_out, storage_error).
struct quorum_state {
  struct pending_proposal {
    caf::typed_response_promise<int64_t> promise;
    raft::term_t term;   // the term it was appended in: committed with another term = overwritten
    int64_t deadline_ms;
  };
  quorum_config cfg;
  std::shared_ptr<quorum_storage> storage;
  quorum_state_machine sm;
  std::optional<raft::replica> raft;
  std::map<raft::node_id_t, quorum_actor> peers;
  std::set<raft::node_id_t> lookups;              // in flight
  std::map<raft::node_id_t, int64_t> next_lookup_ms;
  std::map<raft::log_index_t, pending_proposal> proposals;
  uint64_t dropped = 0;                           // messages to peers without a handle
  std::optional<raft::effects> unpersisted;       // a failed write of these effects: stalled until it succeeds
  // Snapshots. Bytes of data entries applied since the latest snapshot (the compaction trigger); per peer,
  // the snapshot being received from it (chunks, snapshot_chunk) and the last one sent to it (index, time:
  // the core asks again at every heartbeat while the peer has not answered, the shell sends the same
  // snapshot at most once per election timeout).
  struct snapshot_assembly {
    raft::term_t term;
    raft::snapshot_meta meta;
    int64_t total = 0;
    std::string data;
  };
  int64_t bytes_since_snapshot = 0;
  std::map<raft::node_id_t, snapshot_assembly> assembling;
  std::map<raft::node_id_t, std::pair<raft::log_index_t, int64_t>> snapshot_sent;
  int64_t snapshots_taken = 0;
  int64_t snapshots_installed = 0;
  static inline const char* name = "samsa.quorum";
  ~quorum_state();
};

using quorum_ptr = quorum_actor::stateful_pointer<quorum_state>;

// Spawns the node's quorum member. It restores from storage->load(), starts its timer at once and looks up
// every voter with an address.
quorum_actor spawn_quorum_replica(caf::actor_system& sys, quorum_config cfg, std::shared_ptr<quorum_storage> storage,
                                  quorum_state_machine sm = {});

quorum_actor::behavior_type quorum_replica(quorum_ptr self, quorum_config cfg, std::shared_ptr<quorum_storage> storage,
                                           quorum_state_machine sm);

} // namespace samsa::actors
