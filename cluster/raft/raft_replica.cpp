#include "cluster/raft/raft_replica.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace samsa::raft {

namespace {

// Row = from, column = to, in enum order: follower, pre_candidate, candidate, leader, learner.
constexpr bool transition_table[5][5] = {
    /* follower      */ {true, true, false, false, false},
    /* pre_candidate */ {true, true, true, false, false},
    /* candidate     */ {true, true, false, true, false},
    /* leader        */ {true, false, false, false, false},
    /* learner       */ {false, false, false, false, true},
};

} // namespace

bool can_transition(role from, role to) noexcept {
  auto f = static_cast<size_t>(from), t = static_cast<size_t>(to);
  return f < 5 && t < 5 && transition_table[f][t];
}

void check_transition(role from, role to) {
  if (!can_transition(from, to))
    throw std::logic_error(std::string("illegal raft role transition ") + to_string(from) +
                           " -> " + to_string(to));
}

const char* to_string(role r) noexcept {
  switch (r) {
    case role::follower: return "follower";
    case role::pre_candidate: return "pre_candidate";
    case role::candidate: return "candidate";
    case role::leader: return "leader";
    case role::learner: return "learner";
  }
  return "unknown";
}

term_t term_of(const message& m) {
  return std::visit([](const auto& x) { return x.term; }, m);
}

const char* name_of(const message& m) {
  static constexpr const char* names[] = {"vote_request",   "vote_response",
                                          "append_request", "append_response",
                                          "snapshot_request", "snapshot_response"};
  return names[m.index()];
}

replica::replica(replica_config cfg, int64_t now_ms)
  : replica(std::move(cfg), durable_state{}, now_ms) {}

replica::replica(replica_config cfg, durable_state durable, int64_t now_ms)
  : cfg_(std::move(cfg)),
    rng_(cfg_.rng_seed),
    log_(durable.snap.meta, std::move(durable.entries)),
    snapshot_data_(std::move(durable.snap.data)),
    term_(durable.hard.term),
    voted_for_(durable.hard.voted_for),
    role_(is_voter() ? role::follower : role::learner),
    commit_(durable.snap.meta.index),
    applied_(durable.snap.meta.index) {
  if (cfg_.voters.count(cfg_.self) && cfg_.learners.count(cfg_.self))
    throw std::invalid_argument("raft: a node is either a voter or a learner");
  if (cfg_.election_timeout_ms <= 0 || cfg_.heartbeat_interval_ms <= 0)
    throw std::invalid_argument("raft: timeouts must be positive");
  reset_election_timer(now_ms);
}

std::optional<log_index_t> replica::match_index(node_id_t peer) const {
  auto it = peers_.find(peer);
  if (role_ != role::leader || it == peers_.end())
    return std::nullopt;
  return it->second.match;
}

// --- inputs -------------------------------------------------------------------------------

effects replica::step(node_id_t from, const message& msg, int64_t now_ms) {
  if (from == cfg_.self)
    return take();
  auto t = term_of(msg);
  if (t > term_) {
    const auto* vreq = std::get_if<vote_request>(&msg);
    const auto* vresp = std::get_if<vote_response>(&msg);
    if (vreq && vreq->pre_vote) {
      // A pre-vote never moves anyone's term: that is its whole point.
    } else if (vreq) {
      // Stickiness: while a leader is alive (as far as we know) a higher-term candidate is a
      // disruptive node rejoining; ignoring it entirely keeps our term too.
      if (!is_voter() || in_lease(now_ms))
        return take();
      become_follower(t, std::nullopt, now_ms);
    } else if (vresp && vresp->pre_vote && vresp->granted) {
      // Carries the term we would campaign in; counted by on_vote_response.
    } else {
      // Any other message of a newer term: that term exists, we are behind. The leader (if
      // the message comes from one) is recorded by on_append / on_snapshot.
      become_follower(t, std::nullopt, now_ms);
    }
  }
  switch (msg.index()) {
    case 0: on_vote_request(from, std::get<vote_request>(msg), now_ms); break;
    case 1: on_vote_response(from, std::get<vote_response>(msg), now_ms); break;
    case 2: on_append(from, std::get<append_request>(msg), now_ms); break;
    case 3: on_append_response(from, std::get<append_response>(msg), now_ms); break;
    case 4: on_snapshot(from, std::get<snapshot_request>(msg), now_ms); break;
    case 5: on_snapshot_response(from, std::get<snapshot_response>(msg), now_ms); break;
  }
  return take();
}

