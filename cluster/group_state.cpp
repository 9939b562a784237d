#include "cluster/group_state.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace samsa::cluster {

namespace {

// Row = from, column = to, in enum order: empty, preparing, completing, stable, dead.
constexpr bool transition_table[5][5] = {
    /* empty       */ {false, true, false, false, true},
    /* preparing   */ {true, false, true, false, true},
    /* completing  */ {false, true, false, true, true},
    /* stable      */ {false, true, false, false, true},
    /* dead        */ {false, false, false, false, false},
};

// splitmix64: spreads seed+counter over 64 bits so generated ids look unrelated to each other.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

const std::string empty_string;

} // namespace

bool can_transition(group_state from, group_state to) noexcept {
  auto f = static_cast<size_t>(from), t = static_cast<size_t>(to);
  return f < 5 && t < 5 && transition_table[f][t];
}

void check_transition(group_state from, group_state to) {
  if (!can_transition(from, to))
    throw std::logic_error(std::string("illegal group state transition ") + to_string(from) +
                           " -> " + to_string(to));
}

const char* to_string(group_state s) noexcept {
  switch (s) {
    case group_state::empty: return "Empty";
    case group_state::preparing_rebalance: return "PreparingRebalance";
    case group_state::completing_rebalance: return "CompletingRebalance";
    case group_state::stable: return "Stable";
    case group_state::dead: return "Dead";
  }
  return "Unknown";
}

const std::string& group_member::metadata(const std::string& protocol) const {
  for (const auto& p : protocols)
    if (p.name == protocol)
      return p.metadata;
  return empty_string;
}

group::group(std::string group_id, group_config cfg)
  : group_id_(std::move(group_id)), cfg_(cfg) {}

group group::restore(std::string group_id, const group_snapshot& snap, group_config cfg,
                     int64_t now_ms) {
  group g(std::move(group_id), cfg);
  g.generation_ = snap.generation_id;
  g.protocol_type_ = snap.protocol_type;
  for (const auto& sm : snap.members) {
    group_member m;
    m.member_id = sm.member_id;
    m.group_instance_id = sm.group_instance_id;
    m.client_id = sm.client_id;
    m.client_host = sm.client_host;
    m.session_timeout_ms = sm.session_timeout_ms;
    m.rebalance_timeout_ms = sm.rebalance_timeout_ms;
    m.protocol_type = snap.protocol_type;
    m.protocols = {group_protocol{snap.protocol, sm.metadata}};
    m.assignment = sm.assignment;
    m.last_heartbeat_ms = now_ms;
    g.members_.push_back(std::move(m));
  }
  if (!g.members_.empty()) {
    // The initial state of a loaded group, not a transition: Kafka only persists Stable
    // generations (and Empty ones), so a group with members comes back Stable.
    g.state_ = group_state::stable;
    g.protocol_ = snap.protocol;
    g.leader_id_ = g.find(snap.leader_id) ? snap.leader_id : g.members_.front().member_id;
  }
  return g;
}

// --- state and membership ---

void group::transition_to(group_state to) {
  check_transition(state_, to);
  state_ = to;
}

const group_member* group::find_member(const std::string& member_id) const {
  for (const auto& m : members_)
    if (m.member_id == member_id)
      return &m;
  return nullptr;
}

group_member* group::find(const std::string& member_id) {
  return const_cast<group_member*>(find_member(member_id));
}

group_member* group::find_static(const std::optional<std::string>& instance_id) {
  if (!instance_id)
    return nullptr;
  for (auto& m : members_)
    if (m.group_instance_id == instance_id)
      return &m;
  return nullptr;
}

bool group::has_pending_member(const std::string& member_id) const {
  return pending_members_.count(member_id) != 0;
}

bool group::is_static_member_fenced(const std::string& member_id,
                                    const std::optional<std::string>& instance_id) const {
  if (!instance_id)
    return false;
  for (const auto& m : members_)
    if (m.group_instance_id == instance_id)
      return m.member_id != member_id;
  return false;
}

