// Broker membership on CAF's test coordinator: three nodes' control planes (quorum member with the
// metadata hooks, controller, broker lifecycle) in one actor system, wired by hello (no network), virtual
// time. All three register and are unfenced; killing one node's actors fences it at once (the controller's
// monitor on its lifecycle); a lifecycle that stops heartbeating is fenced once its session expired, not
// before; heartbeats again: unfenced.
#include <doctest/doctest.h>

#include <functional>
#include <memory>

#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>

#include "actor_fixture.hpp"
#include "actors/broker_lifecycle.hpp"
#include "actors/controller.hpp"
#include "actors/quorum_replica.hpp"

using namespace samsa;
using namespace samsa::actors;
using samsa::raft::node_id_t;
using std::chrono::milliseconds;

namespace {

constexpr int64_t step_ms = 20;
constexpr int64_t session_ms = 9000;
constexpr int64_t heartbeat_ms = 2000;

struct membership_fixture {
  testing::test_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  caf::scoped_actor self;
  std::vector<int> ids{1, 2, 3};
  std::map<int, quorum_actor> q;
  std::map<int, controller_actor> ctl;
  std::map<int, lifecycle_actor> life;
  testing::virtual_clock clock{sched, step_ms};

  membership_fixture() : sys(cfg), sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())), self(sys) {
    std::map<int, std::shared_ptr<quorum_actor>> cells;
    for (int id : ids) {
      cells[id] = std::make_shared<quorum_actor>();
      controller_config cc;
      cc.self = id;
      cc.session_timeout_ms = session_ms;
      cc.tick_ms = 100;
      cc.propose_timeout_ms = 3000;
      ctl[id] = spawn_controller(sys, cc, cells[id]);
    }
    for (int id : ids) {
      lifecycle_config lc;
      lc.self = id;
      lc.incarnation_id = "incarnation-" + std::to_string(id);
      lc.endpoints = {{"PLAINTEXT", "127.0.0.1", static_cast<uint16_t>(9090 + id)}};
      lc.heartbeat_interval_ms = heartbeat_ms;
      lc.retry_ms = 200;
      for (int other : ids)
        lc.known[other] = caf::actor_cast<caf::actor>(ctl[other]);
      life[id] = spawn_broker_lifecycle(sys, lc);
    }
    for (int id : ids) {
      quorum_config c;
      c.self = node_id_t{id};
      for (int v : ids)
        c.voters[node_id_t{v}] = voter_address{};
      c.tick_ms = step_ms;
      c.propose_timeout_ms = 3000;
      *cells[id] = spawn_quorum_replica(sys, c, std::make_shared<memory_quorum_storage>(),
                                        metadata_hooks(id, ctl[id], {caf::actor_cast<caf::actor>(life[id])}));
      q[id] = *cells[id];
    }
    sched.run();
    for (int a : ids)
      for (int b : ids)
        if (a != b)
          self->send(q[a], hello_atom::value, b, caf::actor_cast<caf::actor>(q[b]));
    sched.run();
  }

  ~membership_fixture() {
    for (int id : ids)
      kill(id);
  }

  void kill(int id) {
    for (caf::actor a : {caf::actor_cast<caf::actor>(life[id]), caf::actor_cast<caf::actor>(ctl[id]),
                         caf::actor_cast<caf::actor>(q[id])})
      if (a)
        self->send_exit(a, caf::exit_reason::kill);
    life[id] = nullptr;
    ctl[id] = nullptr;
    q[id] = nullptr;
    sched.run();
  }

  void advance(int64_t ms) { clock.advance(ms); }
  template <class Pred>
  int64_t run_until(Pred pred, int64_t max_ms) { return clock.run_until(pred, max_ms); }

  broker_membership status(int id) {
    auto r = samsa::test::request_and_run<broker_membership>(self, sched, ctl[id], status_atom::value);
    REQUIRE_MESSAGE(r, sys.render(r.error()));
    return std::move(*r);
  }

  // "f"/"u" of broker `node` in node `at`'s image, "" when not registered there.
  std::string state(int at, int node) {
    for (auto& b : status(at).brokers)
      if (b.node_id == node)
        return b.fenced ? "f" : "u";
    return "";
  }

  bool all_unfenced_everywhere() {
    for (int id : ids) {
      if (!ctl[id])
        continue;
      auto m = status(id);
      if (m.brokers.size() != ids.size())
        return false;
      for (auto& b : m.brokers)
        if (b.fenced)
          return false;
    }
    return true;
  }

  int active_controller() {
    for (int id : ids)
      if (ctl[id] && status(id).active_controller)
        return id;
    return 0;
  }
};

} // namespace

TEST_CASE("cluster membership: register, unfence, fence a dead node at once and a silent one after its session") {
  membership_fixture f;
  REQUIRE(f.run_until([&] { return f.all_unfenced_everywhere(); }, 20000) >= 0);
  int leader = f.active_controller();
  REQUIRE(leader != 0);
  std::vector<int> followers;
  for (int id : f.ids)
    if (id != leader)
      followers.push_back(id);
  auto before = f.status(leader);
  for (auto& b : before.brokers)
    CHECK(b.broker_epoch > 0);
  CHECK(before.image_offset >= 3);

  SUBCASE("killing a node's actors fences it at once") {
    int victim = followers[0];
    f.kill(victim);
    auto took = f.run_until([&] { return f.state(leader, victim) == "f"; }, session_ms);
    REQUIRE(took >= 0);
    CHECK(took < heartbeat_ms); // far below the session: the monitor, not a timeout, fenced it
    CHECK(f.state(leader, followers[1]) == "u");
  }

  SUBCASE("a silent broker is fenced once its session expired, not before; heartbeats again: unfenced") {
    int silent = followers[0];
    f.self->send(f.life[silent], brk_hb_atom::value, false);
    f.sched.run();
    // The last heartbeat was at most one interval ago: still in its session until session - interval.
    f.advance(session_ms - heartbeat_ms - 200);
    CHECK(f.state(leader, silent) == "u");
    auto took = f.run_until([&] { return f.state(leader, silent) == "f"; }, heartbeat_ms + 1000);
    CHECK(took >= 0);
    for (int id : f.ids) // every node's image says so, once the commit reached it
      CHECK(f.run_until([&] { return f.state(id, silent) == "f"; }, 1000) >= 0);
    CHECK(f.state(leader, followers[1]) == "u");
    f.self->send(f.life[silent], brk_hb_atom::value, true);
    CHECK(f.run_until([&] { return f.all_unfenced_everywhere(); }, 5000) >= 0);
  }
}
