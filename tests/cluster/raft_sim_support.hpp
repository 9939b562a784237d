#pragma once
// A deterministic in-process Raft cluster for the tests: replicas from cluster/raft, a virtual
// clock, a seeded network (drop, duplicate, delay, reorder, partitions), crash-restarts that keep
// exactly what the effects said to persist, and the Raft safety properties checked after every
// single input. Used by test_raft_sim.cpp (random runs) and test_raft_replica.cpp (scenarios).
//
// Learners: `learners` are in every node's configuration from the start; `late_learners` are not:
// each is down until join(id), then says hello to every voter every hello_ms through the same lossy
// network (what the shell's hello after a lookup does: actors/quorum_replica), and a voter that
// receives it calls add_learner. Voters forget late learners when they restart (add_learner is
// volatile) or see them crash (remove_learner) and learn them again from the next hello.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "cluster/raft/raft_replica.hpp"

namespace samsa::raft::sim {

struct sim_options {
  int voters = 3;
  int learners = 1;
  int late_learners = 0; // after the static learners; down until join()
  int64_t hello_ms = 250; // a joined late learner's hello to every voter
  uint64_t seed = 1;
  double drop = 0;    // per message
  double dup = 0;     // per message: delivered twice
  double reorder = 0; // per message: extra delay up to reorder_extra_ms
  int64_t min_delay_ms = 1, max_delay_ms = 15, reorder_extra_ms = 300;
  int64_t tick_ms = 10;
  int64_t election_timeout_ms = 1000, heartbeat_ms = 200, check_quorum_ms = 2000;
  size_t max_append_bytes = 64; // small: multi-message catch-up is the normal case
  int snapshot_every = 0;       // entries applied between snapshots per node; 0 = never
};

// Accumulated over runs; the coverage assertions read it.
struct sim_stats {
  uint64_t runs = 0, inputs = 0, sent = 0, delivered = 0, dropped = 0, duplicated = 0,
           reordered = 0, cut = 0, partitions = 0, crashes = 0, elections = 0,
           runs_with_reelection = 0, step_downs = 0, commits = 0, proposals = 0, acked = 0,
           snapshots_taken = 0, snapshots_installed = 0, truncations = 0, prevote_refusals = 0,
           max_term = 0, learner_joins = 0, hellos_delivered = 0, learners_added = 0,
           late_learner_snapshots = 0, late_learner_commits = 0, late_learner_restarts = 0,
           learners_removed = 0;
  int64_t max_heal_to_leader_ms = 0;
};

struct sim_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Optional real storage behind each node's in-memory durable copy (test_raft_sim.cpp runs some seeds
// through persistence::raft_store). The sim calls it with exactly what it writes to the copy; on a
// restart the node starts from load(), which must equal the copy, or the run fails.
struct durable_hook {
  virtual ~durable_hook() = default;
  virtual void persist(int node, const effects& fx) = 0;        // step 1 of the effects contract
  virtual void save_snapshot(int node, const snapshot& s) = 0;  // the state machine compacted
  virtual void crash(int node) = 0;                             // the process dies: drop its store
  virtual durable_state load(int node) = 0;                     // the restarted process reopens and loads
};

// Equal durable states (raft_types has no operator== for them).
inline bool same_durable(const durable_state& a, const durable_state& b) {
  return a.hard == b.hard && a.snap.meta.index == b.snap.meta.index && a.snap.meta.term == b.snap.meta.term &&
         a.snap.data == b.snap.data && a.entries == b.entries;
}

class raft_sim {
public:
  struct node {
    replica_config cfg;
    std::optional<replica> r; // nullopt while crashed
    durable_state stored;     // only what effects said to persist, in the documented order
    std::vector<bytes> sm;    // state machine: payload of entry i at sm[i-1] ("" for a noop)
    bool joined = true;       // false: a late learner before join() (cannot be restarted)
    bool late = false;        // a late learner (says hello)
    int64_t next_hello_ms = 0;
  };

