// SyncGroup, Heartbeat, LeaveGroup, and the OffsetCommit and OffsetDelete rules for the classic group
// state machine (see cluster/group_state.hpp), after Kafka's GroupCoordinator.

#include <utility>

#include "cluster/consumer_protocol.hpp"
#include "cluster/group_state.hpp"

namespace samsa::cluster {

sync_response group::synced(const std::string& assignment) const {
  return sync_response{group_errc::none, assignment, protocol_type_, protocol_};
}

sync_result group::sync(const sync_request& req, int64_t now_ms) {
  sync_result r;
  r.member_id = req.member_id;
  auto fail = [&](group_errc e) {
    r.response = sync_response{e, {}};
    return r;
  };
  if (state_ == group_state::dead)
    return fail(group_errc::coordinator_not_available);
  if (is_static_member_fenced(req.member_id, req.group_instance_id))
    return fail(group_errc::fenced_instance_id);
  group_member* m = find(req.member_id);
  if (!m)
    return fail(group_errc::unknown_member_id);
  if (req.generation_id != generation_)
    return fail(group_errc::illegal_generation);
  // v5: a protocol type or name the member names must be the group's (Kafka checks after the generation).
  if ((req.protocol_type && *req.protocol_type != protocol_type_)
      || (req.protocol_name && *req.protocol_name != protocol_))
    return fail(group_errc::inconsistent_group_protocol);

  switch (state_) {
    case group_state::preparing_rebalance: return fail(group_errc::rebalance_in_progress);
    case group_state::stable:
      // Late follower (the leader already synced) or a retry: the assignment is known.
      m->last_heartbeat_ms = now_ms;
      r.response = synced(m->assignment);
      return r;
    case group_state::completing_rebalance: break;
    case group_state::empty:
    case group_state::dead: return fail(group_errc::unknown_member_id);
  }

  group_effects& fx = r.effects;
  if (m->awaiting_sync) // the client retried; answer the abandoned request
    fx.syncs.push_back({m->member_id, {group_errc::rebalance_in_progress, {}}});
  m->awaiting_sync = true;
  m->last_heartbeat_ms = now_ms;
  if (req.member_id != leader_id_)
    return r; // park until the leader's assignment arrives

  // The leader's assignment completes the generation. Members it left out get an empty
  // assignment (as in Kafka); entries for unknown member ids are ignored.
  for (auto& member : members_) {
    member.assignment.clear();
    for (const auto& a : req.assignments) {
      if (a.member_id == member.member_id) {
        member.assignment = a.assignment;
        break;
      }
    }
  }
  transition_to(group_state::stable);
  fx.store_group = true;
  for (auto& member : members_) {
    if (!member.awaiting_sync)
      continue;
    member.awaiting_sync = false;
    member.last_heartbeat_ms = now_ms;
    if (member.member_id == req.member_id)
      r.response = synced(member.assignment);
    else
      fx.syncs.push_back({member.member_id, synced(member.assignment)});
  }
  return r;
}

group_errc group::heartbeat(const heartbeat_request& req, int64_t now_ms) {
  if (state_ == group_state::dead)
    return group_errc::coordinator_not_available;
  if (is_static_member_fenced(req.member_id, req.group_instance_id))
    return group_errc::fenced_instance_id;
  group_member* m = find(req.member_id);
  if (!m)
    return group_errc::unknown_member_id;
  if (req.generation_id != generation_)
    return group_errc::illegal_generation;
  switch (state_) {
    case group_state::preparing_rebalance:
      m->last_heartbeat_ms = now_ms;
      return group_errc::rebalance_in_progress;
    case group_state::completing_rebalance:
      // Newer Kafka answers NONE here: clients start heartbeating as soon as they have their
      // JoinGroup response, and REBALANCE_IN_PROGRESS would send them back to JoinGroup for a
      // rebalance that is already completing.
    case group_state::stable:
      m->last_heartbeat_ms = now_ms;
      return group_errc::none;
    case group_state::empty:
    case group_state::dead: break;
  }
  return group_errc::unknown_member_id;
}

leave_result group::leave(const std::vector<leave_member>& leaving, int64_t now_ms) {
  leave_result r;
  if (state_ == group_state::dead) {
    r.error = group_errc::coordinator_not_available;
    return r;
  }
  for (const auto& l : leaving) {
    leave_member_result res{l.member_id, l.group_instance_id, group_errc::none};
    if (!l.member_id.empty() && is_static_member_fenced(l.member_id, l.group_instance_id)) {
      res.error = group_errc::fenced_instance_id;
    } else if (has_pending_member(l.member_id)) {
      // A member that never came back after MEMBER_ID_REQUIRED: stop waiting for it.
      pending_members_.erase(l.member_id);
      try_complete_join(now_ms, r.effects);
    } else if (group_member* m = find_static(l.group_instance_id); m || find(l.member_id)) {
      // v3 may name a static member by instance id alone (admin tools removing it).
      std::string id = m ? m->member_id : l.member_id;
      remove_member_and_update(id, now_ms, r.effects);
    } else {
      res.error = group_errc::unknown_member_id;
    }
    r.members.push_back(std::move(res));
  }
  return r;
}

group_errc group::validate_offset_commit(const std::string& member_id,
                                         const std::optional<std::string>& group_instance_id,
                                         int32_t generation_id, int64_t now_ms) {
  if (state_ == group_state::dead)
    return group_errc::coordinator_not_available;
  if (is_static_member_fenced(member_id, group_instance_id))
    return group_errc::fenced_instance_id;
  // A consumer using Kafka only as offset storage (assign(), no group management).
  if (generation_id < 0 && state_ == group_state::empty)
    return group_errc::none;
  group_member* m = find(member_id);
  if (!m)
    return group_errc::unknown_member_id;
  if (generation_id != generation_)
    return group_errc::illegal_generation;
  switch (state_) {
    case group_state::stable:
    case group_state::preparing_rebalance:
      // Commits stay allowed while preparing: members commit before they rejoin (the
      // heartbeat is what tells them about the rebalance).
      m->last_heartbeat_ms = now_ms;
      return group_errc::none;
    case group_state::completing_rebalance: return group_errc::rebalance_in_progress;
    case group_state::empty:
    case group_state::dead: break;
  }
  return group_errc::unknown_member_id;
}

group::offset_delete_check group::check_offset_delete(const std::vector<std::string>& topics) const {
  offset_delete_check out;
  if (state_ == group_state::dead) {
    out.error = group_errc::group_id_not_found;
    return out;
  }
  if (protocol_type_ != consumer_protocol_type) {
    if (!members_.empty())
      out.error = group_errc::non_empty_group;
    return out;
  }
  if (members_.empty())
    return out;
  std::set<std::string> consumed;
  bool known = !protocol_.empty();
  for (const auto& m : members_) {
    if (!known)
      break;
    auto sub = decode_subscription(m.metadata(protocol_));
    if (!sub)
      known = false;
    else
      consumed.insert(sub->topics.begin(), sub->topics.end());
  }
  for (const auto& t : topics)
    if (!known || consumed.count(t))
      out.subscribed.insert(t);
  return out;
}

} // namespace samsa::cluster
