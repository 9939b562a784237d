#pragma once
// The classic (JoinGroup/SyncGroup) consumer group state machine, after Kafka's GroupCoordinator
// and GroupMetadata, as a pure class: no actors, no I/O, no clock of its own. Every call takes
// `now_ms` from the caller. Requests that Kafka holds in purgatory (JoinGroup until the
// rebalance completes, SyncGroup until the leader's assignment arrives) are "parked" by the
// caller: the call says so, and later calls return the answers as group_effects.
//
// Implementation is split by API: group_state.cpp (states, members, completion, tick),
// group_join.cpp (JoinGroup), group_sync.cpp (SyncGroup, Heartbeat, LeaveGroup, commits).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/group_errc.hpp"
#include "cluster/group_types.hpp"

namespace samsa::cluster {

// Kafka's group states (GroupState). Transitions (anything else is a logic bug):
//   Empty               -> PreparingRebalance | Dead
//   PreparingRebalance  -> CompletingRebalance | Empty | Dead
//   CompletingRebalance -> PreparingRebalance | Stable | Dead
//   Stable              -> PreparingRebalance | Dead
//   Dead                -> (none)
enum class group_state : uint8_t { empty, preparing_rebalance, completing_rebalance, stable, dead };

// True when the table above allows `from` -> `to`.
bool can_transition(group_state from, group_state to) noexcept;

// Throws std::logic_error unless can_transition(from, to): an illegal transition means the
// coordinator logic is wrong, and continuing would corrupt the group.
void check_transition(group_state from, group_state to);

// Kafka's names: "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead".
const char* to_string(group_state s) noexcept;

// One member of a group, as the group keeps it. Owned and mutated only by class group; callers
// read it through members() / find_member(). awaiting_join / awaiting_sync mirror exactly the
// requests the caller holds parked for this member id (the "callback slots" of Kafka).
struct group_member {
  std::string member_id;
  std::optional<std::string> group_instance_id; // static membership
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::string protocol_type;
  std::vector<group_protocol> protocols; // member's preference order
  std::string assignment;                // from the leader's last SyncGroup
  int64_t last_heartbeat_ms = 0;         // any sign of life: heartbeat, join, sync
  bool awaiting_join = false; // the caller holds a parked JoinGroup for this member
  bool awaiting_sync = false; // the caller holds a parked SyncGroup for this member
  bool is_new = false;        // added in the rebalance in progress, never got a join response

  // The metadata this member sent for `protocol` (empty if it does not support it).
  const std::string& metadata(const std::string& protocol) const;
};

// One consumer group (classic protocol).
// Owns: the members, their protocols and assignments, the state, generation, selected protocol
//   and leader, the pending (MEMBER_ID_REQUIRED) member ids and the rebalance deadline.
// Called by: exactly one group coordinator actor (single-threaded by construction), which parks
//   requests, delivers group_effects, and calls tick() at next_deadline().
// Invariants: every state change goes through transition_to() (checked against the table);
//   member ids are unique and at most one member holds a given group_instance_id; the leader
//   is a member (or empty iff there are no members); the selected protocol is set in
//   CompletingRebalance and Stable (kept through PreparingRebalance, like Kafka, until the
//   next generation picks again) and empty in Empty; awaiting_sync only in
//   CompletingRebalance.
// Offsets are not here: a separate store owns them (validate_offset_commit gives the rule).
class group {
public:
  explicit group(std::string group_id, group_config cfg = {});

  // Rebuilds a Stable group (Empty if the snapshot has no members) from its persisted record.
  // Every member's session timer starts at `now_ms`, as Kafka does on load.
  static group restore(std::string group_id, const group_snapshot& snap, group_config cfg,
                       int64_t now_ms);

  // JoinGroup. Immediate answer (errors, MEMBER_ID_REQUIRED, a rejoin in Stable that changes
  // nothing, a static member replacing its old incarnation) or park; see join_result.
  join_result join(const join_request& req, int64_t now_ms);

  // SyncGroup. Followers park until the leader's assignment arrives; the leader's sync moves
  // the group to Stable and answers everyone.
  sync_result sync(const sync_request& req, int64_t now_ms);

  // Heartbeat: NONE, REBALANCE_IN_PROGRESS (rejoin), ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
  // FENCED_INSTANCE_ID or COORDINATOR_NOT_AVAILABLE. Keeps the member's session alive.
  group_errc heartbeat(const heartbeat_request& req, int64_t now_ms);

  // LeaveGroup, one or many members (v0-2 callers pass one entry).
  leave_result leave(const std::vector<leave_member>& leaving, int64_t now_ms);

  // Kafka's membership check for OffsetCommit: NONE means "store the offsets". A commit with
  // generation < 0 into an Empty group is a standalone consumer and is allowed.
  group_errc validate_offset_commit(const std::string& member_id,
                                    const std::optional<std::string>& group_instance_id,
                                    int32_t generation_id, int64_t now_ms);

  // Time passes: drops members whose session expired (starting a rebalance), drops pending
  // member ids nobody claimed, completes a rebalance whose deadline passed.
  group_effects tick(int64_t now_ms);

  // Completes the join phase if every member has rejoined (or the deadline passed). join(),
  // leave() and tick() already call it; public for callers that want to force a check.
  group_effects maybe_complete_join(int64_t now_ms);