  raft_sim(const sim_options& o, sim_stats& st) : opt_(o), st_(st), rng_(o.seed) {
    int n = o.voters + o.learners + o.late_learners;
    int known = o.voters + o.learners;
    link_.assign(n + 1, std::vector<bool>(n + 1, true));
    for (int i = 1; i <= n; ++i) {
      replica_config c;
      c.self = node_id_t{i};
      for (int v = 1; v <= o.voters; ++v)
        c.voters.insert(node_id_t{v});
      for (int l = o.voters + 1; l <= known; ++l)
        c.learners.insert(node_id_t{l});
      c.election_timeout_ms = o.election_timeout_ms;
      c.heartbeat_interval_ms = o.heartbeat_ms;
      c.check_quorum_timeout_ms = o.check_quorum_ms;
      c.max_append_bytes = o.max_append_bytes;
      c.rng_seed = o.seed * 1000 + static_cast<uint64_t>(i);
      if (i <= known) {
        nodes_.push_back(node{c, replica(c, now_), {}, {}});
      } else {
        nodes_.push_back(node{c, std::nullopt, {}, {}});
        nodes_.back().joined = false;
        nodes_.back().late = true;
      }
    }
    ++st_.runs;
  }

  int size() const { return static_cast<int>(nodes_.size()); }
  node& at(int id) { return nodes_.at(static_cast<size_t>(id - 1)); }
  replica& r(int id) { return *at(id).r; }
  int64_t now() const { return now_; }
  std::mt19937_64& rng() { return rng_; }
  sim_options& options() { return opt_; }
  uint64_t max_term_seen() const { return leaders_.empty() ? 0 : static_cast<uint64_t>(leaders_.rbegin()->first); }
  size_t leaders_elected() const { return leaders_.size(); }
  const std::set<std::string>& acked() const { return acked_; }

  // --- faults -------------------------------------------------------------------------
  void heal() { for (auto& row : link_) std::fill(row.begin(), row.end(), true); }
  void set_link(int a, int b, bool up) { link_[a][b] = link_[b][a] = up; }
  void isolate(int id) {
    ++st_.partitions;
    for (int j = 1; j <= size(); ++j) if (j != id) set_link(id, j, false);
  }
  void split(const std::set<int>& side) {
    ++st_.partitions;
    heal();
    for (int a = 1; a <= size(); ++a)
      for (int b = 1; b <= size(); ++b)
        if (side.count(a) != side.count(b)) set_link(a, b, false);
  }
  // Each node hears only its two neighbours (1-2-...-n-1).
  void ring() {
    ++st_.partitions;
    int n = size();
    for (int a = 1; a <= n; ++a)
      for (int b = 1; b <= n; ++b) {
        int d = std::abs(a - b);
        link_[a][b] = a == b || d == 1 || d == n - 1;
      }
  }
  void crash(int id) {
    if (!at(id).r) return;
    ++st_.crashes;
    at(id).r.reset();
    if (hook) hook->crash(id);
    // The others' transports see the connection drop (CAF's node_down): a follower of `id` campaigns soon; a
    // late learner's handle going down makes a voter forget it until its next hello (actors/quorum_replica).
    for (int j = 1; j <= size(); ++j) {
      if (j == id || !up(j) || !link_[id][j]) continue;
      if (at(id).late && r(j).is_learner(node_id_t{id})) {
        apply(j, r(j).remove_learner(node_id_t{id}));
        if (r(j).is_learner(node_id_t{id})) fail("remove_learner kept a crashed learner");
        ++st_.learners_removed;
      } else {
        apply(j, r(j).peer_unreachable(node_id_t{id}, now_));
      }
    }
  }
  // A late learner's first start: from now on it says hello and may crash and restart like any node.
  void join(int id) {
    auto& n = at(id);
    if (n.joined) return;
    ++st_.learner_joins;
    n.joined = true;
    n.next_hello_ms = now_;
    restart(id);
    --st_.late_learner_restarts; // the first start is no restart
  }
  bool joined(int id) { return at(id).joined; }
  bool is_late_learner(int id) { return at(id).late; }
  void restart(int id) {
    auto& n = at(id);
    if (n.r || !n.joined) return;
    st_.late_learner_restarts += n.late;
    if (hook) {
      auto loaded = hook->load(id);
      if (!same_durable(loaded, n.stored)) fail("restart: node " + std::to_string(id) + " loaded a durable state "
                                                "from its store that differs from what its effects persisted");
      n.r.emplace(n.cfg, loaded, now_);
    } else {
      n.r.emplace(n.cfg, n.stored, now_);
    }
    n.sm = decode(n.stored.snap.data);
    if (static_cast<int64_t>(n.sm.size()) != n.stored.snap.meta.index.value)
      fail("restart: snapshot image does not match its index");
    check_node(id);
  }
  bool up(int id) { return at(id).r.has_value(); }