bool group::supports_protocols(const std::string& type,
                               const std::vector<group_protocol>& ps) const {
  if (members_.empty())
    return !type.empty() && !ps.empty();
  if (type != protocol_type_)
    return false;
  // At least one of the joiner's protocols must be supported by every current member.
  for (const auto& p : ps) {
    bool everyone = std::all_of(members_.begin(), members_.end(), [&](const group_member& m) {
      return std::any_of(m.protocols.begin(), m.protocols.end(),
                         [&](const group_protocol& q) { return q.name == p.name; });
    });
    if (everyone)
      return true;
  }
  return false;
}

std::string group::select_protocol() const {
  // Candidates: protocols every member supports, in the first member's preference order (that
  // order breaks ties, so the choice is deterministic where Kafka's HashMap is not).
  std::vector<std::string> candidates;
  for (const auto& p : members_.front().protocols) {
    bool everyone = std::all_of(members_.begin(), members_.end(), [&](const group_member& m) {
      return std::any_of(m.protocols.begin(), m.protocols.end(),
                         [&](const group_protocol& q) { return q.name == p.name; });
    });
    if (everyone)
      candidates.push_back(p.name);
  }
  if (candidates.empty())
    throw std::logic_error("group " + group_id_ + ": no protocol common to all members");
  // Each member votes for its most preferred candidate; the most votes win.
  std::map<std::string, int> votes;
  for (const auto& m : members_) {
    for (const auto& p : m.protocols) {
      if (std::find(candidates.begin(), candidates.end(), p.name) != candidates.end()) {
        ++votes[p.name];
        break;
      }
    }
  }
  std::string best = candidates.front();
  for (const auto& c : candidates)
    if (votes[c] > votes[best])
      best = c;
  return best;
}

int32_t group::rebalance_timeout_ms() const {
  int32_t t = 0;
  for (const auto& m : members_)
    t = std::max(t, m.rebalance_timeout_ms);
  return t;
}

bool group::all_members_joined() const {
  // Pending ids count as "not yet joined": a MEMBER_ID_REQUIRED member is expected back soon.
  return pending_members_.empty() &&
         std::all_of(members_.begin(), members_.end(),
                     [](const group_member& m) { return m.awaiting_join; });
}

std::string group::generate_member_id(const std::string& client_id,
                                      const std::optional<std::string>& instance_id) {
  // Kafka: "<client id or instance id>-<uuid>". Ours is deterministic given the seed.
  const std::string& prefix = instance_id ? *instance_id : client_id;
  for (;;) {
    char suffix[40];
    uint64_t a = mix(cfg_.member_id_seed ^ mix(++member_id_counter_));
    uint64_t b = mix(a);
    std::snprintf(suffix, sizeof(suffix), "%08llx-%04llx-%04llx-%016llx",
                  static_cast<unsigned long long>(a >> 32),
                  static_cast<unsigned long long>((a >> 16) & 0xffff),
                  static_cast<unsigned long long>(a & 0xffff), static_cast<unsigned long long>(b));
    std::string id = prefix + "-" + suffix;
    if (!find_member(id) && !has_pending_member(id))
      return id;
  }
}

join_response group::current_join_response(const group_member& m) const {
  join_response r;
  r.generation_id = generation_;
  r.protocol_name = protocol_;
  r.leader_id = leader_id_;
  r.member_id = m.member_id;
  if (m.member_id == leader_id_) {
    for (const auto& o : members_)
      r.members.push_back({o.member_id, o.group_instance_id, o.metadata(protocol_)});
  }
  return r;
}

join_response group::join_error(std::string member_id, group_errc e) {
  join_response r;
  r.error = e;
  r.member_id = std::move(member_id);
  return r;
}

// --- rebalance machinery ---

void group::maybe_prepare_rebalance(int64_t now_ms, group_effects& fx) {
  if (can_transition(state_, group_state::preparing_rebalance))
    prepare_rebalance(now_ms, fx);
}

void group::prepare_rebalance(int64_t now_ms, group_effects& fx) {
  // Members waiting for an assignment of the generation being abandoned must rejoin.
  if (state_ == group_state::completing_rebalance)
    reset_and_propagate_sync_error(group_errc::rebalance_in_progress, now_ms, fx);
  bool from_empty = state_ == group_state::empty;
  transition_to(group_state::preparing_rebalance);
  int32_t delay = cfg_.initial_rebalance_delay_ms;
  if (from_empty && delay > 0) {
    initial_delay_active_ = true;
    new_member_added_ = false;
    join_deadline_ms_ = now_ms + delay;
    initial_delay_remaining_ms_ = std::max<int64_t>(rebalance_timeout_ms() - delay, 0);
  } else {
    initial_delay_active_ = false;
    join_deadline_ms_ = now_ms + rebalance_timeout_ms();
  }
  try_complete_join(now_ms, fx);
}

