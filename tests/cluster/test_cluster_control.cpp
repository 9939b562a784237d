// The controller's broker membership rules (cluster/controller/cluster_control) with a fake clock, and the
// metadata publisher (cluster/metadata_publisher) they rely on: every rule of the header comment, applied
// through the real codec and image, as the shell does (propose -> commit -> apply at the next index).
#include <doctest/doctest.h>

#include "cluster/controller/cluster_control.hpp"
#include "cluster/metadata_image_snapshot.hpp"
#include "cluster/metadata_publisher.hpp"
#include "messages/metadata_codec.hpp"

using namespace samsa;
using namespace samsa::cluster;

namespace {

constexpr int64_t session_ms = 9000;

// A controller, the log it writes to (every batch commits at the next index) and the image it applies to.
struct harness {
  cluster_control ctl{session_ms};
  metadata_publisher pub;
  int64_t next_index = 1;
  int64_t now = 0;

  const metadata_image& img() const { return pub.image(); }

  // Commits a decision's records (if any) and returns the committed index, -1 if nothing was proposed.
  int64_t commit(const control_decision& d) {
    if (d.records.empty())
      return -1;
    auto idx = next_index++;
    auto r = pub.apply_entry(idx, metadata_codec::encode(d.records));
    REQUIRE(r.decoded);
    CHECK(r.refusals.empty());
    return idx;
  }

  // Registers node `id` and returns its broker epoch.
  int64_t register_node(int32_t id, const std::string& incarnation) {
    auto d = ctl.handle_register(img(), registration_request{id, incarnation, {{"PLAINTEXT", "h", 9092}}, ""}, now);
    if (d.reply.kind == reply_kind::epoch)
      return d.reply.broker_epoch;
    REQUIRE(d.reply.kind == reply_kind::epoch_from_commit);
    auto epoch = commit(d);
    ctl.registered(id, epoch, now);
    return epoch;
  }

  control_decision heartbeat(int32_t id, int64_t epoch, int64_t applied) {
    auto d = ctl.handle_heartbeat(img(), heartbeat_request{id, epoch, applied}, now);
    commit(d);
    return d;
  }

  bool fenced(int32_t id) const {
    auto b = img().broker(id);
    REQUIRE(b != nullptr);
    return b->fenced;
  }
};

} // namespace

TEST_CASE("cluster_control: registration gives the record's offset as broker epoch, fenced") {
  harness h;
  h.ctl.activate(h.img(), h.now);
  h.next_index = 5;
  auto e1 = h.register_node(1, "inc-a");
  CHECK(e1 == 5);
  REQUIRE(h.img().broker(1) != nullptr);
  CHECK(h.img().broker(1)->broker_epoch == 5);
  CHECK(h.img().broker(1)->incarnation_id == "inc-a");
  CHECK(h.img().broker(1)->endpoints.size() == 1);
  CHECK(h.fenced(1));

  SUBCASE("the same incarnation again: same epoch, no record") {
    auto d = h.ctl.handle_register(h.img(), registration_request{1, "inc-a", {}, ""}, h.now);
    CHECK(d.records.empty());
    CHECK(d.reply.kind == reply_kind::epoch);
    CHECK(d.reply.broker_epoch == 5);
  }
  SUBCASE("a new incarnation replaces the old with a higher epoch; the old epoch's heartbeats are refused") {
    auto e2 = h.register_node(1, "inc-b");
    CHECK(e2 > e1);
    CHECK(h.img().broker(1)->incarnation_id == "inc-b");
    auto d = h.heartbeat(1, e1, 100);
    CHECK(d.reply.kind == reply_kind::unknown_broker);
    CHECK(d.records.empty());
  }
  SUBCASE("invalid or inactive registrations are refused") {
    CHECK(h.ctl.handle_register(h.img(), registration_request{-1, "x", {}, ""}, h.now).reply.kind == reply_kind::refused);
    CHECK(h.ctl.handle_register(h.img(), registration_request{2, "", {}, ""}, h.now).reply.kind == reply_kind::refused);
    h.ctl.deactivate();
    auto d = h.ctl.handle_register(h.img(), registration_request{2, "y", {}, ""}, h.now);
    CHECK(d.reply.kind == reply_kind::refused);
    CHECK(d.records.empty());
  }
}