  // --- driving ------------------------------------------------------------------------
  void deliver(int from, int to, const message& m) { apply(to, r(to).step(node_id_t{from}, m, now_)); }
  void tick(int id) { apply(id, r(id).tick(now_)); }

  // Advances virtual time by `ms`: every tick delivers what is due (in time order), then
  // ticks every live node, then maybe lets a client propose.
  void advance(int64_t ms) {
    int64_t end = now_ + ms;
    while (now_ < end) {
      now_ += opt_.tick_ms;
      while (!queue_.empty() && queue_.front().at <= now_) {
        std::pop_heap(queue_.begin(), queue_.end(), later);
        envelope e = std::move(queue_.back());
        queue_.pop_back();
        if (!at(e.to).r) continue;
        if (!link_[e.from][e.to]) { ++st_.cut; continue; }
        ++st_.delivered;
        if (e.hello) {
          ++st_.hellos_delivered;
          bool known = r(e.to).is_learner(node_id_t{e.from});
          apply(e.to, r(e.to).add_learner(node_id_t{e.from}, now_));
          if (!r(e.to).is_learner(node_id_t{e.from})) fail("add_learner refused a late learner");
          st_.learners_added += !known;
          continue;
        }
        deliver(e.from, e.to, e.msg);
      }
      for (int id = 1; id <= size(); ++id)
        if (up(id)) tick(id);
      say_hellos();
      if (client_rate > 0 && std::uniform_real_distribution<>(0, 1)(rng_) < client_rate)
        client_propose();
    }
  }

  bool run_until(const std::function<bool()>& done, int64_t max_ms) {
    for (int64_t waited = 0; waited <= max_ms; waited += opt_.tick_ms) {
      if (done()) return true;
      advance(opt_.tick_ms);
    }
    return false;
  }

  // A client: tries the node it believes leads; on refusal remembers the hint.
  std::optional<log_index_t> client_propose() {
    int target = guess_;
    if (target < 1 || !up(target)) {
      std::vector<int> live;
      for (int id = 1; id <= size(); ++id) if (up(id)) live.push_back(id);
      if (live.empty()) return std::nullopt;
      target = live[rng_() % live.size()];
    }
    std::string value = "v" + std::to_string(next_value_++);
    auto res = r(target).propose(value, now_);
    apply(target, std::move(res.fx));
    if (!res.index) {
      guess_ = res.leader_hint ? res.leader_hint->value : 0;
      return std::nullopt;
    }
    ++st_.proposals;
    guess_ = target;
    return res.index;
  }
  double client_rate = 0; // chance per tick of a proposal
  durable_hook* hook = nullptr; // set before the first input; not owned

  // The leader every live node agrees on (same term), if any.
  std::optional<int> agreed_leader() {
    std::optional<int> lead;
    for (int id = 1; id <= size(); ++id)
      if (up(id) && r(id).current_role() == role::leader) lead = id;
    if (!lead) return std::nullopt;
    for (int id = 1; id <= size(); ++id)
      if (up(id) && (r(id).leader() != node_id_t{*lead} || r(id).term() != r(*lead).term()))
        return std::nullopt;
    return lead;
  }

  // Every node is up and has applied the leader's whole log (a late learner not joined yet aside).
  bool converged() {
    auto lead = agreed_leader();
    if (!lead) return false;
    auto last = r(*lead).log().last_index();
    for (int id = 1; id <= size(); ++id)
      if (joined(id) && (!up(id) || r(id).applied_index() != last)) return false;
    return true;
  }

  // After convergence: every state machine is identical, holds every acknowledged value once.
  void check_final() {
    check_all_logs();
    const auto& ref = at(1).sm;
    for (int id = 2; id <= size(); ++id)
      if (at(id).sm != ref) fail("final: state machines differ between node 1 and node " + std::to_string(id));
    std::set<std::string> seen;
    for (const auto& v : ref)
      if (!v.empty() && !seen.insert(v).second) fail("final: value applied twice: " + v);
    for (const auto& v : acked_)
      if (!seen.count(v)) fail("final: acknowledged value lost: " + v);
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw sim_failure("seed " + std::to_string(opt_.seed) + " t=" + std::to_string(now_) +
                      "ms input#" + std::to_string(inputs_) + ": " + what);
  }