effects replica::tick(int64_t now_ms) {
  switch (role_) {
    case role::leader:
      if (now_ms >= next_heartbeat_ms_) {
        next_heartbeat_ms_ = now_ms + cfg_.heartbeat_interval_ms;
        broadcast_append(true);
      }
      check_quorum(now_ms);
      break;
    case role::follower:
    case role::pre_candidate:
    case role::candidate:
      if (now_ms >= election_deadline_ms_)
        become_pre_candidate(now_ms);
      break;
    case role::learner: break;
  }
  return take();
}

effects replica::peer_unreachable(node_id_t node, int64_t now_ms) {
  if ((role_ != role::follower && role_ != role::learner) || leader_ != node)
    return take();
  transition_to(role_, std::nullopt);
  last_leader_contact_ms_.reset();
  if (role_ == role::follower) {
    auto jitter = std::max<int64_t>(cfg_.election_timeout_ms / 5, 1);
    election_deadline_ms_ = std::min(election_deadline_ms_,
                                     now_ms + static_cast<int64_t>(rng_() % static_cast<uint64_t>(jitter)));
  }
  return take();
}

// --- roles and terms ----------------------------------------------------------------------

void replica::transition_to(role to, std::optional<node_id_t> leader) {
  check_transition(role_, to);
  role_ = to;
  leader_ = leader;
  votes_.clear();
  if (to != role::leader)
    peers_.clear();
}

void replica::set_hard_state(term_t term, std::optional<node_id_t> voted_for) {
  if (term < term_)
    throw std::logic_error("raft: term must never decrease");
  term_ = term;
  voted_for_ = voted_for;
  fx_.hard = hard_state{term_, voted_for_};
}

void replica::become_follower(term_t term, std::optional<node_id_t> leader, int64_t now_ms) {
  if (term > term_)
    set_hard_state(term, std::nullopt);
  transition_to(is_voter() ? role::follower : role::learner, leader);
  if (leader)
    last_leader_contact_ms_ = now_ms;
  reset_election_timer(now_ms);
}

void replica::become_pre_candidate(int64_t now_ms) {
  transition_to(role::pre_candidate, std::nullopt);
  reset_election_timer(now_ms);
  vote_request req{next(term_), log_.last_index(), log_.last_term(), true};
  for (auto v : cfg_.voters)
    if (v != cfg_.self)
      send(v, req);
  count_vote(cfg_.self, true, now_ms);
}

void replica::become_candidate(int64_t now_ms) {
  transition_to(role::candidate, std::nullopt);
  set_hard_state(next(term_), cfg_.self);
  reset_election_timer(now_ms);
  vote_request req{term_, log_.last_index(), log_.last_term(), false};
  for (auto v : cfg_.voters)
    if (v != cfg_.self)
      send(v, req);
  count_vote(cfg_.self, true, now_ms);
}

void replica::become_leader(int64_t now_ms) {
  transition_to(role::leader, cfg_.self);
  auto add_peer = [&](node_id_t id) {
    if (id != cfg_.self)
      peers_[id] = peer_progress{log_.last_index() + 1, log_index_t{0}, now_ms, true};
  };
  for (auto v : cfg_.voters)
    add_peer(v);
  for (auto l : cfg_.learners)
    add_peer(l);
  // Entries of earlier terms cannot be committed by counting (§5.4.2); this one can, and
  // commits everything before it.
  append_local(entry_kind::noop, {});
  next_heartbeat_ms_ = now_ms + cfg_.heartbeat_interval_ms;
  broadcast_append(true);
}

