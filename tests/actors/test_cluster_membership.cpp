// Broker membership on CAF's test coordinator: three nodes' control planes (quorum member with the
// metadata hooks, controller, broker lifecycle) in one actor system, wired by hello (no network), virtual
// time. All three register and are unfenced; killing one node's actors fences it at once (the controller's
// monitor on its lifecycle); a lifecycle that stops heartbeating is fenced once its session expired, not
// before; heartbeats again: unfenced.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <memory>

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>

#include "actor_fixture.hpp"
#include "messages/native_errors.hpp"
#include "actors/broker_lifecycle.hpp"
#include "messages/kafka/uuid.hpp"
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
  std::map<int, std::shared_ptr<cluster::broker_lease>> lease; // each node's, renewed by its lifecycle
  testing::virtual_clock clock{sched, step_ms};

  explicit membership_fixture(std::function<void(controller_config&)> tweak = {})
    : sys(cfg), sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())), self(sys) {
    std::map<int, std::shared_ptr<quorum_actor>> cells;
    for (int id : ids) {
      cells[id] = std::make_shared<quorum_actor>();
      controller_config cc;
      cc.self = id;
      cc.session_timeout_ms = session_ms;
      cc.tick_ms = 100;
      cc.propose_timeout_ms = 3000;
      if (tweak)
        tweak(cc);
      ctl[id] = spawn_controller(sys, cc, cells[id]);
    }
    for (int id : ids) {
      lifecycle_config lc;
      lc.self = id;
      lc.incarnation_id = "incarnation-" + std::to_string(id);
      lc.endpoints = {{"PLAINTEXT", "127.0.0.1", static_cast<uint16_t>(9090 + id)}};
      lc.heartbeat_interval_ms = heartbeat_ms;
      lc.retry_ms = 200;
      lease[id] = std::make_shared<cluster::broker_lease>(session_ms);
      lc.lease = lease[id];
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
  // The actor system's clock in ms, as the lifecycle and the partition leaders read it.
  int64_t now_ms() {
    return std::chrono::duration_cast<milliseconds>(sched.clock().now().time_since_epoch()).count();
  }
  bool holds_lease(int id) { return lease[id]->holds(now_ms()); }
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

  // Sends a request from the test and advances virtual time until it is answered (the answer may need
  // quorum rounds); the reply or the error, request_timeout when nothing came within max_ms.
  template <class T, class Handle, class... Ts>
  caf::expected<T> ask_over_time(const Handle& to, int64_t max_ms, Ts... xs) {
    auto h = self->request(to, caf::infinite, xs...);
    caf::expected<T> result{caf::sec::request_timeout};
    run_until([&] { return !self->mailbox().empty(); }, max_ms);
    if (!self->mailbox().empty())
      h.receive([&](T& x) { result = std::move(x); }, [&](caf::error& e) { result = std::move(e); });
    return result;
  }

  // Creates topic `name` (partitions, RF 3) through the active controller; waits until every node has it.
  topic_description create(const std::string& name, int32_t partitions) {
    topic_spec spec;
    spec.name = name;
    spec.partitions = partitions;
    spec.replication_factor = 3;
    auto created = samsa::test::request_and_run<topic_description>(self, sched, ctl[active_controller()],
                                                                   create_atom::value, spec);
    REQUIRE_MESSAGE(created, sys.render(created.error()));
    for (int id : ids)
      REQUIRE(run_until([&] { return partition(id, name, partitions - 1) != nullptr; }, 2000) >= 0);
    return *created;
  }

  // The partition of `topic` (of `count`) that `node` leads in node `at`'s image, -1 if none.
  int32_t led_by(int at, const std::string& topic, int32_t count, int node) {
    for (int32_t i = 0; i < count; ++i)
      if (partition(at, topic, i)->leader == node)
        return i;
    return -1;
  }

  // Partition p of `topic` in node `at`'s image (nullptr while it does not know it).
  const cluster::partition_registration* partition(int at, const std::string& topic, int32_t p) {
    auto v = samsa::test::request_and_run<cluster_view>(self, sched, ctl[at], view_atom::value);
    REQUIRE(v);
    views[at] = v->image; // keeps the returned pointer valid until the next call for this node
    auto t = v->image->topic_by_name(topic);
    return t ? v->image->partition(t->topic_id, p) : nullptr;
  }
  std::map<int, image_ptr> views;

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
    // Each node's lease: renewed by its first heartbeat answered "unfenced" (the image said so a bit earlier).
    REQUIRE(f.run_until([&] { return f.holds_lease(1) && f.holds_lease(2) && f.holds_lease(3); }, heartbeat_ms) >= 0);
    f.self->send(f.life[silent], brk_hb_atom::value, false);
    f.sched.run();
    // The last heartbeat was at most one interval ago: still in its session until session - interval.
    f.advance(session_ms - heartbeat_ms - 200);
    CHECK(f.state(leader, silent) == "u");
    CHECK(f.holds_lease(silent));
    // Its lease lapses no later than the controller fences it: one session after its last heartbeat's send.
    auto lapsed = f.run_until([&] { return !f.holds_lease(silent); }, heartbeat_ms + 1000);
    CHECK(lapsed >= 0);
    CHECK(f.state(leader, silent) == "u");
    auto took = f.run_until([&] { return f.state(leader, silent) == "f"; }, heartbeat_ms + 1000);
    CHECK(took >= 0);
    CHECK(f.holds_lease(followers[1]));
    for (int id : f.ids) // every node's image says so, once the commit reached it
      CHECK(f.run_until([&] { return f.state(id, silent) == "f"; }, 1000) >= 0);
    CHECK(f.state(leader, followers[1]) == "u");
    f.self->send(f.life[silent], brk_hb_atom::value, true);
    CHECK(f.run_until([&] { return f.all_unfenced_everywhere(); }, 5000) >= 0);
    // Its first heartbeat is answered "fenced" (no lease); the one after the unfence renews it.
    CHECK(f.run_until([&] { return f.holds_lease(silent); }, 5000) >= 0);
  }
}