  // Full cross-check (also run every few hundred inputs): each live node's memory equals its
  // durable copy, and any two logs that agree on (index, term) agree on everything before.
  void check_all_logs() {
    for (int id = 1; id <= size(); ++id) if (up(id)) check_node(id);
    for (int a = 1; a <= size(); ++a)
      for (int b = a + 1; b <= size(); ++b) check_pair(at(a).stored, at(b).stored);
  }

private:
  struct envelope {
    int64_t at;
    uint64_t seq;
    int from, to;
    message msg;
    bool hello = false; // a late learner's hello (msg unused), not a Raft message
  };
  struct committed_entry {
    log_entry e;
    term_t observed_term; // >= the term it was committed in
  };
  static bool later(const envelope& a, const envelope& b) {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  }

  static bytes encode(const std::vector<bytes>& sm) {
    bytes out;
    for (const auto& v : sm) { out += v; out += '\n'; }
    return out;
  }
  static std::vector<bytes> decode(const bytes& data) {
    std::vector<bytes> out;
    size_t start = 0;
    for (size_t i = 0; i < data.size(); ++i)
      if (data[i] == '\n') { out.push_back(data.substr(start, i - start)); start = i + 1; }
    return out;
  }
  static std::optional<term_t> stored_term(const durable_state& d, log_index_t i) {
    if (i == d.snap.meta.index) return d.snap.meta.term;
    if (i < d.snap.meta.index) return std::nullopt;
    auto off = static_cast<size_t>(i.value - d.snap.meta.index.value - 1);
    if (off >= d.entries.size()) return std::nullopt;
    return d.entries[off].term;
  }
  static log_index_t stored_last(const durable_state& d) {
    return d.snap.meta.index + static_cast<int64_t>(d.entries.size());
  }

  void say_hellos() {
    for (int id = 1; id <= size(); ++id) {
      auto& n = at(id);
      if (!n.late || !n.r || now_ < n.next_hello_ms) continue;
      n.next_hello_ms = now_ + opt_.hello_ms;
      for (auto v : n.cfg.voters) net_send(id, outbound_message{v, vote_response{}}, true);
    }
  }

  void net_send(int from, const outbound_message& m, bool hello = false) {
    ++st_.sent;
    if (queue_.size() > 100000) fail("runaway: more than 100000 messages in flight");
    std::uniform_real_distribution<> u(0, 1);
    if (u(rng_) < opt_.drop) { ++st_.dropped; return; }
    int copies = u(rng_) < opt_.dup ? 2 : 1;
    st_.duplicated += static_cast<uint64_t>(copies - 1);
    for (int c = 0; c < copies; ++c) {
      int64_t delay = opt_.min_delay_ms +
                      static_cast<int64_t>(rng_() % static_cast<uint64_t>(opt_.max_delay_ms - opt_.min_delay_ms + 1));
      if (u(rng_) < opt_.reorder) {
        delay += static_cast<int64_t>(rng_() % static_cast<uint64_t>(opt_.reorder_extra_ms));
        ++st_.reordered;
      }
      queue_.push_back(envelope{now_ + delay, seq_++, from, m.to.value, m.msg, hello});
      std::push_heap(queue_.begin(), queue_.end(), later);
    }
  }

