// Log replication, commit, snapshots and proposals of class replica (see raft_replica.hpp).

#include <algorithm>
#include <stdexcept>

#include "cluster/raft/raft_replica.hpp"

namespace samsa::raft {

propose_result replica::propose(bytes data, int64_t now_ms) {
  if (role_ != role::leader)
    return propose_result{std::nullopt, leader_, take()};
  append_local(entry_kind::data, std::move(data));
  auto index = log_.last_index();
  broadcast_append(false);
  return propose_result{index, cfg_.self, take()};
}

bool replica::snapshot_taken(log_index_t index, bytes data) {
  if (index <= log_.snapshot().index || index > applied_)
    return false;
  log_.compact(snapshot_meta{index, *log_.term_at(index)});
  snapshot_data_ = std::move(data);
  return true;
}

effects replica::add_learner(node_id_t node, int64_t now_ms) {
  if (node == cfg_.self || cfg_.voters.count(node) || !cfg_.learners.insert(node).second)
    return take();
  if (role_ == role::leader) {
    peers_[node] = peer_progress{log_.last_index() + 1, log_index_t{0}, now_ms, true};
    send_append(node);
  }
  return take();
}

effects replica::remove_learner(node_id_t node) {
  if (cfg_.learners.erase(node) != 0)
    peers_.erase(node);
  return take();
}

void replica::append_local(entry_kind kind, bytes data) {
  log_entry e{term_, log_.last_index() + 1, kind, std::move(data)};
  log_.append(e);
  fx_.append.push_back(std::move(e));
  maybe_advance_commit(); // a single voter commits on its own
}

// --- leader side --------------------------------------------------------------------------

void replica::send_append(node_id_t to) {
  auto& p = peers_.at(to);
  if (p.next < log_.first_index()) {
    // What the peer needs next was compacted away: it gets the snapshot instead.
    send(to, snapshot_request{term_, snapshot{log_.snapshot(), snapshot_data_}});
    return;
  }
  auto prev = p.next - 1;
  append_request req{term_, prev, *log_.term_at(prev), {}, commit_};
  if (p.next <= log_.last_index())
    req.entries = log_.slice(p.next, log_.last_index(), cfg_.max_append_bytes);
  if (!p.probing && !req.entries.empty())
    p.next = req.entries.back().index + 1; // pipelining: assume it arrives
  send(to, std::move(req));
}

// heartbeat: every peer gets a message, and what was sent but not acknowledged is sent again
// (lost messages are only ever recovered here). Otherwise: only peers in the pipelining
// state get the new entries; probing peers wait for their answer or the next heartbeat.
void replica::broadcast_append(bool heartbeat) {
  for (auto& [id, p] : peers_) {
    if (heartbeat && !p.probing)
      p.next = p.match + 1;
    if (heartbeat || !p.probing)
      send_append(id);
  }
}

replica::peer_progress* replica::responding_peer(node_id_t from, term_t term, int64_t now_ms) {
  if (role_ != role::leader || term != term_)
    return nullptr;
  auto it = peers_.find(from);
  if (it == peers_.end())
    return nullptr;
  it->second.last_heard_ms = now_ms; // alive, as far as check quorum is concerned
  return &it->second;
}

void replica::peer_matched(node_id_t from, peer_progress& p, log_index_t index) {
  p.match = std::max(p.match, index); // a reordered older answer never moves it back
  p.next = std::max(p.next, p.match + 1);
  p.probing = false;
  maybe_advance_commit();
  if (p.next <= log_.last_index())
    send_append(from); // keep a catching-up peer streaming
}

void replica::on_append_response(node_id_t from, const append_response& resp, int64_t now_ms) {
  auto* p = responding_peer(from, resp.term, now_ms);
  if (!p)
    return;
  if (resp.success) {
    peer_matched(from, *p, resp.index);
    return;
  }
  if (resp.index < p->match)
    return; // a stale rejection: we already know the peer matches further than that
  if (resp.index == p->match && resp.hint <= p->match) {
    // The peer no longer holds an entry it acknowledged in this term: it lost its log (its data
    // directory was wiped and it came back empty), outside Raft's fault model but an operator's
    // way to rebuild a node. Start over from what it has; below first_index() that is the snapshot.
    p->match = resp.hint - 1;
  }
  p->next = std::max(p->match + 1, std::min(p->next, resp.hint));
  p->probing = true;
  send_append(from);
}

void replica::on_snapshot_response(node_id_t from, const snapshot_response& resp,
                                   int64_t now_ms) {
  if (auto* p = responding_peer(from, resp.term, now_ms))
    peer_matched(from, *p, resp.index);
}

// The highest index stored on a majority of voters, committed only if it is of this term:
// an older-term entry counted onto a majority can still be overwritten (Figure 3.7).
void replica::maybe_advance_commit() {
  if (role_ != role::leader)
    return;
  std::vector<log_index_t> matches;
  matches.reserve(cfg_.voters.size());
  for (auto v : cfg_.voters) {
    if (v == cfg_.self)
      matches.push_back(log_.last_index());
    else if (auto it = peers_.find(v); it != peers_.end())
      matches.push_back(it->second.match);
    else
      matches.push_back(log_index_t{0});
  }
  std::sort(matches.begin(), matches.end(), std::greater<>());
  auto candidate = matches[cfg_.voters.size() / 2];
  if (candidate > commit_ && log_.term_at(candidate) == term_)
    commit_to(candidate);
}

void replica::commit_to(log_index_t index) {
  if (index <= commit_)
    return;
  if (index > log_.last_index())
    throw std::logic_error("raft: commit beyond the log");
  commit_ = index;
  for (auto i = applied_ + 1; i <= commit_; i = i + 1)
    fx_.committed.push_back(log_.at(i));
  applied_ = commit_;
}

// --- follower side ------------------------------------------------------------------------

void replica::accept_leader(node_id_t from, term_t term, int64_t now_ms) {
  if (role_ == role::leader)
    throw std::logic_error("raft: two leaders in one term");
  if (role_ == role::pre_candidate || role_ == role::candidate)
    transition_to(role::follower, from);
  else if (leader_ != from)
    transition_to(role_, from);
  last_leader_contact_ms_ = now_ms;
  reset_election_timer(now_ms);
}

void replica::on_append(node_id_t from, const append_request& req, int64_t now_ms) {
  if (req.term < term_) {
    // Tell the stale leader our term so it steps down (it may be cut off from everyone else).
    send(from, append_response{term_, false, log_index_t{0}, log_index_t{0}});
    return;
  }
  accept_leader(from, req.term, now_ms);
  if (req.prev_log_index < commit_) {
    // Everything up to our commit index is committed, hence in the leader's log too; skip the
    // overlap by telling the leader where we are.
    send(from, append_response{term_, true, commit_, log_index_t{0}});
    return;
  }
  if (!log_.matches(req.prev_log_index, req.prev_log_term)) {
    auto hint = req.prev_log_index > log_.last_index()
                    ? log_.last_index() + 1
                    : log_.first_index_of_term(req.prev_log_index, commit_ + 1);
    send(from, append_response{term_, false, req.prev_log_index, hint});
    return;
  }
  for (const auto& e : req.entries) {
    if (e.index <= log_.last_index()) {
      if (log_.term_at(e.index) == e.term)
        continue; // already have it (a duplicate or an older copy of this request)
      if (e.index <= commit_)
        throw std::logic_error("raft: leader conflicts with a committed entry");
      log_.truncate_from(e.index);
      fx_.truncate_from = fx_.truncate_from ? std::min(*fx_.truncate_from, e.index) : e.index;
    }
    log_.append(e);
    fx_.append.push_back(e);
  }
  // Only what this request verified may be committed: a longer stale suffix may differ.
  auto last_new = req.prev_log_index + static_cast<int64_t>(req.entries.size());
  commit_to(std::min(req.leader_commit, last_new));
  send(from, append_response{term_, true, last_new, log_index_t{0}});
}

void replica::on_snapshot(node_id_t from, const snapshot_request& req, int64_t now_ms) {
  if (req.term < term_) {
    send(from, snapshot_response{term_, log_index_t{0}});
    return;
  }
  accept_leader(from, req.term, now_ms);
  auto meta = req.snap.meta;
  if (meta.index > commit_) {
    if (log_.matches(meta.index, meta.term)) {
      commit_to(meta.index); // we have those entries: apply them, keep what follows
    } else {
      // Our log cannot be reconciled entry by entry: replace it with the snapshot.
      log_.compact(meta);
      snapshot_data_ = req.snap.data;
      commit_ = applied_ = meta.index;
      fx_.install = req.snap;
      fx_.truncate_from = meta.index + 1;
    }
  }
  send(from, snapshot_response{term_, commit_});
}

} // namespace samsa::raft