// Partition leadership through the real controller, quorum and lifecycles: a silent broker's fence moves
// the leadership of its partition to an in-sync replica in the same commit; it comes back unfenced but out
// of sync; the new leader's AlterPartition puts it back into the ISR (answered once committed, a repeat at
// once, bad ones refused); the rebalance check gives the preferred replica its leadership back.
TEST_CASE("controller: election on fence, AlterPartition validated and answered on commit, preferred leader rebalance") {
  constexpr int64_t rebalance_ms = 3000;
  membership_fixture f([](controller_config& c) { c.leader_imbalance_check_interval_ms = rebalance_ms; });
  REQUIRE(f.run_until([&] { return f.all_unfenced_everywhere(); }, 20000) >= 0);
  int leader = f.active_controller();
  REQUIRE(leader != 0);
  auto created = f.create("t", 3);

  // The partition led by a node that is not the quorum leader (each node leads one: leaders spread).
  int victim = leader % 3 + 1;
  int32_t p = f.led_by(leader, "t", 3, victim);
  REQUIRE(p >= 0);
  auto before = *f.partition(leader, "t", p);
  CHECK(before.isr == before.replicas); // created with every replica in sync
  CHECK(before.replicas.front() == victim);

  f.self->send(f.life[victim], brk_hb_atom::value, false);
  f.sched.run();
  REQUIRE(f.run_until([&] { return f.state(leader, victim) == "f"; }, session_ms + 1000) >= 0);
  for (int id : f.ids) { // the fence and the election arrive together
    REQUIRE(f.run_until([&] { return f.state(id, victim) == "f"; }, 1000) >= 0);
    auto after = *f.partition(id, "t", p);
    CHECK(after.leader != victim);
    CHECK(after.leader == before.replicas[1]); // the next in assignment order
    CHECK(after.leader_epoch == before.leader_epoch + 1);
    CHECK(after.partition_epoch == before.partition_epoch + 1);
    CHECK(after.isr == std::vector<int32_t>{before.replicas[1], before.replicas[2]});
    for (int32_t other = 0; other < 3; ++other)
      if (other != p) {
        CHECK(f.partition(id, "t", other)->leader_epoch == 0);
        CHECK(f.partition(id, "t", other)->isr.size() == 2);
      }
  }
  f.self->send(f.life[victim], brk_hb_atom::value, true);
  REQUIRE(f.run_until([&] { return f.all_unfenced_everywhere(); }, 5000) >= 0);
  auto moved = *f.partition(leader, "t", p);
  CHECK(moved.leader == before.replicas[1]); // unfenced, but not in sync: no leadership for it yet

  auto topic_id = created.topic_id;
  auto alter = [&](int to, int32_t leader_id, int32_t partition_epoch, std::vector<int32_t> isr) {
    alter_partition_request r{leader_id, "t", topic_id, p, moved.leader_epoch, partition_epoch, std::move(isr)};
    return samsa::test::request_and_run<alter_partition_reply>(f.self, f.sched, f.ctl[to], alter_isr_atom::value, r);
  };
  int follower = victim % 3 + 1; // neither the quorum leader nor the victim
  REQUIRE(follower != leader);
  // A controller that is not the active one forwards a request from its own node to the active one: here
  // it cannot look the active one up (no native listeners in this fixture), so it tries again at its ticks
  // for propose_timeout_ms (3000 here) and then answers not_leader naming it, as it does at once for a
  // request from another node.
  auto elsewhere = f.ask_over_time<alter_partition_reply>(
    f.ctl[follower], 5000, alter_isr_atom::value,
    alter_partition_request{moved.leader, "t", topic_id, p, moved.leader_epoch, moved.partition_epoch, before.replicas});
  REQUIRE_FALSE(elsewhere);
  REQUIRE(elsewhere.error() != caf::sec::request_timeout); // answered, not given up on by the test
  CHECK(leader_hint(elsewhere.error()) == leader);
  auto stale = alter(leader, moved.leader, moved.partition_epoch - 1, before.replicas);
  REQUIRE_FALSE(stale);
  CHECK(api_code(stale.error()) == api_errc::invalid_update_version);
  auto wrong = alter(leader, victim, moved.partition_epoch, before.replicas);
  REQUIRE_FALSE(wrong);
  CHECK(api_code(wrong.error()) == api_errc::not_leader_or_follower);
  // The request is answered once the change committed, which takes some quorum rounds.
  auto reply = f.ask_over_time<alter_partition_reply>(
    f.ctl[leader], 3000, alter_isr_atom::value,
    alter_partition_request{moved.leader, "t", topic_id, p, moved.leader_epoch, moved.partition_epoch, before.replicas});
  REQUIRE_MESSAGE(reply, f.sys.render(reply.error()));
  CHECK(reply->isr == before.replicas);
  CHECK(reply->leader_epoch == moved.leader_epoch);
  CHECK(reply->partition_epoch == moved.partition_epoch + 1);
  // The repeat is idempotent: the same answer at once.
  auto again = alter(leader, moved.leader, moved.partition_epoch, before.replicas);
  REQUIRE_MESSAGE(again, f.sys.render(again.error()));
  CHECK(again->partition_epoch == reply->partition_epoch);

  // Within one rebalance interval the preferred replica, back in sync, leads again.
  CHECK(f.run_until([&] { return f.partition(leader, "t", p)->leader == victim; }, rebalance_ms + 1000) >= 0);
  auto back = *f.partition(leader, "t", p);
  CHECK(back.leader_epoch == moved.leader_epoch + 1);
  CHECK(back.isr == before.replicas);
}