  // The shell's job, in the order raft_types.hpp prescribes, with the checks in between.
  void apply(int id, effects fx) {
    ++inputs_;
    ++st_.inputs;
    auto& n = at(id);
    auto& d = n.stored;
    // 1. persist
    if (fx.hard) d.hard = *fx.hard;
    if (fx.install) {
      d.snap = *fx.install;
      auto keep = std::find_if(d.entries.begin(), d.entries.end(),
                               [&](const log_entry& e) { return e.index > fx.install->meta.index; });
      d.entries.erase(d.entries.begin(), keep);
    }
    if (fx.truncate_from) {
      if (!fx.install) ++st_.truncations;
      while (!d.entries.empty() && d.entries.back().index >= *fx.truncate_from) d.entries.pop_back();
    }
    for (auto& e : fx.append) {
      if (e.index != stored_last(d) + 1) fail("persist: append leaves a hole at " + std::to_string(e.index.value));
      check_log_matching(d, e);
      d.entries.push_back(e);
    }
    if (hook) hook->persist(id, fx);
    // 2. snapshot into the state machine
    if (fx.install) {
      ++st_.snapshots_installed;
      st_.late_learner_snapshots += n.late;
      n.sm = decode(fx.install->data);
      if (static_cast<int64_t>(n.sm.size()) != fx.install->meta.index.value) fail("install: image size");
      for (size_t i = 0; i < n.sm.size(); ++i)
        if (i >= committed_.size() || committed_[i].e.data != n.sm[i])
          fail("install: snapshot is not a prefix of the committed sequence");
    }
    // 3. apply
    for (const auto& e : fx.committed) on_commit(id, e);
    // 4. send
    for (const auto& m : fx.messages) {
      if (auto* vr = std::get_if<vote_response>(&m.msg)) {
        if (!n.r->is_voter()) fail("a learner answered a vote request");
        if (vr->pre_vote && !vr->granted) ++st_.prevote_refusals;
      }
      if (std::holds_alternative<vote_request>(m.msg) && !n.cfg.voters.count(m.to))
        fail("vote request sent to a non-voter");
      if (!n.r->is_voter() && !std::holds_alternative<append_response>(m.msg) &&
          !std::holds_alternative<snapshot_response>(m.msg))
        fail(std::string("learner ") + std::to_string(id) + " sent a " + name_of(m.msg));
      net_send(id, m);
    }
    if (fx.role_changed) on_role_change(id, *fx.role_changed);
    check_node_fast(id);
    if (inputs_ % 512 == 0) check_all_logs();
    maybe_snapshot(id);
  }

  // Log matching, incrementally: the first node to store (index, term) fixes its content and
  // the term before it; by induction equal (index, term) then means equal prefixes.
  void check_log_matching(const durable_state& d, const log_entry& e) {
    auto prev = stored_term(d, e.index - 1);
    if (!prev) fail("persist: no term before appended entry");
    auto key = std::make_pair(e.index.value, e.term.value);
    auto it = log_facts_.find(key);
    if (it == log_facts_.end()) {
      log_facts_.emplace(key, std::make_pair(*prev, e));
      return;
    }
    if (it->second.first != *prev || !(it->second.second == e))
      fail("log matching: two different entries/prefixes at index " + std::to_string(e.index.value) +
           " term " + std::to_string(e.term.value));
  }

  // State-machine safety covers learners too: what a learner applies must be the committed sequence,
  // entry for entry (a learner never commits anything itself: it only learns the leader's commit index).
  void on_commit(int id, const log_entry& e) {
    auto& n = at(id);
    st_.late_learner_commits += n.late;
    if (e.index.value != static_cast<int64_t>(n.sm.size()) + 1)
      fail("apply out of order on node " + std::to_string(id));
    auto i = static_cast<size_t>(e.index.value - 1);
    if (i < committed_.size()) {
      if (!(committed_[i].e == e))
        fail("state machine safety: node " + std::to_string(id) + " applies a different entry at " +
             std::to_string(e.index.value));
    } else if (i == committed_.size()) {
      // The leader applies an entry in the input that commits it, before any message says so.
      if (!n.r->is_voter()) fail("learner " + std::to_string(id) + " applies index " + std::to_string(e.index.value) +
                                 " before any voter committed it");
      ++st_.commits;
      committed_.push_back(committed_entry{e, n.r->term()});
      // A committed entry is durable on a majority of voters (learners do not count).
      size_t holders = 0;
      for (auto v : n.cfg.voters) {
        const auto& sd = at(v.value).stored;
        if (e.index <= sd.snap.meta.index || stored_term(sd, e.index) == e.term) ++holders;
      }
      if (holders * 2 <= n.cfg.voters.size())
        fail("commit of index " + std::to_string(e.index.value) + " stored on only " +
             std::to_string(holders) + " voters");
      if (!e.data.empty()) acked_.insert(e.data);
    } else {
      fail("apply beyond the committed sequence");
    }
    n.sm.push_back(e.kind == entry_kind::noop ? bytes{} : e.data);
  }

