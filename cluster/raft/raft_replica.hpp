#pragma once
// One member of a Raft quorum (Ongaro's dissertation §3, §5 snapshots, §9.6 pre-vote and check
// quorum) as a pure state machine: inputs are calls with the current time, outputs are effects
// values (raft_types.hpp says in which order the caller handles them). No threads, no clock, no
// I/O: the same inputs give the same outputs, which is what the simulation test relies on.
//
// Implementation is split: raft_replica.cpp (roles, terms, elections, timers),
// raft_replication.cpp (log replication, commit, snapshots, proposals).

#include <cstdint>
#include <map>
#include <optional>
#include <random>

#include "cluster/raft/raft_log.hpp"
#include "messages/raft_types.hpp"

namespace samsa::raft {

// Transitions (anything else is a logic bug; check_transition throws):
//   follower      -> follower (new term or leader) | pre_candidate
//   pre_candidate -> pre_candidate (new round) | candidate | follower
//   candidate     -> leader | follower | pre_candidate (timed out: ask again before
//                    raising the term once more)
//   leader        -> follower
//   learner       -> learner (new term or leader)
bool can_transition(role from, role to) noexcept;
void check_transition(role from, role to);

// Owns: the replica's term and vote, its in-memory log and latest snapshot image, its role and
//   known leader, the commit and applied indexes, election and heartbeat timers, and (as
//   leader) each peer's replication progress.
// Called by: one controller shell (single-threaded): step() for every message received,
//   tick() periodically (every few ms; it is cheap when nothing is due), propose() for new
//   entries, snapshot_taken() after the state machine wrote a snapshot.
// Invariants:
//   - term_ never decreases; voted_for_ is reset exactly when term_ increases; at most one
//     vote per term, and every change of (term_, voted_for_) appears in effects::hard.
//   - applied_ <= commit_ <= log_.last_index(); commit_ never decreases; log entries at or
//     below commit_ are never truncated.
//   - a leader's log only grows; it counts only voters' match indexes, commits an index only
//     if that entry has the leader's term, and appends a noop on election so it can.
//   - learners (and any node not in cfg.voters) never campaign and never answer vote requests.
//   - cfg_.voters never changes; cfg_.learners grows by add_learner and shrinks by remove_learner, never
//     holds a voter or self;
//     a leader has a peer_progress for every voter and learner but itself.
//   - a node that heard from a leader within election_timeout_ms (or is leader) ignores vote
//     and pre-vote requests ("leader stickiness"), so a flapping node cannot depose a healthy
//     leader; pre-votes never change anyone's term.
class replica {
public:
  // A fresh node (empty log, term 0).
  replica(replica_config cfg, int64_t now_ms);
  // A restarted node: only `durable` survived. The caller restores its state machine from
  // durable.snap; commit and applied start at the snapshot's index.
  replica(replica_config cfg, durable_state durable, int64_t now_ms);

  effects step(node_id_t from, const message& msg, int64_t now_ms);
  effects tick(int64_t now_ms);
  propose_result propose(bytes data, int64_t now_ms);

  // The caller's transport lost its connection to `node` (a crashed process, a reset connection). If that
  // is this follower's leader, the follower stops trusting it at once: no stickiness for it any more, and
  // it campaigns (pre-vote first) after a short jitter, up to a fifth of the election timeout, instead of a
  // whole timeout. Only liveness changes: a healthy leader still reachable by the other followers keeps
  // their stickiness, so their pre-votes refuse this one.
  effects peer_unreachable(node_id_t node, int64_t now_ms);

  // A node outside cfg.voters announced itself (the shell's hello): it becomes a learner (KRaft's observer).
  // Any replica records it, so a later leader replicates to it too; a leader starts at once (probing from
  // its log end, the snapshot if the learner is behind the compacted log). A learner is never counted for
  // commit, check quorum or votes. Changes nothing for self, a voter, or a learner already known (see
  // is_learner). Volatile: a restarted replica learns its learners again from their next hello.
  effects add_learner(node_id_t node, int64_t now_ms);
  bool is_learner(node_id_t node) const { return cfg_.learners.count(node) != 0; }
  // A learner that went away (the shell saw its process or connection die): forgotten, so a dead broker-only
  // node is not replicated to or listed forever. Its next hello adds it again (add_learner), from scratch:
  // a leader probes where its log ends. Changes nothing for a voter, self or an unknown node.
  effects remove_learner(node_id_t node);