void replica::reset_election_timer(int64_t now_ms) {
  auto base = cfg_.election_timeout_ms;
  election_deadline_ms_ = now_ms + base + static_cast<int64_t>(rng_() % static_cast<uint64_t>(base));
}

bool replica::in_lease(int64_t now_ms) const {
  if (role_ == role::leader)
    return true;
  return leader_ && last_leader_contact_ms_ &&
         now_ms - *last_leader_contact_ms_ < cfg_.election_timeout_ms;
}

// Check quorum (§9.6): a leader cut off from most voters steps down instead of accepting
// proposals it can never commit, and (with stickiness) lets the majority elect a new leader.
void replica::check_quorum(int64_t now_ms) {
  size_t heard = 1; // self
  for (const auto& [id, p] : peers_)
    if (cfg_.voters.count(id) && now_ms - p.last_heard_ms < cfg_.check_quorum_timeout_ms)
      ++heard;
  if (!has_quorum(heard))
    become_follower(term_, std::nullopt, now_ms);
}

// --- elections ----------------------------------------------------------------------------

void replica::on_vote_request(node_id_t from, const vote_request& req, int64_t now_ms) {
  if (!is_voter() || !cfg_.voters.count(from))
    return; // learners never vote; non-voters never get a vote
  if (req.pre_vote) {
    bool grant = req.term > term_ && !in_lease(now_ms) &&
                 log_.is_up_to_date(req.last_log_index, req.last_log_term);
    send(from, vote_response{grant ? req.term : term_, grant, true});
    return;
  }
  if (req.term < term_) {
    send(from, vote_response{term_, false, false});
    return;
  }
  // req.term == term_ here (step() moved us to a higher one).
  bool grant = (!voted_for_ || *voted_for_ == from) && !leader_ &&
               log_.is_up_to_date(req.last_log_index, req.last_log_term);
  if (grant) {
    set_hard_state(term_, from);
    reset_election_timer(now_ms);
  }
  send(from, vote_response{term_, grant, false});
}

void replica::on_vote_response(node_id_t from, const vote_response& resp, int64_t now_ms) {
  if (resp.pre_vote) {
    if (role_ == role::pre_candidate && resp.term == next(term_))
      count_vote(from, resp.granted, now_ms);
    return;
  }
  if (role_ == role::candidate && resp.term == term_)
    count_vote(from, resp.granted, now_ms);
}

void replica::count_vote(node_id_t from, bool granted, int64_t now_ms) {
  if (!cfg_.voters.count(from))
    return;
  votes_[from] = granted;
  size_t yes = 0, no = 0;
  for (const auto& [id, g] : votes_)
    (g ? yes : no)++;
  if (has_quorum(yes)) {
    if (role_ == role::pre_candidate)
      become_candidate(now_ms);
    else if (role_ == role::candidate)
      become_leader(now_ms);
  } else if (has_quorum(no)) {
    become_follower(term_, std::nullopt, now_ms); // lost; wait for a leader or a timeout
  }
}

void replica::send(node_id_t to, message msg) {
  fx_.messages.push_back(outbound_message{to, std::move(msg)});
}

effects replica::take() {
  // Report the role whenever (role, term, leader) differs from what was last reported.
  if (!fx_.role_changed) {
    role_change now{role_, term_, leader_};
    if (!reported_ || reported_->now != now.now || reported_->term != now.term ||
        reported_->leader != now.leader) {
      fx_.role_changed = now;
      reported_ = now;
    }
  }
  effects out = std::move(fx_);
  fx_ = effects{};
  return out;
}

} // namespace samsa::raft
