// JoinGroup for the classic group state machine (see cluster/group_state.hpp), after Kafka's
// GroupCoordinator.handleJoinGroup / doUnknownJoinGroup / doJoinGroup.

#include <stdexcept>
#include <utility>

#include "cluster/group_state.hpp"

namespace samsa::cluster {

join_result group::join(const join_request& req, int64_t now_ms) {
  join_result r;
  r.member_id = req.member_id;
  auto fail = [&](group_errc e, std::string member_id) {
    r.response = join_error(std::move(member_id), e);
    return r;
  };
  if (state_ == group_state::dead)
    return fail(group_errc::coordinator_not_available, req.member_id);
  if (req.session_timeout_ms < cfg_.min_session_timeout_ms ||
      req.session_timeout_ms > cfg_.max_session_timeout_ms)
    return fail(group_errc::invalid_session_timeout, req.member_id);
  // JoinGroup v0 has no rebalance timeout; Kafka uses the session timeout for it.
  int32_t rebalance_timeout =
      req.rebalance_timeout_ms < 0 ? req.session_timeout_ms : req.rebalance_timeout_ms;
  bool unknown = req.member_id.empty();
  if (unknown && members_.size() >= static_cast<size_t>(cfg_.max_size))
    return fail(group_errc::group_max_size_reached, {});
  if (!supports_protocols(req.protocol_type, req.protocols))
    return fail(group_errc::inconsistent_group_protocol, req.member_id);
  return unknown ? join_unknown(req, rebalance_timeout, now_ms)
                 : join_known(req, rebalance_timeout, now_ms);
}

join_result group::join_unknown(const join_request& req, int32_t rebalance_timeout,
                                int64_t now_ms) {
  join_result r;
  group_effects& fx = r.effects;
  std::string new_id = generate_member_id(req.client_id, req.group_instance_id);
  r.member_id = new_id;

  if (group_member* old = find_static(req.group_instance_id)) {
    // A static member restarted and lost its member id. Its new incarnation takes over the old
    // member (and its assignment) under a fresh id; the old incarnation is fenced.
    std::string old_id = old->member_id;
    std::string current_leader = leader_id_;
    if (old->awaiting_join)
      fx.joins.push_back({old_id, join_error(old_id, group_errc::fenced_instance_id)});
    if (old->awaiting_sync)
      fx.syncs.push_back({old_id, {group_errc::fenced_instance_id, {}}});
    old->awaiting_join = old->awaiting_sync = false;
    old->member_id = new_id;
    if (leader_id_ == old_id)
      leader_id_ = new_id;
    update_member(*old, req, rebalance_timeout, now_ms);
    switch (state_) {
      case group_state::stable:
      case group_state::completing_rebalance: {
        // No rebalance: the member resumes the current generation. The leader reported is the
        // one before the replacement, so a replaced leader does not believe it must assign
        // again (its new assignment would not be distributed by a Stable group).
        join_response resp;
        resp.generation_id = generation_;
        resp.protocol_name = protocol_;
        resp.leader_id = current_leader;
        resp.member_id = new_id;
        r.response = std::move(resp);
        return r;
      }
      case group_state::preparing_rebalance:
        return park_and_rebalance(new_id, now_ms, std::move(r));
      case group_state::empty:
      case group_state::dead: break;
    }
    throw std::logic_error("group " + group_id_ + ": static member known in state " +
                           to_string(state_));
  }

  if (req.version >= 4 && !req.group_instance_id) {
    // KIP-394: hand out the id first and make the client come back with it, so a client that
    // times out and retries does not leave an orphan member behind in the rebalance.
    pending_members_[new_id] = now_ms + req.session_timeout_ms;
    r.response = join_error(new_id, group_errc::member_id_required);
    return r;
  }
  add_member(new_id, req, rebalance_timeout, now_ms);
  return park_and_rebalance(new_id, now_ms, std::move(r));
}

join_result group::join_known(const join_request& req, int32_t rebalance_timeout,
                              int64_t now_ms) {
  join_result r;
  const std::string& id = req.member_id;
  r.member_id = id;
  auto fail = [&](group_errc e) {
    r.response = join_error(id, e);
    return r;
  };
  if (is_static_member_fenced(id, req.group_instance_id))
    return fail(group_errc::fenced_instance_id);
  if (has_pending_member(id)) {
    add_member(id, req, rebalance_timeout, now_ms);
    return park_and_rebalance(id, now_ms, std::move(r));
  }
  group_member* m = find(id);
  if (!m || (req.group_instance_id && !find_static(req.group_instance_id)))
    return fail(group_errc::unknown_member_id);

  bool same_metadata = m->protocols == req.protocols;
  switch (state_) {
    case group_state::preparing_rebalance:
      update_member(*m, req, rebalance_timeout, now_ms);
      return park_and_rebalance(id, now_ms, std::move(r));
    case group_state::completing_rebalance:
      if (same_metadata) {
        // Most likely the member lost its JoinGroup response: hand it the same one again.
        m->last_heartbeat_ms = now_ms;
        r.response = current_join_response(*m);
        return r;
      }
      update_member(*m, req, rebalance_timeout, now_ms);
      return park_and_rebalance(id, now_ms, std::move(r));
    case group_state::stable:
      if (id == leader_id_ || !same_metadata) {
        // A changed subscription needs a new assignment; a join from the leader is how it asks
        // for a rebalance when something outside the metadata changed (e.g. partition counts).
        update_member(*m, req, rebalance_timeout, now_ms);
        return park_and_rebalance(id, now_ms, std::move(r));
      }
      m->last_heartbeat_ms = now_ms;
      r.response = current_join_response(*m); // a follower: no member list
      return r;
    case group_state::empty:
    case group_state::dead: break;
  }
  return fail(group_errc::unknown_member_id);
}

void group::add_member(const std::string& member_id, const join_request& req,
                       int32_t rebalance_timeout, int64_t now_ms) {
  if (members_.empty())
    protocol_type_ = req.protocol_type;
  group_member m;
  m.member_id = member_id;
  m.group_instance_id = req.group_instance_id;
  m.is_new = true;
  update_member(m, req, rebalance_timeout, now_ms);
  if (state_ == group_state::preparing_rebalance && initial_delay_active_)
    new_member_added_ = true;
  if (leader_id_.empty())
    leader_id_ = member_id;
  members_.push_back(std::move(m));
  pending_members_.erase(member_id);
}

void group::update_member(group_member& m, const join_request& req, int32_t rebalance_timeout,
                          int64_t now_ms) {
  m.client_id = req.client_id;
  m.client_host = req.client_host;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms = rebalance_timeout;
  m.protocol_type = req.protocol_type;
  m.protocols = req.protocols;
  m.last_heartbeat_ms = now_ms;
}

join_result group::park_and_rebalance(const std::string& member_id, int64_t now_ms,
                                      join_result r) {
  group_effects& fx = r.effects;
  group_member* m = find(member_id);
  if (m->awaiting_join) {
    // The client gave up on its previous JoinGroup and sent another; answer the old one so the
    // caller does not hold it forever.
    fx.joins.push_back({member_id, join_error(member_id, group_errc::rebalance_in_progress)});
  }
  m->awaiting_join = true;
  r.member_id = member_id;
  size_t mark = fx.joins.size();
  maybe_prepare_rebalance(now_ms, fx);
  try_complete_join(now_ms, fx);
  // If the rebalance completed within this call, this request's answer is among the new
  // deliveries: return it directly instead of asking the caller to park and unpark it.
  for (size_t i = mark; i < fx.joins.size(); ++i) {
    if (fx.joins[i].to == member_id) {
      r.response = std::move(fx.joins[i].response);
      fx.joins.erase(fx.joins.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
  return r;
}

} // namespace samsa::cluster