  void on_role_change(int id, const role_change& rc) {
    auto& n = at(id);
    if (!n.cfg.voters.count(n.cfg.self) && rc.now != role::learner) fail("learner left its role");
    if (last_role_[id] == role::leader && rc.now == role::follower && rc.term == last_term_[id]) ++st_.step_downs;
    last_role_[id] = rc.now;
    last_term_[id] = rc.term;
    st_.max_term = std::max<uint64_t>(st_.max_term, static_cast<uint64_t>(rc.term.value));
    if (rc.now != role::leader) return;
    // Election safety: one leader per term, ever.
    auto [it, fresh] = leaders_.emplace(rc.term.value, id);
    if (!fresh && it->second != id)
      fail("election safety: nodes " + std::to_string(it->second) + " and " + std::to_string(id) +
           " both lead term " + std::to_string(rc.term.value));
    if (!fresh) return;
    ++st_.elections;
    // Leader completeness: everything committed in an earlier term is in the new leader's log.
    const auto& log = n.r->log();
    for (const auto& c : committed_) {
      if (c.observed_term >= rc.term || c.e.index <= log.snapshot().index) continue;
      if (c.e.index > log.last_index() || !(log.at(c.e.index) == c.e))
        fail("leader completeness: leader of term " + std::to_string(rc.term.value) + " lacks committed index " +
             std::to_string(c.e.index.value));
    }
  }

  // After every input: the durable hard state is the replica's, nothing is applied beyond commit.
  void check_node_fast(int id) {
    auto& n = at(id);
    const auto& rr = *n.r;
    if (!(n.stored.hard == hard_state{rr.term(), rr.voted_for()}))
      fail("node " + std::to_string(id) + " changed term/vote without asking to persist it");
    if (stored_last(n.stored) != rr.log().last_index())
      fail("node " + std::to_string(id) + " durable log length differs from memory");
    if (static_cast<int64_t>(n.sm.size()) != rr.applied_index().value || rr.applied_index() > rr.commit_index())
      fail("node " + std::to_string(id) + " applied index disagrees with its state machine");
  }

  void check_node(int id) {
    check_node_fast(id);
    auto& n = at(id);
    const auto& log = n.r->log();
    auto first = std::max(log.first_index(), n.stored.snap.meta.index + 1);
    for (auto i = first; i <= log.last_index(); i = i + 1)
      if (!(log.at(i) == n.stored.entries[static_cast<size_t>(i.value - n.stored.snap.meta.index.value - 1)]))
        fail("node " + std::to_string(id) + " durable entry differs from memory at " + std::to_string(i.value));
  }

  void check_pair(const durable_state& a, const durable_state& b) {
    auto lo = std::max(a.snap.meta.index, b.snap.meta.index) + 1;
    auto hi = std::min(stored_last(a), stored_last(b));
    auto entry = [](const durable_state& d, log_index_t i) -> const log_entry& {
      return d.entries[static_cast<size_t>(i.value - d.snap.meta.index.value - 1)];
    };
    bool matched = false; // walking down: once (index, term) agree, everything below must
    for (auto i = hi; i >= lo; i = i - 1) {
      const auto& ea = entry(a, i);
      const auto& eb = entry(b, i);
      if (ea.term == eb.term) matched = true;
      if (matched && !(ea == eb)) fail("log matching (full): logs diverge below a common entry at " + std::to_string(i.value));
    }
  }

  void maybe_snapshot(int id) {
    auto& n = at(id);
    if (opt_.snapshot_every <= 0 || !n.r) return;
    auto applied = n.r->applied_index();
    if (applied.value - n.stored.snap.meta.index.value < opt_.snapshot_every) return;
    auto data = encode(n.sm);
    auto term = stored_term(n.stored, applied);
    if (!term || !n.r->snapshot_taken(applied, data)) fail("snapshot_taken refused a valid snapshot");
    ++st_.snapshots_taken;
    n.stored.snap = snapshot{snapshot_meta{applied, *term}, std::move(data)};
    auto keep = std::find_if(n.stored.entries.begin(), n.stored.entries.end(),
                             [&](const log_entry& e) { return e.index > applied; });
    n.stored.entries.erase(n.stored.entries.begin(), keep);
    if (hook) hook->save_snapshot(id, n.stored.snap);
  }

  sim_options opt_;
  sim_stats& st_;
  std::mt19937_64 rng_;
  int64_t now_ = 0;
  uint64_t seq_ = 0, inputs_ = 0;
  int next_value_ = 1, guess_ = 0;
  std::vector<node> nodes_;
  std::vector<std::vector<bool>> link_;
  std::vector<envelope> queue_; // a heap by (at, seq)
  std::vector<committed_entry> committed_;
  std::map<std::pair<int64_t, int64_t>, std::pair<term_t, log_entry>> log_facts_;
  std::map<int64_t, int> leaders_; // term -> leader
  std::map<int, role> last_role_;
  std::map<int, term_t> last_term_;
  std::set<std::string> acked_;
};

} // namespace samsa::raft::sim