TEST_CASE("cluster_control: unfenced only once the node's applied offset reached its registration") {
  harness h;
  h.ctl.activate(h.img(), h.now);
  h.commit(control_decision{{noop_record{}}, {}}); // index 1: something before
  auto epoch = h.register_node(1, "inc");          // index 2
  REQUIRE(epoch == 2);
  auto behind = h.heartbeat(1, epoch, 1);
  CHECK(behind.reply.kind == reply_kind::heartbeat);
  CHECK(behind.records.empty());
  CHECK(h.fenced(1));
  auto caught_up = h.heartbeat(1, epoch, 2);
  REQUIRE(caught_up.records.size() == 1);
  CHECK(std::holds_alternative<unfence_broker_record>(caught_up.records[0]));
  CHECK_FALSE(h.fenced(1));
  CHECK(h.heartbeat(1, epoch, 3).records.empty()); // already unfenced: nothing more
  CHECK_FALSE(h.heartbeat(1, epoch, 3).reply.fenced);
}

TEST_CASE("cluster_control: a broker asking for a controlled shutdown is neither live for elections nor unfenced") {
  harness h;
  h.ctl.activate(h.img(), h.now);
  auto e1 = h.register_node(1, "inc1");
  auto e2 = h.register_node(2, "inc2");
  h.heartbeat(1, e1, e2);
  h.heartbeat(2, e2, e2);
  CHECK(h.ctl.unfenced_brokers(h.img()) == std::set<int32_t>{1, 2});
  auto d = h.ctl.handle_heartbeat(h.img(), heartbeat_request{1, e1, e2, true}, h.now);
  CHECK(d.records.empty());
  CHECK(d.reply.kind == reply_kind::heartbeat);
  CHECK(h.ctl.shutting_down(1, e1));
  CHECK(h.ctl.unfenced_brokers(h.img()) == std::set<int32_t>{2});
  // A fence in flight leaves the live set too.
  auto fence = h.ctl.handle_node_down(h.img(), 2, e2, h.now);
  REQUIRE(fence.records.size() == 1);
  CHECK(h.ctl.unfenced_brokers(h.img()).empty());
  h.commit(fence);
  // Node 2 returns but is shutting down: it stays fenced.
  CHECK(h.ctl.handle_heartbeat(h.img(), heartbeat_request{2, e2, e2, true}, h.now).records.empty());
  CHECK(h.fenced(2));
  // Node 1 heartbeats without the flag (its shutdown was called off): live again.
  h.ctl.handle_heartbeat(h.img(), heartbeat_request{1, e1, e2, false}, h.now);
  CHECK_FALSE(h.ctl.shutting_down(1, e1));
  CHECK(h.ctl.unfenced_brokers(h.img()) == std::set<int32_t>{1});
}

TEST_CASE("cluster_control: one unfence in flight at a time, again after a failed proposal") {
  harness h;
  h.ctl.activate(h.img(), h.now);
  auto epoch = h.register_node(1, "inc");
  auto first = h.ctl.handle_heartbeat(h.img(), heartbeat_request{1, epoch, epoch}, h.now);
  CHECK(first.records.size() == 1);
  CHECK(h.ctl.handle_heartbeat(h.img(), heartbeat_request{1, epoch, epoch}, h.now).records.empty());
  h.ctl.proposal_failed();
  CHECK(h.ctl.handle_heartbeat(h.img(), heartbeat_request{1, epoch, epoch}, h.now).records.size() == 1);
}

TEST_CASE("cluster_control: fenced after the session timeout without heartbeats, not before") {
  harness h;
  h.ctl.activate(h.img(), h.now);
  auto e1 = h.register_node(1, "a");
  auto e2 = h.register_node(2, "b");
  h.heartbeat(1, e1, 10);
  h.heartbeat(2, e2, 10);
  REQUIRE_FALSE(h.fenced(1));
  REQUIRE_FALSE(h.fenced(2));
  // Node 2 keeps heartbeating every 2 s, node 1 stays silent from t=0.
  for (h.now = 2000; h.now < session_ms; h.now += 2000) {
    h.heartbeat(2, e2, 10);
    CHECK(h.commit(h.ctl.tick(h.img(), h.now)) == -1);
  }
  h.now = session_ms - 1;
  CHECK(h.ctl.tick(h.img(), h.now).records.empty());
  CHECK_FALSE(h.fenced(1));
  h.now = session_ms;
  auto d = h.ctl.tick(h.img(), h.now);
  REQUIRE(d.records.size() == 1);
  CHECK(std::get<fence_broker_record>(d.records[0]).node_id == 1);
  h.commit(d);
  CHECK(h.fenced(1));
  CHECK_FALSE(h.fenced(2));
  CHECK(h.ctl.tick(h.img(), h.now + 1).records.empty()); // fenced once

  SUBCASE("heartbeats again (SIGCONT): unfenced, the same epoch") {
    auto hb = h.heartbeat(1, e1, 20);
    CHECK(hb.reply.kind == reply_kind::heartbeat);
    CHECK_FALSE(h.fenced(1));
    CHECK(h.img().broker(1)->broker_epoch == e1);
  }
}