  // The earliest time at which tick() may change something, or nullopt if nothing is timed.
  std::optional<int64_t> next_deadline() const;

  // DeleteGroups: NONE (the group is now Dead), NON_EMPTY_GROUP or GROUP_ID_NOT_FOUND.
  group_errc try_delete();

  // Whether the group was ever more than a name: it has members, formed a generation, or keeps the
  // protocol type of former members. A coordinator spawned by a mere lookup (DescribeGroups of any id)
  // has not; Kafka would not know such a group, so deleting it or its offsets is GROUP_ID_NOT_FOUND
  // unless offsets are stored under its id.
  bool formed() const { return !members_.empty() || generation_ > 0 || !protocol_type_.empty(); }

  // OffsetDelete, Kafka's rule (GroupCoordinator.handleDeleteOffsets): a Dead group is
  // GROUP_ID_NOT_FOUND; a "consumer" group keeps the offsets of the topics its members subscribe to
  // (`subscribed`; every one of `topics` while the subscriptions are unknown: members but no protocol
  // chosen yet, or metadata that does not decode); any other group must be empty (NON_EMPTY_GROUP).
  struct offset_delete_check {
    group_errc error = group_errc::none;
    std::set<std::string> subscribed; // of `topics`: their offsets stay
  };
  offset_delete_check check_offset_delete(const std::vector<std::string>& topics) const;

  // The coordinator gives the group up (partition moved, shutdown): every parked request is
  // answered with `error` (NOT_COORDINATOR) and the group becomes Dead.
  group_effects unload(group_errc error);

  group_description describe() const;
  group_snapshot snapshot() const;

  bool empty() const { return members_.empty(); }
  group_state state() const { return state_; }
  const std::string& group_id() const { return group_id_; }
  int32_t generation_id() const { return generation_; }
  const std::string& leader_id() const { return leader_id_; }
  const std::string& protocol_type() const { return protocol_type_; }
  const std::string& protocol_name() const { return protocol_; }
  const std::vector<group_member>& members() const { return members_; }
  const group_member* find_member(const std::string& member_id) const;
  bool has_pending_member(const std::string& member_id) const;
  const group_config& config() const { return cfg_; }

private:
  // --- state and membership (group_state.cpp) ---
  void transition_to(group_state to);
  group_member* find(const std::string& member_id);
  group_member* find_static(const std::optional<std::string>& instance_id);
  bool is_static_member_fenced(const std::string& member_id,
                               const std::optional<std::string>& instance_id) const;
  bool supports_protocols(const std::string& type, const std::vector<group_protocol>& ps) const;
  std::string select_protocol() const;
  int32_t rebalance_timeout_ms() const;
  bool all_members_joined() const;
  std::string generate_member_id(const std::string& client_id,
                                 const std::optional<std::string>& instance_id);
  join_response current_join_response(const group_member& m) const;
  static join_response join_error(std::string member_id, group_errc e);
  sync_response synced(const std::string& assignment) const; // a successful SyncGroup answer

  // --- rebalance machinery (group_state.cpp) ---
  void maybe_prepare_rebalance(int64_t now_ms, group_effects& fx);
  void prepare_rebalance(int64_t now_ms, group_effects& fx);
  void try_complete_join(int64_t now_ms, group_effects& fx);
  void complete_join(int64_t now_ms, group_effects& fx);
  bool elect_joined_leader();
  void reset_and_propagate_sync_error(group_errc e, int64_t now_ms, group_effects& fx);
  void remove_member_and_update(const std::string& member_id, int64_t now_ms, group_effects& fx);
  void erase_member(const std::string& member_id);
  bool session_expired(const group_member& m, int64_t now_ms) const;

  // --- join helpers (group_join.cpp) ---
  join_result join_unknown(const join_request& req, int32_t rebalance_timeout, int64_t now_ms);
  join_result join_known(const join_request& req, int32_t rebalance_timeout, int64_t now_ms);
  void add_member(const std::string& member_id, const join_request& req,
                  int32_t rebalance_timeout, int64_t now_ms);
  static void update_member(group_member& m, const join_request& req, int32_t rebalance_timeout,
                            int64_t now_ms);
  join_result park_and_rebalance(const std::string& member_id, int64_t now_ms, join_result r);

  std::string group_id_;
  group_config cfg_;
  group_state state_ = group_state::empty;
  int32_t generation_ = 0;
  std::string protocol_type_; // kept when the group empties, like Kafka (ListGroups shows it)
  std::string protocol_;      // selected protocol of the current generation
  std::string leader_id_;
  std::vector<group_member> members_; // in join order: the order the leader sees them in
  std::map<std::string, int64_t> pending_members_; // MEMBER_ID_REQUIRED ids -> expiry
  uint64_t member_id_counter_ = 0;

  // Join-phase timing. Outside PreparingRebalance these are meaningless.
  int64_t join_deadline_ms_ = 0;
  // Kafka's InitialDelayedJoin: the first rebalance of an Empty group waits
  // initial_rebalance_delay_ms (extended while new members keep arriving, up to the rebalance
  // timeout) so a fleet of consumers starting together forms one generation, not many.
  bool initial_delay_active_ = false;
  bool new_member_added_ = false;
  int64_t initial_delay_remaining_ms_ = 0;
};

} // namespace samsa::cluster
