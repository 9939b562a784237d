#include "actors/controller.hpp"

#include <chrono>
#include <functional>
#include <random>

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/actor_clock.hpp"
#include "actors/broker_lifecycle.hpp"
#include "actors/controller_partitions.hpp"
#include "cluster/metadata_view.hpp"
#include "messages/metadata_codec.hpp"

namespace samsa::actors {

using std::chrono::milliseconds;

namespace {

std::string describe_records(const std::vector<metadata_record>& records) {
  std::string s;
  size_t changes = 0; // partition changes are counted, not listed (a fence may move hundreds of leaders)
  for (const auto& r : records) {
    if (std::holds_alternative<partition_change_record>(r)) {
      ++changes;
      continue;
    }
    s += s.empty() ? "" : ", ";
    s += record_name(r);
    std::visit(
      [&](const auto& rec) {
        if constexpr (std::is_same_v<std::decay_t<decltype(rec)>, fence_broker_record>
                      || std::is_same_v<std::decay_t<decltype(rec)>, unfence_broker_record>)
          s += " node " + std::to_string(rec.node_id) + " epoch " + std::to_string(rec.broker_epoch);
      },
      r);
  }
  if (changes > 0)
    s += (s.empty() ? "" : ", ") + std::to_string(changes) + " partition_change";
  return s;
}

} // namespace

void propose(controller_ptr self, const std::vector<metadata_record>& records,
             std::function<void(caf::expected<int64_t>)> done) {
  auto& st = self->state;
  auto what = describe_records(records);
  self->request(*st.quorum, milliseconds(st.cfg.propose_timeout_ms), propose_atom::value, metadata_codec::encode(records))
    .then(
      [=](int64_t index) {
        spdlog::debug("controller: node {} committed {} at index {}", self->state.cfg.self, what, index);
        done(caf::expected<int64_t>{index});
      },
      [=](caf::error& e) {
        spdlog::warn("controller: node {} could not commit {}: {}", self->state.cfg.self, what, self->system().render(e));
        if (self->state.control)
          self->state.control->proposal_failed();
        self->state.topics.proposal_failed(records);
        fail_alter_waiters(self, records, e);
        done(caf::expected<int64_t>{e});
      });
}

bool active(controller_ptr self) { return self->state.control && self->state.control->active(); }

namespace {

caf::error not_active(controller_ptr self) {
  auto& st = self->state;
  return not_leader_error(st.leading ? -1 : st.leader); // leading but not yet active: retry later
}

void watch(controller_ptr self, int32_t node, int64_t epoch) {
  auto sender = self->current_sender();
  if (!sender)
    return;
  auto addr = caf::actor_cast<caf::actor_addr>(sender);
  auto it = self->state.lifecycles.find(addr);
  if (it == self->state.lifecycles.end()) {
    self->monitor(caf::actor_cast<caf::actor>(sender));
    self->state.lifecycles.emplace(addr, std::make_pair(node, epoch));
  } else {
    it->second = {node, epoch};
  }
}

void deactivate(controller_ptr self) {
  auto& st = self->state;
  if (st.control && st.control->active())
    spdlog::info("controller: node {} is no longer the active controller", st.cfg.self);
  if (st.control)
    st.control->deactivate();
  st.topics.reset();
  for (auto& [addr, who] : st.lifecycles)
    self->demonitor(addr);
  st.lifecycles.clear();
  st.activation_index = -1;
  st.next_rebalance_ms = -1;
  for (auto& w : st.alter_waiters)
    w.rp.deliver(not_leader_error(st.leader));
  st.alter_waiters.clear();
  auto applied = std::move(st.applied_waiters); // committed already: their answers stand
  st.applied_waiters.clear();
  for (auto& [index, fn] : applied)
    fn();
}

// The quorum lost its connection to `node`: fence its broker now, unless a lifecycle of it is monitored
// here (its down_msg does that) or it is fenced already.
void fence_unreachable(controller_ptr self, int32_t node) {
  auto& st = self->state;
  if (!active(self) || node == st.cfg.self)
    return;
  for (const auto& [addr, who] : st.lifecycles)
    if (who.first == node)
      return;
  auto b = st.image->broker(node);
  if (!b || b->fenced)
    return;
  auto d = st.control->handle_node_down(*st.image, node, b->broker_epoch, actor_clock_ms(self));
  if (!d.records.empty())
    spdlog::info("controller: the connection to node {} is down: fencing its broker (epoch {}) now", node,
                 b->broker_epoch);
  propose_membership(self, d.records);
}

// Leading but not active yet: ask the quorum how far the log goes and how far it is applied.
void try_activate(controller_ptr self) {
  auto& st = self->state;
  if (!st.leading || active(self) || !*st.quorum)
    return;
  auto term = st.term;
  self->request(*st.quorum, milliseconds(st.cfg.propose_timeout_ms), status_atom::value)
    .then(
      [=](const quorum_status& s) {
        auto& st = self->state;
        if (!st.leading || st.term != term || active(self) || s.role != "leader" || s.term != term)
          return;
        if (st.activation_index < 0)
          st.activation_index = s.last_index;
        if (s.last_applied < st.activation_index)
          return; // the next tick asks again
        st.control->activate(*st.image, actor_clock_ms(self));
        st.next_rebalance_ms = actor_clock_ms(self) + st.cfg.leader_imbalance_check_interval_ms;
        spdlog::info("controller: node {} is the active controller in term {} (image at offset {}, {} registered "
                     "broker(s) get a fresh session)",
                     st.cfg.self, term, st.image->offset(), st.image->brokers().size());
        for (auto node : std::set<int32_t>{st.unreachable})
          fence_unreachable(self, node);
      },
      [](caf::error&) {});
}

broker_membership membership_of(const controller_state& st) {
  broker_membership m;
  m.node_id = st.cfg.self;
  m.image_offset = st.image->offset();
  m.controller = st.leader;
  m.active_controller = st.control && st.control->active();
  for (const auto& [id, b] : st.image->brokers())
    m.brokers.push_back(broker_member{b.node_id, b.incarnation_id, b.broker_epoch, b.endpoints, b.fenced});
  for (const auto& [id, t] : st.image->topics_by_id())
    for (const auto& p : t.partitions) {
      ++m.partitions;
      m.under_replicated += p.isr.size() < p.replicas.size() ? 1 : 0;
      m.offline += p.leader < 0 || !cluster::is_live(*st.image, p.leader) ? 1 : 0;
    }
  return m;
}

api_errc to_api_errc(cluster::topic_refusal r) {
  switch (r) {
    case cluster::topic_refusal::none: return api_errc::ok;
    case cluster::topic_refusal::invalid_topic: return api_errc::invalid_topic;
    case cluster::topic_refusal::invalid_partitions: return api_errc::invalid_partitions;
    case cluster::topic_refusal::invalid_replication_factor: return api_errc::invalid_replication_factor;
    case cluster::topic_refusal::invalid_config: return api_errc::invalid_config;
    case cluster::topic_refusal::topic_exists: return api_errc::topic_already_exists;
    case cluster::topic_refusal::unknown_topic: return api_errc::unknown_topic_or_partition;
  }
  return api_errc::invalid_request;
}

// Runs `then(peer)` with the controller of node `id`, looking it up first if needed; `failed(why)` else.
template <class Then, class Failed>
void with_peer(controller_ptr self, int32_t id, Then then, Failed failed) {
  auto& st = self->state;
  if (auto it = st.peers.find(id); it != st.peers.end()) {
    then(it->second);
    return;
  }
  auto addr = st.cfg.voters.find(id);
  if (addr == st.cfg.voters.end() || addr->second.port == 0) {
    failed(std::string{"node " + std::to_string(id) + " is not a voter this node can reach"});
    return;
  }
  lookup_node_actor(
    self, addr->second, st.cfg.sec, milliseconds(st.cfg.propose_timeout_ms), controller_atom::value,
    [=](caf::actor a) mutable {
      auto typed = caf::actor_cast<controller_actor>(a);
      if (self->state.peers.emplace(id, typed).second)
        self->monitor(typed);
      then(typed);
    },
    failed);
}

// One try of forward_to_leader: to the active controller this node knows of (itself once it became it);
// while none is known, or the one asked says it is not (yet) active, again at the next tick (tick_ms) until
// propose_timeout_ms have passed, then not_leader. Other answers and errors go back as they are. Kafka's
// brokers and admin clients retry NOT_CONTROLLER the same way.
template <class T, class Promise, class... Ts>
void forward_attempt(controller_ptr self, Promise rp, int64_t deadline_ms, Ts... xs) {
  auto& st = self->state;
  auto retry = [=](caf::error why) mutable {
    if (actor_clock_ms(self) + self->state.cfg.tick_ms >= deadline_ms) {
      rp.deliver(std::move(why));
      return;
    }
    self->state.forward_retries.emplace_back([=]() mutable { forward_attempt<T>(self, rp, deadline_ms, xs...); });
  };
  auto on_answer = [=](controller_actor to) mutable {
    self->request(to, milliseconds(self->state.cfg.propose_timeout_ms), xs...)
      .then([=](T& x) mutable { rp.deliver(std::move(x)); },
            [=](caf::error& e) mutable {
              if (api_code(e) == api_errc::not_leader)
                retry(std::move(e));
              else
                rp.deliver(std::move(e));
            });
  };
  if (st.leader == st.cfg.self && active(self)) {
    on_answer(caf::actor_cast<controller_actor>(self)); // this node became the active controller meanwhile
    return;
  }
  if (st.leader < 0 || st.leader == st.cfg.self) {
    retry(not_active(self));
    return;
  }
  auto leader = st.leader;
  with_peer(self, leader, on_answer, [=](const std::string& why) mutable {
    spdlog::debug("controller: node {} cannot forward to node {}: {}", self->state.cfg.self, leader, why);
    retry(not_leader_error(leader));
  });
}

// Not the active controller: a request from one of this node's actors goes to the active controller (once:
// that one never forwards a request from another node), retried while there is none; anything else gets
// not_leader.
template <class T, class... Ts>
caf::result<T> forward_to_leader(controller_ptr self, Ts... xs) {
  auto sender = self->current_sender();
  bool local = sender && sender->node() == self->node();
  if (!local)
    return not_active(self);
  auto rp = self->make_response_promise<T>();
  forward_attempt<T>(self, rp, actor_clock_ms(self) + self->state.cfg.propose_timeout_ms, xs...);
  return rp;
}

caf::result<topic_description> create_topic(controller_ptr self, topic_spec& spec) {
  auto& st = self->state;
  if (!active(self))
    return forward_to_leader<topic_description>(self, create_atom::value, std::move(spec));
  cluster::create_topic_context ctx;
  ctx.default_partitions = st.cfg.default_partitions;
  ctx.default_replication_factor = st.cfg.default_replication_factor;
  ctx.topic_id = random_incarnation_id(); // the same 22-character base64url form as Kafka's topic ids
  std::random_device rd;
  ctx.start = rd();
  ctx.shift = rd();
  ctx.live = st.control->unfenced_brokers(*st.image);
  auto d = st.topics.create_topic(*st.image, {spec.name, spec.partitions, spec.replication_factor, spec.configs}, ctx);
  if (d.refusal != cluster::topic_refusal::none)
    return make_error(to_api_errc(d.refusal), d.reason);
  // What the topic will look like: the records applied to a copy of the image.
  cluster::metadata_image after = *st.image;
  after.apply_batch(d.records, st.image->offset() + 1);
  auto desc = cluster::describe_topic(after, *after.topic_by_name(spec.name));
  if (spec.validate_only) {
    st.topics.proposal_failed(d.records); // nothing proposed: the name is free again
    desc.topic_id.clear();
    return desc;
  }
  auto rp = self->make_response_promise<topic_description>();
  propose(self, d.records, [=](caf::expected<int64_t> idx) mutable {
    if (!idx) {
      rp.deliver(idx.error());
      return;
    }
    spdlog::info("controller: created topic {} ({} partitions, replication factor {}, topic id {}) at index {}",
                 desc.name, desc.partitions, desc.replication_factor, desc.topic_id, *idx);
    rp.deliver(desc);
  });
  return rp;
}

caf::result<bool> delete_topic(controller_ptr self, std::string& name) {
  auto& st = self->state;
  if (!active(self))
    return forward_to_leader<bool>(self, delete_atom::value, std::move(name));
  auto d = st.topics.delete_topic(*st.image, name);
  if (d.refusal != cluster::topic_refusal::none)
    return make_error(to_api_errc(d.refusal), d.reason);
  auto rp = self->make_response_promise<bool>();
  propose(self, d.records, [=](caf::expected<int64_t> idx) mutable {
    if (!idx) {
      rp.deliver(idx.error());
      return;
    }
    spdlog::info("controller: deleted topic {} at index {}", name, *idx);
    rp.deliver(true);
  });
  return rp;
}

caf::result<producer_id_t> allocate_producer_ids(controller_ptr self, broker_id_t node_id, int64_t epoch) {
  auto& st = self->state;
  if (!active(self))
    return forward_to_leader<producer_id_t>(self, producer_id_atom::value, node_id, epoch);
  const int32_t node = node_id.value; // the image and replication_control keep plain node ids
  auto b = st.image->broker(node);
  if (!b || b->broker_epoch != epoch)
    return make_error(api_errc::invalid_request, "node " + std::to_string(node) + " is not registered with broker epoch "
                                                   + std::to_string(epoch));
  auto d = st.topics.allocate_producer_ids(*st.image, node, epoch);
  auto rp = self->make_response_promise<producer_id_t>();
  auto first = producer_id_t{d.first};
  propose(self, d.records, [=](caf::expected<int64_t> idx) mutable {
    if (idx)
      rp.deliver(first);
    else
      rp.deliver(idx.error());
  });
  return rp;
}

} // namespace

controller_config controller_config_from(const cluster::server_config& cfg) {
  controller_config c;
  c.self = cfg.node_id;
  c.session_timeout_ms = cfg.broker_session_timeout_ms;
  c.tick_ms = std::max<int64_t>(10, std::min<int64_t>(100, c.session_timeout_ms / 20));
  c.propose_timeout_ms = std::max<int64_t>(10000, 2 * cfg.controller_quorum_fetch_timeout_ms);
  c.default_partitions = cfg.num_partitions;
  c.default_replication_factor = cfg.default_replication_factor;
  c.unclean_leader_election = cfg.unclean_leader_election_enable;
  c.auto_leader_rebalance = cfg.auto_leader_rebalance_enable;
  c.leader_imbalance_check_interval_ms = cfg.leader_imbalance_check_interval_seconds * 1000;
  for (auto& v : cfg.quorum_voters())
    c.voters[v.id] = voter_address{v.host, v.port};
  c.sec = native_security::from(cfg);
  return c;
}

controller_actor spawn_controller(caf::actor_system& sys, controller_config cfg, std::shared_ptr<quorum_actor> quorum) {
  return sys.spawn(controller, std::move(cfg), std::move(quorum));
}

controller_actor::behavior_type controller(controller_ptr self, controller_config cfg,
                                           std::shared_ptr<quorum_actor> quorum) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.quorum = std::move(quorum);
  st.image = std::make_shared<const cluster::metadata_image>();
  st.control.emplace(st.cfg.session_timeout_ms);
  st.topics = cluster::replication_control{st.cfg.unclean_leader_election};
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    for (auto p = st.peers.begin(); p != st.peers.end(); ++p)
      if (p->second.address() == dm.source) {
        st.peers.erase(p);
        return;
      }
    auto it = st.lifecycles.find(dm.source);
    if (it == st.lifecycles.end())
      return;
    auto [node, epoch] = it->second;
    st.lifecycles.erase(it);
    if (!active(self))
      return;
    auto d = st.control->handle_node_down(*st.image, node, epoch, actor_clock_ms(self));
    if (!d.records.empty())
      spdlog::info("controller: node {}'s broker (epoch {}) is gone ({}): fencing it now", node, epoch,
                   self->system().render(dm.reason));
    propose_membership(self, d.records);
  });
  self->send(self, tick_atom::value);
  return {
    [=](image_atom, image_ptr& img) {
      if (!img)
        return;
      self->state.image = std::move(img);
      for (auto& s : self->state.subscribers)
        caf::anon_send(s, image_atom::value, self->state.image);
      settle_alter_waiters(self);
      run_applied_waiters(self);
    },
    [=](subscribe_atom, caf::actor& who) {
      caf::anon_send(who, image_atom::value, self->state.image);
      self->state.subscribers.push_back(std::move(who));
    },
    [=](view_atom) { return cluster_view{self->state.image, self->state.leader}; },
    [=](reach_atom, int32_t node, bool reachable) {
      if (reachable) {
        self->state.unreachable.erase(node);
        return;
      }
      self->state.unreachable.insert(node);
      fence_unreachable(self, node);
    },
    [=](create_atom, topic_spec& spec) { return create_topic(self, spec); },
    [=](delete_atom, std::string& name) { return delete_topic(self, name); },
    [=](alter_atom, topic_config_change& change) -> caf::result<topic_description> {
      if (!active(self))
        return forward_to_leader<topic_description>(self, alter_atom::value, std::move(change));
      return alter_topic_configs(self, change);
    },
    [=](create_atom, partition_increase& inc) -> caf::result<topic_description> {
      if (!active(self))
        return forward_to_leader<topic_description>(self, create_atom::value, std::move(inc));
      return create_partitions(self, inc);
    },
    [=](producer_id_atom, broker_id_t node, int64_t epoch) { return allocate_producer_ids(self, node, epoch); },
    [=](alter_isr_atom, alter_partition_request& req) -> caf::result<alter_partition_reply> {
      if (!active(self))
        return forward_to_leader<alter_partition_reply>(self, alter_isr_atom::value, std::move(req));
      return alter_partition(self, req);
    },
    [=](reassign_atom, std::vector<partition_reassignment>& reqs) -> caf::result<std::vector<reassignment_outcome>> {
      if (!active(self))
        return forward_to_leader<std::vector<reassignment_outcome>>(self, reassign_atom::value, std::move(reqs));
      return alter_reassignments(self, reqs);
    },
    [=](reassign_atom, list_atom, std::vector<std::string>& topics) -> caf::result<std::vector<reassignment_info>> {
      if (!active(self))
        return forward_to_leader<std::vector<reassignment_info>>(self, reassign_atom::value, list_atom::value,
                                                                 std::move(topics));
      return list_reassignments(self->state, topics);
    },
    [=](role_atom, int32_t leader, int64_t term, bool leading) {
      auto& st = self->state;
      bool was = st.leading;
      st.leader = leader;
      st.term = term;
      st.leading = leading;
      if (was && (!leading))
        deactivate(self);
      else if (leading && !was) {
        deactivate(self); // a new term: fresh soft state
        try_activate(self);
      }
    },
    [=](tick_atom) {
      auto& st = self->state;
      if (st.leading && !active(self))
        try_activate(self);
      auto retries = std::move(st.forward_retries);
      st.forward_retries.clear();
      for (auto& retry : retries)
        retry();
      if (active(self)) {
        auto d = st.control->tick(*st.image, actor_clock_ms(self));
        if (!d.records.empty())
          spdlog::info("controller: session expired ({} ms without a heartbeat): {}", st.cfg.session_timeout_ms,
                       describe_records(d.records));
        propose_membership(self, d.records);
        rebalance_if_due(self);
        expire_alter_waiters(self);
      }
      self->delayed_send(self, milliseconds(st.cfg.tick_ms), tick_atom::value);
    },
    [=](brk_reg_atom, broker_register_request& req) -> caf::result<int64_t> {
      auto& st = self->state;
      if (!active(self))
        return not_active(self);
      auto now = actor_clock_ms(self);
      auto d = st.control->handle_register(*st.image, {req.node_id, req.incarnation_id, req.endpoints, req.rack}, now);
      switch (d.reply.kind) {
        case cluster::reply_kind::epoch:
          watch(self, req.node_id, d.reply.broker_epoch);
          return d.reply.broker_epoch;
        case cluster::reply_kind::epoch_from_commit: {
          auto rp = self->make_response_promise<int64_t>();
          auto sender = self->current_sender();
          auto node = req.node_id;
          auto inc = req.incarnation_id;
          propose_membership(self, d.records, [=](caf::expected<int64_t> idx) mutable {
            if (!idx) {
              rp.deliver(idx.error());
              return;
            }
            auto& st = self->state;
            st.control->registered(node, *idx, actor_clock_ms(self));
            spdlog::info("controller: registered node {} (incarnation {}) as broker epoch {}", node, inc, *idx);
            if (sender) {
              auto addr = caf::actor_cast<caf::actor_addr>(sender);
              if (st.lifecycles.count(addr) == 0)
                self->monitor(caf::actor_cast<caf::actor>(sender));
              st.lifecycles[addr] = {node, *idx};
            }
            rp.deliver(*idx);
          });
          return rp;
        }
        default:
          return make_error(api_errc::invalid_request, d.reply.reason);
      }
    },
    [=](brk_hb_atom, const broker_heartbeat& hb) -> caf::result<broker_heartbeat_reply> {
      auto& st = self->state;
      if (!active(self))
        return not_active(self);
      auto d = st.control->handle_heartbeat(*st.image, {hb.node_id, hb.broker_epoch, hb.applied_offset, hb.want_shutdown},
                                            actor_clock_ms(self));
      broker_heartbeat_reply r;
      r.known = d.reply.kind == cluster::reply_kind::heartbeat;
      r.fenced = d.reply.fenced;
      r.broker_epoch = d.reply.broker_epoch;
      r.reason = d.reply.reason;
      if (r.known)
        watch(self, hb.node_id, hb.broker_epoch); // after a failover the lifecycle's first contact is a heartbeat
      propose_membership(self, d.records);
      if (r.known && hb.want_shutdown)
        r.shutdown_ok = controlled_shutdown(self, hb.node_id);
      return r;
    },
    [=](status_atom) -> broker_membership { return membership_of(self->state); },
  };
}

