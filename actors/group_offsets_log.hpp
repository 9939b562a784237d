#pragma once
// A cluster node's side of the replicated offsets log (cluster/offsets_topic.hpp): the group registry's
// bookkeeping per partition of __consumer_offsets that this node holds a replica of.
//
// Every replica, leader or follower, materialises what its partition has committed (below its HW) into
// the node's SQLite (offset_store::apply_log), so OffsetFetch is answered from SQLite as on a single node.
// The leader of partition p coordinates the groups that hash to p. It becomes their coordinator once it
// has materialised everything its log held when it took over (the HW reaches that end only when the ISR
// holds it, so nothing an earlier leader acknowledged is missed); until then requests for those groups get
// COORDINATOR_LOAD_IN_PROGRESS. A commit (or reset, or deletion) is appended to p with acks=all and answered
// once it is replicated and materialised here; the group actors of p stop when the node loses p's
// leadership, and their members find the new coordinator.
//
// The replicas report their HW and role (replica_progress, sent because their config names the registry as
// progress listener); the registry reads committed bytes from them with read_committed_atom.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/partition_replica.hpp"
#include "persistence/offset_store.hpp"

namespace samsa::actors {

// From the broker: the offsets log exists with this many partitions (sent at every image that has it).
using offsets_log_atom = caf::atom_constant<caf::atom("offsetslog")>;

struct offsets_log_partition {
  caf::actor replica;       // this node's replica of the partition
  int32_t leader_epoch = -1;
  bool leader = false;
  int64_t high_watermark = 0;
  int64_t load_target = 0;  // leader: the log end when it took over
  int64_t applied = -1;     // next offset to materialise (-1: not read from SQLite yet)
  bool reading = false;     // a read_committed request is out
  // Continuations waiting for the materialisation to pass an offset (a write's last offset).
  std::multimap<int64_t, std::function<void(const caf::error&)>> waiters;

  bool loaded() const { return leader && applied >= load_target; }
};

struct offsets_log {
  bool enabled = false;          // a cluster node (a single node keeps offsets in SQLite only)
  int32_t partitions = 0;        // the topic's partition count; 0 while it does not exist
  int32_t commit_timeout_ms = 5000; // offsets.commit.timeout.ms: how long a write waits for the ISR
  std::map<int32_t, offsets_log_partition> parts;
};

struct group_registry_state;
using group_registry_ptr = caf::stateful_actor<group_registry_state>*;

// The offsets log partition of a group (-1 while the log does not exist).
int32_t offsets_partition_of(const offsets_log& log, const std::string& group);

// None when this node coordinates `group` now; else not_coordinator or coordinator_load_in_progress.
caf::error offsets_owner_error(const offsets_log& log, const std::string& group);

void on_offsets_log_size(group_registry_ptr self, int32_t partitions);
void on_replica_progress(group_registry_ptr self, replica_progress& p);

// Appends the changes to log partition `partition` (this node must lead it) and calls `done` once they are
// replicated and materialised here, or with the error (not_coordinator, coordinator_not_available...).
void write_offset_changes(group_registry_ptr self, int32_t partition, std::vector<persistence::offset_change> changes,
                          std::function<void(const caf::error&)> done);

} // namespace samsa::actors