// Controlled shutdown: the node's lifecycle heartbeats want_shutdown; the controller moves the leadership
// of its partition to the next in-sync replica and takes it out of every ISR, and answers that it may stop
// only once that committed. It was not fenced for it: the move is a handover, not a failure.
TEST_CASE("controller: a controlled shutdown hands a node's partitions over before it may stop") {
  membership_fixture f;
  REQUIRE(f.run_until([&] { return f.all_unfenced_everywhere(); }, 20000) >= 0);
  int leader = f.active_controller();
  REQUIRE(leader != 0);
  f.create("t", 3);
  int victim = leader % 3 + 1;
  int32_t p = f.led_by(leader, "t", 3, victim);
  REQUIRE(p >= 0);
  auto before = *f.partition(leader, "t", p);

  auto ok = f.ask_over_time<bool>(f.life[victim], 5000, shutdown_atom::value);
  REQUIRE_MESSAGE(ok, f.sys.render(ok.error()));
  CHECK(*ok);
  // The answer came after the commit: the active controller's image already shows the handover.
  auto after = *f.partition(leader, "t", p);
  CHECK(after.leader == before.replicas[1]);
  CHECK(after.leader_epoch == before.leader_epoch + 1);
  for (int32_t i = 0; i < 3; ++i) {
    auto isr = f.partition(leader, "t", i)->isr;
    CHECK(std::find(isr.begin(), isr.end(), victim) == isr.end());
  }
  CHECK(f.state(leader, victim) == "u");
}