quorum_state_machine metadata_hooks(int32_t node_id, controller_actor controller, std::vector<caf::actor> subscribers) {
  auto pub = std::make_shared<cluster::metadata_publisher>();
  auto changed = std::make_shared<bool>(false); // applied since the last publication
  auto publish = [=] {
    *changed = false;
    auto img = pub->share();
    caf::anon_send(controller, image_atom::value, img);
    for (auto& s : subscribers)
      caf::anon_send(s, image_atom::value, img);
  };
  quorum_state_machine sm;
  sm.apply = [=](const raft::log_entry& e) {
    auto r = pub->apply_entry(e.index.value, e.data);
    if (!r.decoded)
      spdlog::warn("metadata: node {}: entry {} is not a metadata batch ({} bytes): skipped", node_id, e.index.value,
                   e.data.size());
    for (const auto& why : r.refusals)
      spdlog::debug("metadata: node {}: entry {}: {}", node_id, e.index.value, why);
    *changed = *changed || r.decoded;
  };
  // One immutable copy of the image per batch of committed entries (catching up on a long log would
  // otherwise copy the whole image once per entry).
  sm.applied_batch = [=] {
    if (*changed)
      publish();
  };
  sm.install = [=](const raft::snapshot& s) {
    if (!pub->install(s.data))
      spdlog::warn("metadata: node {}: snapshot at index {} is not a metadata image: kept the image at offset {}",
                   node_id, s.meta.index.value, pub->image().offset());
    else
      spdlog::info("metadata: node {}: image loaded from the snapshot at index {} (image offset {})", node_id,
                   s.meta.index.value, pub->image().offset());
    publish();
  };
  sm.take_snapshot = [=](raft::log_index_t) { return pub->take_snapshot(); };
  sm.peer_changed = [=](int32_t node, bool reachable) { caf::anon_send(controller, reach_atom::value, node, reachable); };
  sm.role_changed = [=](const raft::role_change& rc) {
    int32_t leader = rc.leader ? rc.leader->value : -1;
    caf::anon_send(controller, role_atom::value, leader, static_cast<int64_t>(rc.term.value),
                   rc.now == raft::role::leader);
  };
  return sm;
}

} // namespace samsa::actors
