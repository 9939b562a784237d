#include "actors/quorum_replica.hpp"

#include <algorithm>
#include <chrono>

#include <caf/exit_reason.hpp>
#include <caf/io/middleman.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/actor_clock.hpp"

namespace samsa::actors {

namespace {

using std::chrono::milliseconds;

raft::replica_config core_config(const quorum_config& cfg) {
  raft::replica_config rc;
  rc.self = cfg.self;
  for (auto& [id, addr] : cfg.voters)
    rc.voters.insert(id);
  rc.election_timeout_ms = cfg.election_timeout_ms;
  rc.heartbeat_interval_ms = cfg.heartbeat_interval_ms;
  rc.check_quorum_timeout_ms = cfg.fetch_timeout_ms;
  rc.max_append_bytes = cfg.max_append_bytes;
  // Distinct per node so that voters started together do not time out together.
  rc.rng_seed = 0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(cfg.self.value + 1);
  return rc;
}

void log_role(quorum_ptr self, const raft::role_change& rc) {
  auto id = self->state.cfg.self.value;
  if (rc.now == raft::role::leader)
    spdlog::info("quorum: node {} is leader in term {}", id, rc.term.value);
  else if (rc.leader)
    spdlog::info("quorum: node {} follows leader {} in term {}", id, rc.leader->value, rc.term.value);
  else
    spdlog::info("quorum: node {} is {} in term {}, no leader known", id, to_string(rc.now), rc.term.value);
}

int32_t leader_or_none(const quorum_state& st) {
  auto l = st.raft->leader();
  return l ? l->value : -1;
}

// The answer of a proposal whose index now holds `e` (committed): ours if the term matches, else it was
// overwritten by another leader's entry.
void resolve(quorum_state& st, const raft::log_entry& e) {
  auto it = st.proposals.find(e.index);
  if (it == st.proposals.end())
    return;
  if (it->second.term == e.term)
    it->second.promise.deliver(e.index.value);
  else
    it->second.promise.deliver(not_leader_error(leader_or_none(st)));
  st.proposals.erase(it);
}

void fail_all_proposals(quorum_state& st, const caf::error& why) {
  for (auto& [index, p] : st.proposals)
    p.promise.deliver(why);
  st.proposals.clear();
}

// InstallSnapshot in chunks (snapshot_chunk in messages/cluster_api.hpp), the same snapshot to the same peer
// at most once per election timeout: the core asks at every heartbeat until the peer answers.
void send_snapshot(quorum_ptr self, const quorum_actor& peer, raft::node_id_t to, const raft::snapshot_request& req) {
  auto& st = self->state;
  auto now = actor_clock_ms(self);
  auto sent = st.snapshot_sent.find(to);
  if (sent != st.snapshot_sent.end() && sent->second.first == req.snap.meta.index
      && now - sent->second.second < st.cfg.election_timeout_ms)
    return;
  st.snapshot_sent[to] = {req.snap.meta.index, now};
  const auto& data = req.snap.data;
  auto total = static_cast<int64_t>(data.size());
  spdlog::info("quorum: node {} sends its snapshot at index {} ({} bytes) to node {}", st.cfg.self.value,
               req.snap.meta.index.value, total, to.value);
  auto step = std::max<size_t>(1, st.cfg.snapshot_chunk_bytes);
  size_t offset = 0;
  do {
    auto n = std::min(step, data.size() - offset);
    self->send(peer, raft_atom::value, st.cfg.self,
               snapshot_chunk{req.term, req.snap.meta, total, static_cast<int64_t>(offset), data.substr(offset, n)});
    offset += n;
  } while (offset < data.size());
}

void send_raft(quorum_ptr self, const raft::outbound_message& out) {
  auto& st = self->state;
  auto it = st.peers.find(out.to);
  if (it == st.peers.end()) {
    ++st.dropped; // looked up again on a later tick
    return;
  }
  if (auto* snap = std::get_if<raft::snapshot_request>(&out.msg))
    send_snapshot(self, it->second, out.to, *snap);
  else
    self->send(it->second, raft_atom::value, st.cfg.self, out.msg);
}

// A chunk of a snapshot from `from`; the whole request once its last chunk arrived, else nullopt.
std::optional<raft::snapshot_request> assemble(quorum_state& st, raft::node_id_t from, snapshot_chunk& c) {
  auto id = st.cfg.self.value;
  if (c.total < 0 || c.total > st.cfg.max_snapshot_bytes || c.offset < 0
      || c.offset + static_cast<int64_t>(c.data.size()) > c.total) {
    spdlog::error("quorum: node {} refuses a snapshot of {} bytes from node {} (at most {} bytes, chunk at {})", id,
                  c.total, from.value, st.cfg.max_snapshot_bytes, c.offset);
    st.assembling.erase(from);
    return std::nullopt;
  }
  if (c.offset == 0)
    st.assembling[from] = quorum_state::snapshot_assembly{c.term, c.meta, c.total, {}};
  auto it = st.assembling.find(from);
  if (it == st.assembling.end())
    return std::nullopt; // the start was lost: the leader sends it again
  auto& a = it->second;
  if (a.term != c.term || a.meta.index != c.meta.index || a.meta.term != c.meta.term || a.total != c.total
      || static_cast<int64_t>(a.data.size()) != c.offset) {
    spdlog::debug("quorum: node {}: snapshot chunk at {} from node {} does not continue the one received: dropped",
                  id, c.offset, from.value);
    st.assembling.erase(it);
    return std::nullopt;
  }
  a.data += c.data;
  if (static_cast<int64_t>(a.data.size()) < a.total)
    return std::nullopt;
  raft::snapshot_request req{a.term, raft::snapshot{a.meta, std::move(a.data)}};
  st.assembling.erase(it);
  return req;
}

// Log compaction: once snapshot_after_bytes of data were applied since the last snapshot, the state
// machine's image at the applied index is stored (raft_store::save_snapshot deletes the entries it covers)
// and the core drops them from memory.
void maybe_snapshot(quorum_ptr self) {
  auto& st = self->state;
  if (st.cfg.snapshot_after_bytes <= 0 || !st.sm.take_snapshot || st.bytes_since_snapshot < st.cfg.snapshot_after_bytes)
    return;
  auto applied = st.raft->applied_index();
  auto term = st.raft->log().term_at(applied);
  if (applied <= st.raft->log().snapshot().index || !term)
    return;
  raft::snapshot snap{raft::snapshot_meta{applied, *term}, st.sm.take_snapshot(applied)};
  auto size = snap.data.size();
  if (auto rc = st.storage->save_snapshot(snap); rc != persistence::errc::ok) {
    // Not fatal: the log keeps the entries, the next attempt comes with the next committed data.
    spdlog::warn("quorum: node {}: cannot save the snapshot at index {}: {}", st.cfg.self.value, applied.value,
                 persistence::to_string(rc));
    return;
  }
  st.raft->snapshot_taken(applied, std::move(snap.data));
  st.bytes_since_snapshot = 0;
  ++st.snapshots_taken;
  spdlog::info("quorum: node {} took a snapshot at index {} ({} bytes); log entries up to it deleted",
               st.cfg.self.value, applied.value, size);
}

void carry_out(quorum_ptr self, raft::effects& fx);

// raft_types.hpp's contract, in order: 1. persist, 2. install, 3. apply committed, 4. send.
// Returns false when the member stalled (storage failure): the caller hands the core nothing more.
bool handle_effects(quorum_ptr self, raft::effects fx) {
  auto& st = self->state;
  if (fx.hard || fx.install || fx.truncate_from || !fx.append.empty()) {
    if (auto rc = st.storage->persist(fx); rc != persistence::errc::ok) {
      // The core already moved on in memory; releasing anything now could break a promise made to a peer
      // (a vote, an ack). Stall: nothing of this input leaves until the same write succeeds (retried every
      // tick, one transaction each, so a failed attempt leaves nothing half-written), and meanwhile the
      // core is handed nothing. Others see a member with a slow disk, not one gone for good (a full disk
      // freed later must not leave the node without its quorum member).
      spdlog::error("quorum: node {}: cannot persist Raft state ({}): this quorum member stalls (answers no peer, "
                    "accepts no proposal) and retries the write every {} ms",
                    st.cfg.self.value, persistence::to_string(rc), st.cfg.tick_ms);
      st.unpersisted = std::move(fx);
      return false;
    }
  }
  carry_out(self, fx);
  return true;
}

// A stalled member's retry of its failed write; true once it succeeded and its effects were carried out.
bool retry_unpersisted(quorum_ptr self) {
  auto& st = self->state;
  if (!st.unpersisted)
    return true;
  if (st.storage->persist(*st.unpersisted) != persistence::errc::ok)
    return false;
  spdlog::info("quorum: node {}: the Raft state is persisted again: this quorum member goes on", st.cfg.self.value);
  auto fx = std::move(*st.unpersisted);
  st.unpersisted.reset();
  carry_out(self, fx);
  return true;
}

// Steps 2 to 4 of the contract, once the effects are durable.
void carry_out(quorum_ptr self, raft::effects& fx) {
  auto& st = self->state;
  if (fx.install) {
    spdlog::info("quorum: node {} installs the snapshot at index {} (term {}, {} bytes) from leader {}",
                 st.cfg.self.value, fx.install->meta.index.value, fx.install->meta.term.value,
                 fx.install->data.size(), leader_or_none(st));
    ++st.snapshots_installed;
    st.bytes_since_snapshot = 0;
    if (st.sm.install)
      st.sm.install(*fx.install);
    // Proposals the snapshot covers: their outcome is not visible here any more.
    while (!st.proposals.empty() && st.proposals.begin()->first <= fx.install->meta.index) {
      st.proposals.begin()->second.promise.deliver(not_leader_error(leader_or_none(st)));
      st.proposals.erase(st.proposals.begin());
    }
  }
  for (auto& e : fx.committed) {
    if (e.kind == raft::entry_kind::data && st.sm.apply) {
      st.sm.apply(e);
      st.bytes_since_snapshot += static_cast<int64_t>(e.data.size());
    }
    resolve(st, e);
  }
  if (!fx.committed.empty() && st.sm.applied_batch)
    st.sm.applied_batch();
  for (auto& out : fx.messages)
    send_raft(self, out);
  if (fx.role_changed) {
    log_role(self, *fx.role_changed);
    if (st.sm.role_changed)
      st.sm.role_changed(*fx.role_changed);
  }
  if (!fx.committed.empty())
    maybe_snapshot(self);
}

// A voter, or a learner this voter knows (add_learner): whose raft messages are accepted.
bool is_member(const quorum_state& st, raft::node_id_t id) {
  return id != st.cfg.self && (st.cfg.voters.count(id) != 0 || st.raft->is_learner(id));
}

void add_peer(quorum_ptr self, raft::node_id_t id, const caf::actor& handle) {
  auto& st = self->state;
  if (!is_member(st, id) || !handle)
    return;
  auto typed = caf::actor_cast<quorum_actor>(handle);
  auto it = st.peers.find(id);
  if (it == st.peers.end() && st.raft->is_learner(id))
    spdlog::info("quorum: node {} knows learner {} (replicated to while this node leads)", st.cfg.self.value, id.value);
  if (it != st.peers.end()) {
    if (it->second == typed)
      return;
    self->demonitor(it->second.address()); // a restarted peer: its old handle is dead for good
  }
  self->monitor(typed);
  st.peers[id] = typed;
  spdlog::info("quorum: node {} reaches node {}", st.cfg.self.value, id.value);
  if (st.sm.peer_changed)
    st.sm.peer_changed(id.value, true);
}

void lookup_failed(quorum_ptr self, raft::node_id_t id, const std::string& why) {
  auto& st = self->state;
  st.lookups.erase(id);
  st.next_lookup_ms[id] = actor_clock_ms(self) + st.cfg.lookup_retry_ms;
  spdlog::debug("quorum: node {} cannot reach node {} yet: {}", st.cfg.self.value, id.value, why);
}

// Connect to the voter's native listener, ask its broker for its quorum actor, say hello.
void lookup(quorum_ptr self, raft::node_id_t id, const voter_address& addr) {
  auto& st = self->state;
  st.lookups.insert(id);
  lookup_node_actor(
    self, addr, st.cfg.sec, milliseconds(st.cfg.lookup_timeout_ms), quorum_atom::value,
    [=](caf::actor q) {
      self->state.lookups.erase(id);
      add_peer(self, id, q);
      self->send(caf::actor_cast<quorum_actor>(q), hello_atom::value, self->state.cfg.self.value,
                 caf::actor_cast<caf::actor>(self));
    },
    [=](const std::string& why) { lookup_failed(self, id, why); });
}

void discover(quorum_ptr self, int64_t now) {
  auto& st = self->state;
  for (auto& [id, addr] : st.cfg.voters) {
    if (id == st.cfg.self || addr.port == 0 || st.peers.count(id) || st.lookups.count(id))
      continue;
    if (now < st.next_lookup_ms[id])
      continue;
    lookup(self, id, addr);
  }
}

void expire_proposals(quorum_state& st, int64_t now) {
  for (auto it = st.proposals.begin(); it != st.proposals.end();) {
    if (now >= it->second.deadline_ms) {
      it->second.promise.deliver(make_error(api_errc::request_timed_out, "proposal at index "
                                                                           + std::to_string(it->first.value)
                                                                           + " not committed in time"));
      it = st.proposals.erase(it);
    } else {
      ++it;
    }
  }
}

quorum_status status_of(const quorum_state& st) {
  quorum_status s;
  s.node_id = st.cfg.self.value;
  s.role = to_string(st.raft->current_role());
  s.term = st.raft->term().value;
  s.leader = leader_or_none(st);
  s.commit_index = st.raft->commit_index().value;
  s.last_index = st.raft->log().last_index().value;
  s.last_applied = st.raft->applied_index().value;
  for (auto& [id, h] : st.peers)
    s.peers.push_back(id.value);
  s.snapshot_index = st.raft->log().snapshot().index.value;
  s.snapshots_taken = st.snapshots_taken;
  s.snapshots_installed = st.snapshots_installed;
  s.voter = st.raft->is_voter();
  for (auto l : st.raft->config().learners)
    s.learners.push_back(l.value);
  return s;
}

} // namespace

quorum_state::~quorum_state() {
  // The actor is leaving: pending proposals learn it now rather than at their requesters' timeouts.
  fail_all_proposals(*this, make_error(api_errc::broker_shutting_down, "quorum member stopped"));
}

quorum_config quorum_config_from(const cluster::server_config& cfg) {
  quorum_config q;
  q.self = raft::node_id_t{cfg.node_id};
  for (auto& v : cfg.quorum_voters())
    q.voters[raft::node_id_t{v.id}] = voter_address{v.host, v.port};
  q.election_timeout_ms = cfg.controller_quorum_election_timeout_ms;
  q.fetch_timeout_ms = cfg.controller_quorum_fetch_timeout_ms;
  // Raft's usual ratio: several heartbeats per election timeout, so one lost message does not depose.
  q.heartbeat_interval_ms = std::max<int64_t>(10, q.election_timeout_ms / 10);
  q.tick_ms = std::max<int64_t>(5, std::min<int64_t>(20, q.heartbeat_interval_ms / 2));
  q.propose_timeout_ms = std::max<int64_t>(10000, 2 * q.fetch_timeout_ms);
  q.lookup_retry_ms = std::max<int64_t>(100, q.election_timeout_ms / 2);
  q.lookup_timeout_ms = std::max<int64_t>(1000, q.fetch_timeout_ms);
  q.snapshot_after_bytes = cfg.metadata_log_max_record_bytes_between_snapshots;
  q.sec = native_security::from(cfg);
  return q;
}

quorum_actor spawn_quorum_replica(caf::actor_system& sys, quorum_config cfg, std::shared_ptr<quorum_storage> storage,
                                  quorum_state_machine sm) {
  return sys.spawn(quorum_replica, std::move(cfg), std::move(storage), std::move(sm));
}

quorum_actor::behavior_type quorum_replica(quorum_ptr self, quorum_config cfg, std::shared_ptr<quorum_storage> storage,
                                           quorum_state_machine sm) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.storage = std::move(storage);
  st.sm = std::move(sm);
  auto now = actor_clock_ms(self);
  auto durable = st.storage->load();
  bool fresh = durable.hard.term.value == 0 && durable.entries.empty() && durable.snap.meta.index.value == 0;
  if (fresh) {
    st.raft.emplace(core_config(st.cfg), now);
  } else {
    if (durable.snap.meta.index.value > 0 && st.sm.install)
      st.sm.install(durable.snap);
    spdlog::info("quorum: node {} restarts in term {} with {} log entries after snapshot index {}",
                 st.cfg.self.value, durable.hard.term.value, durable.entries.size(), durable.snap.meta.index.value);
    st.raft.emplace(core_config(st.cfg), std::move(durable), now);
  }
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    for (auto it = st.peers.begin(); it != st.peers.end(); ++it) {
      if (it->second.address() == dm.source) {
        spdlog::warn("quorum: node {} lost node {}: {}", st.cfg.self.value, it->first.value,
                     self->system().render(dm.reason));
        if (st.sm.peer_changed)
          st.sm.peer_changed(it->first.value, false);
        auto lost = it->first;
        st.next_lookup_ms[lost] = actor_clock_ms(self) + st.cfg.lookup_retry_ms;
        st.assembling.erase(lost);
        st.snapshot_sent.erase(lost);
        st.peers.erase(it);
        // A learner gone (a broker-only node stopped or crashed): forgotten, so it is neither replicated to nor
        // listed by `samsa cluster status` any more; a restarted one looks this node up and says hello again.
        if (st.unpersisted)
          return; // stalled: the core hears of nothing until its write succeeded
        if (st.raft->is_learner(lost)) {
          spdlog::info("quorum: node {} forgets learner {} until it says hello again", st.cfg.self.value, lost.value);
          handle_effects(self, st.raft->remove_learner(lost));
          return;
        }
        // Our leader's node gone: campaign soon instead of after a whole election timeout.
        handle_effects(self, st.raft->peer_unreachable(lost, actor_clock_ms(self)));
        return;
      }
    }
  });
  discover(self, now);
  self->send(self, tick_atom::value);
  return {
    [=](raft_atom, raft::node_id_t from, raft::message& msg) {
      auto& st = self->state;
      if (!is_member(st, from) || st.unpersisted)
        return; // not a member of this quorum (nor a learner that said hello), or stalled: dropped, as lost
      handle_effects(self, st.raft->step(from, msg, actor_clock_ms(self)));
    },
    [=](raft_atom, raft::node_id_t from, snapshot_chunk& chunk) {
      auto& st = self->state;
      if (!is_member(st, from) || st.unpersisted)
        return;
      if (auto req = assemble(st, from, chunk))
        handle_effects(self, st.raft->step(from, raft::message{std::move(*req)}, actor_clock_ms(self)));
    },
    [=](propose_atom, std::string& data) -> caf::result<int64_t> {
      auto& st = self->state;
      auto now = actor_clock_ms(self);
      if (st.unpersisted)
        return make_error(api_errc::storage_error, "quorum storage: this member cannot write its Raft state (disk "
                                                   "full?); it goes on once the write succeeds");
      auto res = st.raft->propose(std::move(data), now);
      if (!res.index) {
        handle_effects(self, std::move(res.fx));
        return not_leader_error(res.leader_hint ? res.leader_hint->value : -1);
      }
      auto rp = self->make_response_promise<int64_t>();
      st.proposals.emplace(*res.index, quorum_state::pending_proposal{rp, st.raft->term(), now + st.cfg.propose_timeout_ms});
      handle_effects(self, std::move(res.fx)); // a one-voter quorum commits right here
      return rp;
    },
    [=](status_atom) -> quorum_status { return status_of(self->state); },
    [=](hello_atom, int32_t id, caf::actor& handle) {
      auto& st = self->state;
      raft::node_id_t node{id};
      // A node outside the voters line (process.roles=broker) saying hello to a voter: a learner from now on.
      if (id >= 0 && handle && !st.unpersisted && st.raft->is_voter() && node != st.cfg.self && st.cfg.voters.count(node) == 0
          && !st.raft->is_learner(node)) {
        if (!handle_effects(self, st.raft->add_learner(node, actor_clock_ms(self))))
          return;
      }
      add_peer(self, node, handle);
    },
    [=](tick_atom) {
      auto& st = self->state;
      auto now = actor_clock_ms(self);
      self->delayed_send(self, milliseconds(st.cfg.tick_ms), tick_atom::value);
      if (retry_unpersisted(self))
        handle_effects(self, st.raft->tick(now));
      expire_proposals(st, now);
      discover(self, now);
    },
  };
}

} // namespace samsa::actors