  // The caller's state machine wrote a snapshot of everything up to `index` (<= applied()).
  // Entries up to it are dropped from memory; the caller may drop them from disk once the
  // snapshot is durable. Returns false (and changes nothing) for a stale or future index.
  bool snapshot_taken(log_index_t index, bytes data);

  role current_role() const { return role_; }
  term_t term() const { return term_; }
  std::optional<node_id_t> voted_for() const { return voted_for_; }
  std::optional<node_id_t> leader() const { return leader_; }
  log_index_t commit_index() const { return commit_; }
  log_index_t applied_index() const { return applied_; }
  const raft_log& log() const { return log_; }
  const replica_config& config() const { return cfg_; }
  bool is_voter() const { return cfg_.voters.count(cfg_.self) != 0; }

  // Leader only: what it knows of a peer (for tests and metrics). nullopt otherwise.
  std::optional<log_index_t> match_index(node_id_t peer) const;

private:
  struct peer_progress {
    log_index_t next;  // next index to send
    log_index_t match; // highest index known identical on the peer
    int64_t last_heard_ms = 0;
    bool probing = true; // next not confirmed: send one batch per heartbeat, no pipelining
  };

  // --- roles, terms, elections (raft_replica.cpp) ---
  void transition_to(role to, std::optional<node_id_t> leader);
  void become_follower(term_t term, std::optional<node_id_t> leader, int64_t now_ms);
  void become_pre_candidate(int64_t now_ms);
  void become_candidate(int64_t now_ms);
  void become_leader(int64_t now_ms);
  void set_hard_state(term_t term, std::optional<node_id_t> voted_for);
  void reset_election_timer(int64_t now_ms);
  bool in_lease(int64_t now_ms) const;
  bool has_quorum(size_t count) const { return count * 2 > cfg_.voters.size(); }
  void count_vote(node_id_t from, bool granted, int64_t now_ms);
  void on_vote_request(node_id_t from, const vote_request& req, int64_t now_ms);
  void on_vote_response(node_id_t from, const vote_response& resp, int64_t now_ms);
  void check_quorum(int64_t now_ms);
  void send(node_id_t to, message msg);
  effects take();

  // --- replication (raft_replication.cpp) ---
  void on_append(node_id_t from, const append_request& req, int64_t now_ms);
  void on_append_response(node_id_t from, const append_response& resp, int64_t now_ms);
  void on_snapshot(node_id_t from, const snapshot_request& req, int64_t now_ms);
  void on_snapshot_response(node_id_t from, const snapshot_response& resp, int64_t now_ms);
  // A response of this term from a known peer (which is then alive), else nullptr.
  peer_progress* responding_peer(node_id_t from, term_t term, int64_t now_ms);
  // The peer holds our log up to `index`.
  void peer_matched(node_id_t from, peer_progress& p, log_index_t index);
  void append_local(entry_kind kind, bytes data);
  void send_append(node_id_t to);
  void broadcast_append(bool heartbeat);
  void maybe_advance_commit();
  void commit_to(log_index_t index);
  void accept_leader(node_id_t from, term_t term, int64_t now_ms);

  replica_config cfg_;
  std::mt19937_64 rng_;
  raft_log log_;
  bytes snapshot_data_; // image for log_.snapshot(), sent to followers behind it

  term_t term_{0};
  std::optional<node_id_t> voted_for_;
  role role_ = role::follower;
  std::optional<node_id_t> leader_;
  log_index_t commit_{0};
  log_index_t applied_{0};

  int64_t election_deadline_ms_ = 0;
  std::optional<int64_t> last_leader_contact_ms_; // stickiness window start
  int64_t next_heartbeat_ms_ = 0;
  std::map<node_id_t, bool> votes_; // this round's answers (pre-vote or vote)
  std::map<node_id_t, peer_progress> peers_; // leader only: every other voter and learner

  effects fx_; // accumulates during one input, handed out by take()
  std::optional<role_change> reported_; // last role_changed handed out
};

} // namespace samsa::raft