TEST_CASE("incarnation and topic ids are Uuids Kafka's wire can carry (the last character's low bits zero)") {
  for (int i = 0; i < 200; ++i) {
    auto id = random_incarnation_id();
    REQUIRE(id.size() == 22);
    auto wire = samsa::kafka::uuid_from_string(id);
    REQUIRE(wire.has_value());
    CHECK(samsa::kafka::uuid_to_string(*wire) == id);
  }
}

TEST_CASE("a node frozen past its session gets no lease from its own stale controller's answers right after") {
  // leader-pause, seed 1 of session 12: node 3, the quorum leader and leader of t-1, was frozen for 8 s. On
  // SIGCONT its lifecycle heartbeated its own controller, still active on its stale image for a few ms, and
  // was answered "unfenced": the lease held again 100 ms before the new image made node 3 a follower. Here a
  // controller that answers "unfenced" to everything stands in for that stale one.
  testing::test_system_config cfg;
  caf::actor_system sys{cfg};
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys};
  int heartbeats = 0;
  auto stale = sys.spawn([&heartbeats]() -> caf::behavior {
    return {
      [](brk_reg_atom, const broker_register_request&) { return int64_t{7}; },
      [&heartbeats](brk_hb_atom, const broker_heartbeat&) {
        ++heartbeats;
        broker_heartbeat_reply r;
        r.known = true;
        r.fenced = false;
        r.broker_epoch = 7;
        return r;
      },
    };
  });
  const int64_t session = 4000;
  auto lease = std::make_shared<cluster::broker_lease>(session);
  lifecycle_config lc;
  lc.self = 3;
  lc.incarnation_id = "incarnation-3";
  lc.heartbeat_interval_ms = 500;
  lc.retry_ms = 100;
  lc.known[3] = stale;
  lc.lease = lease;
  auto life = spawn_broker_lifecycle(sys, lc);
  testing::virtual_clock clock{sched, step_ms};
  auto now = [&] {
    return std::chrono::duration_cast<milliseconds>(sched.clock().now().time_since_epoch()).count();
  };
  REQUIRE(clock.run_until([&] { return lease->holds(now()); }, 2000) >= 0);
  clock.advance(2000);
  CHECK(lease->holds(now()));

  // Frozen for 8 s: nothing runs, then every timer that came due fires at once.
  sched.advance_time(milliseconds(8000));
  const int before = heartbeats;
  sched.run();
  clock.advance(step_ms);
  CHECK(heartbeats > before);        // it heartbeats at once (the controller must not fence it)...
  CHECK_FALSE(lease->holds(now())); // ...but that answer does not renew the lease
  clock.advance(lc.freeze_grace_ms - 3 * step_ms);
  CHECK_FALSE(lease->holds(now()));
  // The first heartbeat sent after the grace renews it.
  auto took = clock.run_until([&] { return lease->holds(now()); }, 1000);
  CHECK(took >= 0);
  CHECK(took <= 2 * step_ms + lc.retry_ms);
  self->send_exit(life, caf::exit_reason::kill);
  self->send_exit(stale, caf::exit_reason::kill);
  sched.run();
}