group_effects group::maybe_complete_join(int64_t now_ms) {
  group_effects fx;
  try_complete_join(now_ms, fx);
  return fx;
}

void group::try_complete_join(int64_t now_ms, group_effects& fx) {
  if (state_ != group_state::preparing_rebalance)
    return;
  if (initial_delay_active_) {
    // The initial delay never completes early, even if everyone is in: more may be coming.
    if (now_ms < join_deadline_ms_)
      return;
    if (new_member_added_ && initial_delay_remaining_ms_ > 0) {
      int64_t step = std::min<int64_t>(cfg_.initial_rebalance_delay_ms, initial_delay_remaining_ms_);
      new_member_added_ = false;
      initial_delay_remaining_ms_ -= step;
      join_deadline_ms_ = now_ms + step;
      return;
    }
    complete_join(now_ms, fx);
    return;
  }
  if (all_members_joined() || now_ms >= join_deadline_ms_)
    complete_join(now_ms, fx);
}

bool group::elect_joined_leader() {
  const group_member* leader = find_member(leader_id_);
  if (leader && leader->awaiting_join)
    return true;
  for (const auto& m : members_) {
    if (m.awaiting_join) {
      leader_id_ = m.member_id;
      return true;
    }
  }
  return false;
}

void group::complete_join(int64_t now_ms, group_effects& fx) {
  initial_delay_active_ = false;
  // Dynamic members that did not rejoin in time are out. Static members stay (their session
  // timeout decides): a restarting static member must not cost the group a rebalance.
  std::vector<std::string> dropped;
  for (const auto& m : members_)
    if (!m.awaiting_join && !m.group_instance_id)
      dropped.push_back(m.member_id);
  for (const auto& id : dropped) {
    if (group_member* m = find(id); m && m->awaiting_sync)
      fx.syncs.push_back({id, {group_errc::unknown_member_id, {}}});
    erase_member(id);
  }
  if (!members_.empty() && !elect_joined_leader()) {
    // Only static members that have not rejoined remain: wait another round for them to
    // rejoin or for their sessions to expire (at least 1 ms on, so the deadline moves).
    join_deadline_ms_ = now_ms + std::max(rebalance_timeout_ms(), 1);
    return;
  }
  ++generation_;
  if (members_.empty()) {
    protocol_.clear();
    leader_id_.clear();
    transition_to(group_state::empty);
    fx.store_group = true;
    return;
  }
  protocol_ = select_protocol();
  transition_to(group_state::completing_rebalance);
  for (auto& m : members_) {
    if (m.awaiting_join) {
      fx.joins.push_back({m.member_id, current_join_response(m)});
      m.awaiting_join = false;
    }
    m.is_new = false;
    m.last_heartbeat_ms = now_ms; // the session clock restarts with the new generation
  }
}

void group::reset_and_propagate_sync_error(group_errc e, int64_t now_ms, group_effects& fx) {
  for (auto& m : members_) {
    m.assignment.clear();
    if (m.awaiting_sync) {
      fx.syncs.push_back({m.member_id, {e, {}}});
      m.awaiting_sync = false;
      m.last_heartbeat_ms = now_ms;
    }
  }
}

void group::erase_member(const std::string& member_id) {
  auto it = std::find_if(members_.begin(), members_.end(),
                         [&](const group_member& m) { return m.member_id == member_id; });
  if (it == members_.end())
    return;
  members_.erase(it);
  if (leader_id_ == member_id)
    leader_id_ = members_.empty() ? std::string() : members_.front().member_id;
}