TEST_CASE("cluster_control: a node seen gone is fenced at once, only for its current epoch") {
  harness h;
  h.ctl.activate(h.img(), h.now);
  auto e1 = h.register_node(1, "a");
  h.heartbeat(1, e1, e1);
  REQUIRE_FALSE(h.fenced(1));
  CHECK(h.ctl.handle_node_down(h.img(), 1, e1 - 1, h.now).records.empty()); // an older incarnation's actor
  CHECK_FALSE(h.fenced(1));
  auto d = h.ctl.handle_node_down(h.img(), 1, e1, h.now);
  REQUIRE(d.records.size() == 1);
  h.commit(d);
  CHECK(h.fenced(1));
  CHECK(h.ctl.handle_node_down(h.img(), 1, e1, h.now).records.empty());
  CHECK(h.ctl.tick(h.img(), h.now).records.empty()); // fenced: the session is over
  CHECK(h.ctl.session_deadline(1) == nullptr);
  // The restarted process registers a new incarnation: higher epoch, fenced until caught up.
  auto e2 = h.register_node(1, "a2");
  CHECK(e2 > e1);
  CHECK(h.fenced(1));
  h.heartbeat(1, e2, e2);
  CHECK_FALSE(h.fenced(1));
}

TEST_CASE("cluster_control: a fence that did not commit is proposed again by the next tick") {
  harness h;
  h.ctl.activate(h.img(), h.now);
  auto e1 = h.register_node(1, "a");
  h.heartbeat(1, e1, e1);
  auto lost = h.ctl.handle_node_down(h.img(), 1, e1, h.now); // proposed, never committed
  REQUIRE(lost.records.size() == 1);
  CHECK(h.ctl.tick(h.img(), h.now).records.empty()); // still in flight
  h.ctl.proposal_failed();
  auto again = h.ctl.tick(h.img(), h.now);
  REQUIRE(again.records.size() == 1);
  h.commit(again);
  CHECK(h.fenced(1));
}

TEST_CASE("cluster_control: a new active controller gives every registered broker a fresh session") {
  harness h;
  h.ctl.activate(h.img(), h.now);
  auto e1 = h.register_node(1, "a");
  h.heartbeat(1, e1, e1);
  // Node 1 goes silent at t=0; at t=8000 the controller fails over to another node (fresh soft state).
  cluster_control next{session_ms};
  h.now = 8000;
  CHECK(next.tick(h.img(), h.now).records.empty()); // not active: decides nothing
  CHECK(next.handle_heartbeat(h.img(), heartbeat_request{1, e1, e1}, h.now).reply.kind == reply_kind::refused);
  next.activate(h.img(), h.now);
  REQUIRE(next.session_deadline(1) != nullptr);
  CHECK(*next.session_deadline(1) == 8000 + session_ms);
  h.now = 8000 + session_ms - 1;
  CHECK(next.tick(h.img(), h.now).records.empty()); // the old controller's deadline (9000) no longer counts
  h.now = 8000 + session_ms;
  CHECK(next.tick(h.img(), h.now).records.size() == 1);
  next.deactivate();
  CHECK(next.session_deadline(1) == nullptr);
}

TEST_CASE("metadata_publisher: applies batches in order, reports refusals, snapshots round-trip") {
  metadata_publisher pub;
  auto reg = metadata_codec::encode({register_broker_record{1, "inc", -1, {}, "", true}});
  auto r = pub.apply_entry(3, reg);
  CHECK(r.decoded);
  CHECK(r.applied == 1);
  CHECK(pub.image().offset() == 3);
  CHECK(pub.image().broker(1)->broker_epoch == 3);
  // A fence of an unknown epoch is refused (a no-op), never a crash; the offset still advances.
  auto bad = pub.apply_entry(4, metadata_codec::encode({fence_broker_record{1, 99}, unfence_broker_record{1, 3}}));
  CHECK(bad.applied == 1);
  REQUIRE(bad.refusals.size() == 1);
  CHECK(bad.refusals[0].find("fence_broker") != std::string::npos);
  CHECK(pub.image().offset() == 4);
  CHECK_FALSE(pub.image().broker(1)->fenced);
  CHECK_FALSE(pub.apply_entry(5, "garbage").decoded);
  CHECK(pub.apply_entry(4, reg).refusals.size() == 1); // replayed offset
  metadata_publisher other;
  REQUIRE(other.install(pub.take_snapshot()));
  CHECK(other.image() == pub.image());
  CHECK_FALSE(other.install("not a snapshot"));
  CHECK(other.image() == pub.image());
  auto shared = pub.share();
  pub.apply_entry(6, metadata_codec::encode({fence_broker_record{1, 3}}));
  CHECK_FALSE(shared->broker(1)->fenced); // a published copy never changes
}
