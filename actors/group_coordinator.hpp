#pragma once
// Consumer groups on a node: one group_coordinator actor per group (a thin shell around the pure state
// machine cluster::group), and one group_registry actor per node that finds or spawns them and owns the
// committed offsets (persistence::offset_store), batching commit bursts into one SQLite transaction.
// A deleted group's coordinator quits; whoever cached its handle (the Kafka handlers monitor theirs) asks
// the registry again and gets a fresh one.
//
// The group actor parks JoinGroup and SyncGroup requests as response promises keyed by member id and
// delivers the "effects" the state machine returns; one timer, armed at the state machine's next deadline
// (session expiry, rebalance timeout, initial delay), drives tick(). Messages between these actors and the
// Kafka handlers stay on one node; they carry cluster:: structs directly.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/group_offsets_log.hpp"
#include "cluster/group_state.hpp"
#include "messages/native_api.hpp"
#include "persistence/offset_store.hpp"

namespace samsa::actors {

using group_atom = caf::atom_constant<caf::atom("group")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using empty_atom = caf::atom_constant<caf::atom("empty")>;
// DeleteGroups and OffsetDelete, asked of the registry: by the Kafka handlers once check_coordinator says
// this node coordinates the group, and by `samsa groups delete` through the broker's registry handle
// (groups_atom). The registry asks the group's coordinator actor, if it has one, with the same atoms.
using delete_group_atom = caf::atom_constant<caf::atom("delgroup")>;
using delete_offsets_atom = caf::atom_constant<caf::atom("deloffsets")>;
// The registry stops a group actor whose offsets log partition this node no longer leads: parked joins and
// syncs get NOT_COORDINATOR, then the actor quits.
using unload_atom = caf::atom_constant<caf::atom("unload")>;
// A group actor tells the registry that its durable metadata changed (a new Stable generation, or Empty):
// group id and the encoded GroupMetadataValue, stored like an offset change (offsets log or SQLite).
using store_group_atom = caf::atom_constant<caf::atom("storegroup")>;

// An OffsetCommit as the group actor sees it.
struct offset_commit_args {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int32_t generation_id = -1;
  std::vector<persistence::committed_offset> offsets;
};

// A coordinator's answer to delete_group_atom and delete_offsets_atom; the registry completes the operation
// in the offset store. `formed` is cluster::group::formed() as it was before the operation: with nothing
// stored either, the group does not exist for Kafka (GROUP_ID_NOT_FOUND).
struct group_admin_answer {
  cluster::group_errc error = cluster::group_errc::none;
  bool formed = false;
  std::set<std::string> subscribed; // OffsetDelete: topics a live member consumes; their offsets stay
};

// The partitions of an OffsetDelete.
using topic_partition_list = std::vector<std::pair<std::string, int32_t>>;

struct group_coordinator_state {
  std::unique_ptr<cluster::group> group;
  caf::actor registry;
  std::unordered_map<std::string, caf::response_promise> parked_joins;
  std::unordered_map<std::string, caf::response_promise> parked_syncs;
  std::optional<int64_t> armed_deadline; // the tick already scheduled
  bool was_empty = true;
  cluster::group_state logged_state = cluster::group_state::empty; // the operator log follows state changes
  static inline const char* name = "samsa.group_coordinator";
};

// `restored`: the group's stored metadata (a restarted broker, a new coordinator); the group continues from it
// (its generation, and a Stable generation's members, whose sessions start now). None: a new, Empty group.
caf::behavior group_coordinator(caf::stateful_actor<group_coordinator_state>* self, std::string group_id,
                                cluster::group_config cfg, caf::actor registry,
                                std::optional<cluster::group_snapshot> restored);

struct group_registry_config {
  std::filesystem::path db_file; // the node's metadata.db (migrations already applied)
  cluster::group_config group;
  int64_t offsets_retention_ms = 7 * 24 * 3600 * 1000LL;
  int64_t expiry_check_interval_ms = 600000;
  // A cluster node: offsets go through the replicated offsets log (group_offsets_log.hpp).
  bool replicated_offsets = false;
  int32_t offsets_commit_timeout_ms = 5000; // offsets.commit.timeout.ms
};

struct group_registry_state {
  group_registry_config cfg;
  std::unique_ptr<persistence::offset_store> offsets;
  std::map<std::string, caf::actor> groups;
  struct pending_commit {
    persistence::group_commit commit;
    caf::response_promise promise;
  };
  std::vector<pending_commit> pending; // commits waiting for the next transaction
  bool flush_scheduled = false;
  std::mt19937_64 rng{std::random_device{}()}; // seeds of member ids
  offsets_log log;                              // a cluster node's offsets log partitions
  static inline const char* name = "samsa.group_registry";
};

// Opens the offset store synchronously (errors reported at start) and spawns the registry.
caf::expected<caf::actor> spawn_group_registry(caf::actor_system& sys, group_registry_config cfg);

caf::behavior group_registry(caf::stateful_actor<group_registry_state>* self, group_registry_config cfg,
                             std::shared_ptr<persistence::offset_store> offsets);

// Spawns the coordinator actors of the groups `mine` picks whose stored metadata has members (a Stable
// generation), as Kafka loads them: their members keep heartbeating, and the sessions of those that are gone
// expire. A single node calls it at start; a cluster node when it has loaded an offsets log partition.
void restore_groups(caf::stateful_actor<group_registry_state>* self,
                    const std::function<bool(const std::string&)>& mine);

} // namespace samsa::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::cluster::join_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::cluster::join_response)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::cluster::sync_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::cluster::sync_response)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::cluster::heartbeat_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::cluster::leave_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<samsa::cluster::leave_member>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::cluster::group_description)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::actors::offset_commit_args)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::persistence::group_commit)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<samsa::persistence::committed_offset>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::cluster::group_errc)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::actors::group_admin_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::actors::topic_partition_list)