void group::remove_member_and_update(const std::string& member_id, int64_t now_ms,
                                     group_effects& fx) {
  group_member* m = find(member_id);
  if (!m)
    return;
  // A parked request of a removed member would otherwise hang until the client times out.
  if (m->awaiting_join)
    fx.joins.push_back({member_id, join_error({}, group_errc::unknown_member_id)});
  if (m->awaiting_sync)
    fx.syncs.push_back({member_id, {group_errc::unknown_member_id, {}}});
  erase_member(member_id);
  switch (state_) {
    case group_state::stable:
    case group_state::completing_rebalance: maybe_prepare_rebalance(now_ms, fx); break;
    case group_state::preparing_rebalance: try_complete_join(now_ms, fx); break;
    case group_state::empty:
    case group_state::dead: break;
  }
}

bool group::session_expired(const group_member& m, int64_t now_ms) const {
  // A member with a parked request cannot heartbeat (older clients block on it), so it is
  // kept alive; only a brand-new joiner is bounded, in case its client is gone for good.
  if (m.awaiting_join)
    return m.is_new && now_ms >= m.last_heartbeat_ms + cfg_.new_member_join_timeout_ms;
  if (m.awaiting_sync)
    return false;
  return now_ms >= m.last_heartbeat_ms + m.session_timeout_ms;
}

group_effects group::tick(int64_t now_ms) {
  group_effects fx;
  if (state_ == group_state::dead)
    return fx;
  for (auto it = pending_members_.begin(); it != pending_members_.end();)
    it = it->second <= now_ms ? pending_members_.erase(it) : std::next(it);
  std::vector<std::string> expired;
  for (const auto& m : members_)
    if (session_expired(m, now_ms))
      expired.push_back(m.member_id);
  for (const auto& id : expired)
    remove_member_and_update(id, now_ms, fx);
  try_complete_join(now_ms, fx);
  return fx;
}

std::optional<int64_t> group::next_deadline() const {
  std::optional<int64_t> best;
  auto consider = [&](int64_t t) { best = best ? std::min(*best, t) : t; };
  if (state_ == group_state::dead)
    return best;
  if (state_ == group_state::preparing_rebalance)
    consider(join_deadline_ms_);
  for (const auto& [id, deadline] : pending_members_)
    consider(deadline);
  for (const auto& m : members_) {
    if (m.awaiting_join) {
      if (m.is_new)
        consider(m.last_heartbeat_ms + cfg_.new_member_join_timeout_ms);
    } else if (!m.awaiting_sync) {
      consider(m.last_heartbeat_ms + m.session_timeout_ms);
    }
  }
  return best;
}

group_errc group::try_delete() {
  switch (state_) {
    case group_state::dead: return group_errc::group_id_not_found;
    case group_state::empty: transition_to(group_state::dead); return group_errc::none;
    default: return group_errc::non_empty_group;
  }
}

group_effects group::unload(group_errc error) {
  group_effects fx;
  if (state_ == group_state::dead)
    return fx;
  for (auto& m : members_) {
    if (m.awaiting_join)
      fx.joins.push_back({m.member_id, join_error(m.member_id, error)});
    if (m.awaiting_sync)
      fx.syncs.push_back({m.member_id, {error, {}}});
    m.awaiting_join = m.awaiting_sync = false;
  }
  transition_to(group_state::dead);
  return fx;
}

group_description group::describe() const {
  group_description d;
  d.state = to_string(state_);
  d.protocol_type = protocol_type_;
  bool stable = state_ == group_state::stable;
  if (stable)
    d.protocol = protocol_;
  d.generation_id = generation_;
  for (const auto& m : members_) {
    group_member_description md{m.member_id, m.group_instance_id, m.client_id, m.client_host,
                                {}, {}, m.session_timeout_ms};
    if (stable) {
      md.metadata = m.metadata(protocol_);
      md.assignment = m.assignment;
    }
    d.members.push_back(std::move(md));
  }
  return d;
}

group_snapshot group::snapshot() const {
  group_snapshot s;
  s.generation_id = generation_;
  s.protocol_type = protocol_type_;
  s.protocol = protocol_;
  s.leader_id = leader_id_;
  for (const auto& m : members_)
    s.members.push_back({m.member_id, m.group_instance_id, m.client_id, m.client_host,
                         m.session_timeout_ms, m.rebalance_timeout_ms, m.metadata(protocol_),
                         m.assignment});
  return s;
}

} // namespace samsa::cluster
