#include "actors/broker_lifecycle.hpp"

#include "actors/actor_clock.hpp"
#include "cluster/metadata_image.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

namespace samsa::actors {

namespace {

using std::chrono::milliseconds;

void retry_later(lifecycle_ptr self, bool to_own_node) {
  auto& st = self->state;
  st.in_flight = false;
  if (to_own_node)
    st.target = st.cfg.self;
  st.next_attempt_ms = actor_clock_ms(self) + st.cfg.retry_ms;
}

void add_controller(lifecycle_ptr self, int32_t id, const caf::actor& handle) {
  if (!handle)
    return;
  auto typed = caf::actor_cast<controller_actor>(handle);
  if (id != self->state.cfg.self)
    self->monitor(typed);
  self->state.controllers[id] = typed;
}

// Connect to the node's native listener and ask its broker for its controller (actors/peer_lookup).
void lookup(lifecycle_ptr self, int32_t id) {
  auto& st = self->state;
  auto it = st.cfg.voters.find(id);
  if (it == st.cfg.voters.end() || it->second.port == 0 || st.lookups.count(id))
    return;
  st.lookups.insert(id);
  lookup_node_actor(
    self, it->second, st.cfg.sec, milliseconds(st.cfg.request_timeout_ms), controller_atom::value,
    [=](caf::actor c) {
      self->state.lookups.erase(id);
      add_controller(self, id, c);
    },
    [=](const std::string& why) {
      auto& st = self->state;
      st.lookups.erase(id);
      spdlog::debug("lifecycle: node {} cannot reach node {}'s controller yet: {}", st.cfg.self, id, why);
      // Perhaps that node is gone: ask our own node's controller, which names the leader it knows.
      if (st.target == id)
        st.target = st.cfg.self;
    });
}

// not_leader naming another node: go there at once; anything else: back to our own node, later.
void on_error(lifecycle_ptr self, const caf::error& e, const char* what) {
  auto& st = self->state;
  auto hint = leader_hint(e);
  if (st.shutdown && !hint && st.no_leader_since_ms < 0)
    st.no_leader_since_ms = actor_clock_ms(self);
  if (hint && *hint != st.target) {
    st.in_flight = false;
    st.target = *hint;
    st.next_attempt_ms = 0;
    return;
  }
  spdlog::debug("lifecycle: node {}: {} to node {}'s controller failed: {}", st.cfg.self, what, st.target,
                self->system().render(e));
  if (api_code(e) != api_errc::not_leader && st.target != st.cfg.self)
    st.controllers.erase(st.target); // found again by lookup
  retry_later(self, true);
}

void finish_shutdown(lifecycle_ptr self, bool confirmed) {
  auto& st = self->state;
  if (!st.shutdown)
    return;
  st.shutdown->deliver(confirmed);
  st.shutdown.reset();
  st.heartbeats = false; // the node stops: no heartbeat may unfence it again
}

void attempt(lifecycle_ptr self) {
  auto& st = self->state;
  auto now = actor_clock_ms(self);
  if (st.in_flight || now < st.next_attempt_ms || (st.epoch >= 0 && !st.heartbeats))
    return;
  auto it = st.controllers.find(st.target);
  if (it == st.controllers.end()) {
    lookup(self, st.target);
    retry_later(self, false);
    if (st.cfg.voters.count(st.target) == 0 || st.cfg.voters.at(st.target).port == 0)
      st.target = st.cfg.self; // nowhere to look it up
    return;
  }
  auto ctl = it->second;
  auto timeout = milliseconds(st.cfg.request_timeout_ms);
  st.in_flight = true;
  if (st.epoch < 0) {
    broker_register_request req{st.cfg.self, st.cfg.incarnation_id, st.cfg.endpoints, ""};
    self->request(ctl, timeout, brk_reg_atom::value, req)
      .then(
        [=](int64_t epoch) {
          auto& st = self->state;
          st.in_flight = false;
          st.epoch = epoch;
          st.fenced.reset();
          st.next_attempt_ms = 0; // heartbeat at once: it carries the offset that unfences us
          spdlog::info("lifecycle: node {} registered with the controller (node {}) as broker epoch {}", st.cfg.self,
                       st.target, epoch);
        },
        [=](caf::error& e) { on_error(self, e, "registration"); });
    return;
  }
  broker_heartbeat hb{st.cfg.self, st.epoch, st.applied, st.shutdown.has_value()};
  const int64_t sent_ms = now;
  self->request(ctl, timeout, brk_hb_atom::value, hb)
    .then(
      [=](broker_heartbeat_reply& r) {
        auto& st = self->state;
        st.in_flight = false;
        st.no_leader_since_ms = -1;
        if (st.shutdown && (r.shutdown_ok || !r.known)) {
          if (r.shutdown_ok)
            spdlog::info("lifecycle: node {}: the controller moved its partitions away: it may stop", st.cfg.self);
          else
            spdlog::warn("lifecycle: node {}: the controller does not know broker epoch {} ({}): stopping without "
                         "a controlled shutdown", st.cfg.self, st.epoch, r.reason);
          finish_shutdown(self, r.shutdown_ok);
          return;
        }
        if (st.cfg.lease) {
          // Sent right after a freeze, an "unfenced" may come from this node's stale controller: no renewal.
          if (!r.known || r.fenced)
            st.cfg.lease->revoke();
          else if (sent_ms >= st.lease_distrust_until_ms)
            st.cfg.lease->renew(sent_ms);
        }
        if (!r.known) {
          spdlog::warn("lifecycle: node {}: the controller does not know broker epoch {} ({}): registering again",
                       st.cfg.self, st.epoch, r.reason);
          st.epoch = -1;
          st.fenced.reset();
          st.next_attempt_ms = 0;
          return;
        }
        if (!st.fenced || *st.fenced != r.fenced)
          spdlog::info("lifecycle: node {} is {} (broker epoch {})", st.cfg.self, r.fenced ? "fenced" : "unfenced",
                       st.epoch);
        st.fenced = r.fenced;
        // A fenced broker asks again soon: its unfence is being committed; so does one shutting down.
        bool soon = r.fenced || st.shutdown;
        st.next_attempt_ms = actor_clock_ms(self) + (soon ? std::min(st.cfg.retry_ms, st.cfg.heartbeat_interval_ms)
                                                          : st.cfg.heartbeat_interval_ms);
        if (sent_ms < st.lease_distrust_until_ms) // the first heartbeat that may renew the lease: right after
          st.next_attempt_ms = std::min(st.next_attempt_ms, st.lease_distrust_until_ms);
      },
      [=](caf::error& e) { on_error(self, e, "heartbeat"); });
}

} // namespace

std::string random_incarnation_id() {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::random_device rd;
  std::mt19937_64 gen{(static_cast<uint64_t>(rd()) << 32) ^ rd()};
  std::string s(22, 'A');
  for (auto& c : s)
    c = alphabet[gen() % 64];
  // 22 characters carry 132 bits, a Uuid 128: the last character's low 4 bits must be zero, or the id is not
  // one Kafka's wire can carry (kafka::uuid_from_string refuses it and topic ids went out as zero).
  s.back() = alphabet[(gen() % 4) * 16];
  return s;
}

lifecycle_config lifecycle_config_from(const cluster::server_config& cfg, caf::actor own_controller) {
  lifecycle_config c;
  c.self = cfg.node_id;
  c.endpoints.push_back(broker_endpoint{"PLAINTEXT", cfg.advertised_host(), cfg.advertised_port()});
  c.endpoints.push_back(broker_endpoint{"NATIVE", cfg.native_host(), cfg.native_port()});
  c.heartbeat_interval_ms = cfg.broker_heartbeat_interval_ms;
  c.retry_ms = std::max<int64_t>(50, std::min<int64_t>(500, c.heartbeat_interval_ms / 4));
  c.request_timeout_ms = std::max<int64_t>(1000, std::min<int64_t>(c.heartbeat_interval_ms, cfg.broker_session_timeout_ms / 2));
  c.controlled_shutdown_timeout_ms = cfg.broker_session_timeout_ms;
  c.no_leader_giveup_ms = 3 * static_cast<int64_t>(cfg.controller_quorum_election_timeout_ms);
  for (auto& v : cfg.quorum_voters())
    c.voters[v.id] = voter_address{v.host, v.port};
  c.known[cfg.node_id] = std::move(own_controller);
  c.sec = native_security::from(cfg);
  return c;
}

lifecycle_actor spawn_broker_lifecycle(caf::actor_system& sys, lifecycle_config cfg) {
  return sys.spawn(broker_lifecycle, std::move(cfg));
}

lifecycle_actor::behavior_type broker_lifecycle(lifecycle_ptr self, lifecycle_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  if (st.cfg.incarnation_id.empty())
    st.cfg.incarnation_id = random_incarnation_id();
  st.target = st.cfg.self;
  for (auto& [id, h] : st.cfg.known)
    add_controller(self, id, h);
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    for (auto it = st.controllers.begin(); it != st.controllers.end(); ++it)
      if (it->second.address() == dm.source) {
        if (st.target == it->first)
          st.target = st.cfg.self; // the controller we talked to is gone: our own node knows who leads now
        st.controllers.erase(it);
        return;
      }
  });
  spdlog::info("lifecycle: node {} starts as incarnation {}", st.cfg.self, st.cfg.incarnation_id);
  self->send(self, tick_atom::value);
  return {
    [=](image_atom, image_ptr& img) {
      auto& st = self->state;
      if (!img)
        return;
      st.applied = img->offset();
      // The image says our registration was unfenced while the controller's last answer said fenced: ask at
      // once, so the lease (which only a heartbeat's answer renews) follows within a round trip.
      auto* b = img->broker(st.cfg.self);
      if (b && !b->fenced && b->broker_epoch == st.epoch && st.fenced.value_or(false))
        st.next_attempt_ms = 0;
    },
    [=](tick_atom) {
      auto& st = self->state;
      auto now = actor_clock_ms(self);
      if (st.last_tick_ms >= 0 && now - st.last_tick_ms >= st.cfg.freeze_ms && st.cfg.lease) {
        spdlog::warn("lifecycle: node {} did not run for {} ms (frozen or starved): its lease on its leaderships "
                     "is revoked; heartbeats sent in the next {} ms do not renew it", st.cfg.self,
                     now - st.last_tick_ms, st.cfg.freeze_grace_ms);
        st.cfg.lease->revoke();
        st.lease_distrust_until_ms = now + st.cfg.freeze_grace_ms;
      }
      st.last_tick_ms = now;
      if (st.shutdown && now >= st.shutdown_deadline_ms) {
        spdlog::warn("lifecycle: node {}: the controller did not confirm the controlled shutdown within {} ms: "
                     "stopping anyway", st.cfg.self, st.cfg.controlled_shutdown_timeout_ms);
        finish_shutdown(self, false);
      } else if (st.shutdown && st.no_leader_since_ms >= 0 && now - st.no_leader_since_ms >= st.cfg.no_leader_giveup_ms) {
        spdlog::warn("lifecycle: node {}: no quorum leader for {} ms, nothing can move its partitions: stopping "
                     "without a controlled shutdown", st.cfg.self, now - st.no_leader_since_ms);
        finish_shutdown(self, false);
      }
      attempt(self);
      self->delayed_send(self, milliseconds(std::min<int64_t>(self->state.cfg.retry_ms, 50)), tick_atom::value);
    },
    [=](brk_hb_atom, bool on) { self->state.heartbeats = on; },
    [=](shutdown_atom) -> caf::result<bool> {
      auto& st = self->state;
      if (st.epoch < 0 || !st.heartbeats)
        return true; // not registered (or silenced): nothing to hand over
      if (st.shutdown)
        return caf::make_error(caf::sec::request_timeout, "a controlled shutdown is already waiting");
      spdlog::info("lifecycle: node {} asks the controller for a controlled shutdown (broker epoch {})", st.cfg.self,
                   st.epoch);
      st.shutdown = self->make_response_promise<bool>();
      st.shutdown_deadline_ms = actor_clock_ms(self) + st.cfg.controlled_shutdown_timeout_ms;
      st.next_attempt_ms = 0;
      return *st.shutdown;
    },
  };
}

} // namespace samsa::actors
