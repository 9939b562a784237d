// Membership changes of the classic group state machine: session expiry, rebalance timeout,
// LeaveGroup (v0 and v3 batch), static membership, unload/delete, offset-commit rule, restore.

#include <doctest/doctest.h>

#include "cluster/group_state.hpp"
#include "cluster/offsets_topic.hpp"
#include "test_group_support.hpp"

using namespace samsa::cluster;
using namespace samsa::cluster::test;

namespace {

// Forms a Stable group of n members (static ones when `static_members`, instance "i<k>"): all
// join within the initial delay, the leader assigns "p-<member id>" to everyone. Returns the
// member ids in join order (the first one leads). The shell needs an initial delay > 0.
std::vector<std::string> form_group(shell& s, int n, bool static_members = false) {
  REQUIRE(s.g.config().initial_rebalance_delay_ms > 0);
  std::vector<std::string> ids;
  for (int k = 0; k < n; ++k) {
    std::optional<std::string> inst;
    if (static_members)
      inst = "i" + std::to_string(k);
    std::string id;
    REQUIRE_FALSE(s.join(make_join("", {}, inst), &id));
    ids.push_back(id);
  }
  s.advance(2 * s.g.config().initial_rebalance_delay_ms);
  int32_t gen = s.g.generation_id();
  for (const auto& id : ids) {
    auto j = s.take_join(id);
    REQUIRE(j);
    REQUIRE(j->error == group_errc::none);
    REQUIRE(j->generation_id == gen);
  }
  std::vector<sync_assignment> assignments;
  for (size_t k = 1; k < ids.size(); ++k)
    REQUIRE_FALSE(s.sync(ids[k], gen, {}, static_members ? std::optional<std::string>("i" + std::to_string(k)) : std::nullopt));
  for (const auto& id : ids)
    assignments.push_back({id, "p-" + id});
  REQUIRE(s.sync(ids[0], gen, assignments));
  for (size_t k = 1; k < ids.size(); ++k)
    REQUIRE(s.take_sync(ids[k])->assignment == "p-" + ids[k]);
  REQUIRE(s.g.state() == group_state::stable);
  return ids;
}

} // namespace

TEST_CASE("group membership: session expiry removes the member and rebalances") {
  shell s(test_config(100));
  auto ids = form_group(s, 2);
  int64_t t0 = s.now;
  CHECK(s.g.next_deadline() == t0 + 10000);
  s.advance(5000);
  CHECK(s.heartbeat(ids[0], 1) == group_errc::none);
  s.advance(4999);
  CHECK(s.g.members().size() == 2);
  s.advance(1); // ids[1] silent for 10000 ms
  CHECK(s.g.members().size() == 1);
  CHECK(s.g.state() == group_state::preparing_rebalance);
  CHECK(s.heartbeat(ids[1], 1) == group_errc::unknown_member_id);
  CHECK(s.heartbeat(ids[0], 1) == group_errc::rebalance_in_progress);
  auto j = s.join(make_join(ids[0]));
  REQUIRE(j);
  CHECK(j->generation_id == 2);
  CHECK(j->members.size() == 1);
}

TEST_CASE("group membership: rebalance timeout drops members that did not rejoin") {
  shell s(test_config(100));
  auto ids = form_group(s, 3);
  // ids[2] changes its subscription; ids[0] rejoins; ids[1] keeps heartbeating but never rejoins.
  CHECK_FALSE(s.join(make_join(ids[2], {{"range", "new"}})));
  CHECK_FALSE(s.join(make_join(ids[0])));
  for (int i = 0; i < 5; ++i) {
    s.advance(5000);
    CHECK(s.heartbeat(ids[1], 1) == group_errc::rebalance_in_progress);
    CHECK(s.join_parked(ids[0]));
  }
  s.advance(5000); // 30000 ms rebalance timeout
  auto j0 = s.take_join(ids[0]), j2 = s.take_join(ids[2]);
  REQUIRE(j0);
  REQUIRE(j2);
  CHECK(j0->generation_id == 2);
  CHECK(j0->leader_id == ids[0]);
  CHECK(j0->members.size() == 2);
  CHECK(s.g.find_member(ids[1]) == nullptr);
  CHECK(s.heartbeat(ids[1], 2) == group_errc::unknown_member_id);
}

TEST_CASE("group membership: a static leader that misses a rebalance stays, but leads no more") {
  shell s(test_config(100));
  auto ids = form_group(s, 2, true);
  CHECK_FALSE(s.join(make_join(ids[1], {{"range", "new"}}, std::string("i1"))));
  for (int i = 0; i < 6; ++i) { // the 30000 ms rebalance timeout; i0 heartbeats, never rejoins
    CHECK(s.heartbeat(ids[0], 1, std::string("i0")) == group_errc::rebalance_in_progress);
    s.advance(5000);
  }
  auto j = s.take_join(ids[1]);
  REQUIRE(j);
  CHECK(j->generation_id == 2);
  CHECK(j->leader_id == ids[1]); // the leader must be a member that has rejoined
  CHECK(j->members.size() == 2); // the static member keeps its place until its session ends
  CHECK(s.g.find_member(ids[0]) != nullptr);
}

TEST_CASE("group membership: LeaveGroup v0 (one member)") {
  shell s(test_config(100));
  auto ids = form_group(s, 2);
  auto r = s.leave({{ids[1], std::nullopt}});
  CHECK(r.error == group_errc::none);
  REQUIRE(r.members.size() == 1);
  CHECK(r.members[0].error == group_errc::none);
  CHECK(s.g.state() == group_state::preparing_rebalance);
  CHECK(s.heartbeat(ids[0], 1) == group_errc::rebalance_in_progress);
  CHECK(s.join(make_join(ids[0]))->generation_id == 2);

  auto unknown = s.leave({{"ghost", std::nullopt}});
  CHECK(unknown.members[0].error == group_errc::unknown_member_id);

  SUBCASE("a leaving member's parked join is answered") {
    std::string b;
    s.join(make_join(""), &b);
    s.leave({{b, std::nullopt}});
    auto jb = s.take_join(b);
    REQUIRE(jb);
    CHECK(jb->error == group_errc::unknown_member_id);
  }
}

TEST_CASE("group membership: LeaveGroup v3 batch with static members") {
  shell s(test_config(100));
  auto ids = form_group(s, 3, true);
  auto r = s.leave({{ids[1], std::string("i1")},
                    {"", std::string("i2")}, // by instance id alone
                    {"ghost", std::nullopt},
                    {"ghost2", std::string("i0")}}); // i0 belongs to someone else: fenced
  CHECK(r.error == group_errc::none);
  REQUIRE(r.members.size() == 4);
  CHECK(r.members[0].error == group_errc::none);
  CHECK(r.members[1].error == group_errc::none);
  CHECK(r.members[2].error == group_errc::unknown_member_id);
  CHECK(r.members[3].error == group_errc::fenced_instance_id);
  CHECK(r.members[1].group_instance_id == "i2");
  REQUIRE(s.g.members().size() == 1);
  CHECK(s.g.members()[0].member_id == ids[0]);
}

TEST_CASE("group membership: the group is Empty after everyone leaves") {
  shell s(test_config(100));
  auto ids = form_group(s, 2);
  int stores = s.stores;
  CHECK(s.g.try_delete() == group_errc::non_empty_group);
  s.leave({{ids[0], std::nullopt}, {ids[1], std::nullopt}});
  CHECK(s.g.state() == group_state::empty);
  CHECK(s.g.empty());
  CHECK(s.g.generation_id() == 2);
  CHECK(s.g.leader_id().empty());
  CHECK(s.stores == stores + 1);
  auto d = s.g.describe();
  CHECK(d.state == "Empty");
  CHECK(d.protocol_type == "consumer"); // kept, as Kafka's ListGroups shows it
  CHECK(d.protocol.empty());
  CHECK(d.members.empty());
  CHECK(s.heartbeat(ids[0], 2) == group_errc::unknown_member_id);
  CHECK(s.sync(ids[0], 2)->error == group_errc::unknown_member_id);
  CHECK(s.g.validate_offset_commit("", std::nullopt, -1, s.now) == group_errc::none);

  SUBCASE("an Empty group can be deleted") {
    CHECK(s.g.try_delete() == group_errc::none);
    CHECK(s.g.state() == group_state::dead);
  }
  SUBCASE("or start over, with the initial delay again") {
    std::string a;
    CHECK_FALSE(s.join(make_join(""), &a));
    s.advance(100);
    CHECK(s.take_join(a)->generation_id == 3);
  }
}

TEST_CASE("group membership: leader leaving while CompletingRebalance sends followers back") {
  shell s(test_config(100));
  auto ids = form_group(s, 2);
  CHECK_FALSE(s.join(make_join(ids[0])));
  auto j1 = s.join(make_join(ids[1]));
  REQUIRE(j1);
  CHECK_FALSE(s.sync(ids[1], 2));
  s.leave({{ids[0], std::nullopt}});
  auto sy = s.take_sync(ids[1]);
  REQUIRE(sy);
  CHECK(sy->error == group_errc::rebalance_in_progress);
  CHECK(s.g.state() == group_state::preparing_rebalance);
}

TEST_CASE("group membership: a leader that never syncs expires, parked followers rejoin") {
  shell s(test_config(100));
  auto ids = form_group(s, 2);
  s.join(make_join(ids[0]));
  s.join(make_join(ids[1]));
  CHECK_FALSE(s.sync(ids[1], 2)); // parked: kept alive while waiting
  s.advance(10000);
  CHECK(s.g.find_member(ids[0]) == nullptr);
  CHECK(s.take_sync(ids[1])->error == group_errc::rebalance_in_progress);
}

TEST_CASE("group membership: static member rejoin keeps its assignment without a rebalance") {
  shell s(test_config(100));
  auto ids = form_group(s, 2, true);
  int32_t gen = s.g.generation_id();
  // i1 restarts and has lost its member id.
  auto j = s.join(make_join("", {}, std::string("i1")));
  REQUIRE(j);
  CHECK(j->error == group_errc::none);
  CHECK(j->member_id != ids[1]);
  CHECK(j->member_id.rfind("i1-", 0) == 0);
  CHECK(j->generation_id == gen);
  CHECK(j->leader_id == ids[0]);
  CHECK(j->members.empty());
  CHECK(s.g.state() == group_state::stable);
  std::string fresh = j->member_id;
  auto sy = s.sync(fresh, gen, {}, std::string("i1"));
  REQUIRE(sy);
  CHECK(sy->assignment == "p-" + ids[1]);
  CHECK(s.heartbeat(ids[0], gen, std::string("i0")) == group_errc::none);

  // The old incarnation is fenced everywhere.
  CHECK(s.heartbeat(ids[1], gen, std::string("i1")) == group_errc::fenced_instance_id);
  CHECK(s.sync(ids[1], gen, {}, std::string("i1"))->error == group_errc::fenced_instance_id);
  CHECK(s.join(make_join(ids[1], {}, std::string("i1")))->error == group_errc::fenced_instance_id);
  CHECK(s.g.validate_offset_commit(ids[1], std::string("i1"), gen, s.now) ==
        group_errc::fenced_instance_id);
  // Without the instance id it is simply unknown.
  CHECK(s.heartbeat(ids[1], gen) == group_errc::unknown_member_id);
  CHECK(s.g.state() == group_state::stable);
}

TEST_CASE("group membership: a replaced static leader is not told it leads") {
  shell s(test_config(100));
  auto ids = form_group(s, 2, true);
  auto j = s.join(make_join("", {}, std::string("i0")));
  REQUIRE(j);
  CHECK(j->leader_id == ids[0]); // the old id: the new incarnation must not reassign
  CHECK(s.g.leader_id() == j->member_id); // but it leads the next rebalance
}

TEST_CASE("group membership: static replacement fences the old incarnation's parked requests") {
  shell s(test_config(100));
  auto ids = form_group(s, 2, true);
  CHECK_FALSE(s.join(make_join(ids[0], {}, std::string("i0"))));
  auto j1 = s.join(make_join(ids[1], {}, std::string("i1")));
  REQUIRE(j1);
  REQUIRE(s.take_join(ids[0]));
  CHECK_FALSE(s.sync(ids[1], 2, {}, std::string("i1")));

  auto fresh = s.join(make_join("", {}, std::string("i1"))); // CompletingRebalance: no rebalance
  REQUIRE(fresh);
  CHECK(fresh->generation_id == 2);
  CHECK(s.take_sync(ids[1])->error == group_errc::fenced_instance_id);
  CHECK_FALSE(s.sync(fresh->member_id, 2, {}, std::string("i1")));
  s.sync(ids[0], 2, {{ids[0], "x"}, {fresh->member_id, "y"}}, std::string("i0"));
  CHECK(s.take_sync(fresh->member_id)->assignment == "y");

  SUBCASE("while preparing, the new incarnation's join is parked and completes the round") {
    CHECK_FALSE(s.join(make_join(ids[0], {{"range", "more"}}, std::string("i0"))));
    auto again = s.join(make_join("", {}, std::string("i1"))); // i1 restarts once more
    REQUIRE(again); // parked, and its arrival completed the round within the call
    CHECK(again->member_id != fresh->member_id);
    CHECK(again->generation_id == 3);
    auto j0 = s.take_join(ids[0]);
    REQUIRE(j0);
    REQUIRE(j0->members.size() == 2);
    CHECK(j0->members[1].member_id == again->member_id);
    CHECK(j0->members[1].group_instance_id == "i1");
  }
}

TEST_CASE("group membership: static members that miss a rebalance stay until their session ends") {
  shell s(test_config(100));
  auto ids = form_group(s, 2, true);
  CHECK_FALSE(s.join(make_join(ids[0], {{"range", "new"}}, std::string("i0"))));
  s.advance(9999); // within the session of i1, but ...
  s.heartbeat(ids[0], 1, std::string("i0"));
  CHECK(s.g.find_member(ids[1]) != nullptr);
  s.advance(1); // ... its session ends at 10000, before the 30000 rebalance timeout
  CHECK(s.g.find_member(ids[1]) == nullptr);
  auto j = s.take_join(ids[0]);
  REQUIRE(j);
  CHECK(j->members.size() == 1);
}

TEST_CASE("group membership: a repeated JoinGroup supersedes the parked one") {
  shell s(test_config(100));
  auto ids = form_group(s, 2);
  CHECK_FALSE(s.join(make_join(ids[0])));
  CHECK_FALSE(s.join(make_join(ids[0])));
  auto old = s.take_join(ids[0]);
  REQUIRE(old);
  CHECK(old->error == group_errc::rebalance_in_progress);
  CHECK(s.join_parked(ids[0]));
  CHECK(s.join(make_join(ids[1]))->generation_id == 2);
  CHECK(s.take_join(ids[0])->generation_id == 2);
}

TEST_CASE("group membership: unload answers parked requests with NOT_COORDINATOR") {
  shell s(test_config(100));
  auto ids = form_group(s, 2);
  CHECK_FALSE(s.join(make_join(ids[0])));
  s.deliver(s.g.unload(group_errc::not_coordinator));
  CHECK(s.take_join(ids[0])->error == group_errc::not_coordinator);
  CHECK(s.g.state() == group_state::dead);
  CHECK(s.heartbeat(ids[1], 1) == group_errc::coordinator_not_available);
  CHECK(s.leave({{ids[1], std::nullopt}}).error == group_errc::coordinator_not_available);
}

TEST_CASE("group membership: offset commit rule") {
  shell s(test_config(100));
  CHECK(s.g.validate_offset_commit("", std::nullopt, -1, 0) == group_errc::none);
  CHECK(s.g.validate_offset_commit("x", std::nullopt, 3, 0) == group_errc::unknown_member_id);
  auto ids = form_group(s, 1);
  CHECK(s.g.validate_offset_commit(ids[0], std::nullopt, 1, s.now) == group_errc::none);
  CHECK(s.g.validate_offset_commit(ids[0], std::nullopt, 0, s.now) == group_errc::illegal_generation);
  CHECK(s.g.validate_offset_commit("", std::nullopt, -1, s.now) == group_errc::unknown_member_id);
  // A commit is a sign of life.
  s.advance(9000);
  CHECK(s.g.validate_offset_commit(ids[0], std::nullopt, 1, s.now) == group_errc::none);
  s.advance(9000);
  CHECK(s.g.find_member(ids[0]) != nullptr);
}

TEST_CASE("group membership: snapshot and restore") {
  shell s(test_config(100));
  auto ids = form_group(s, 2, true);
  auto snap = s.g.snapshot();
  CHECK(snap.generation_id == 1);
  CHECK(snap.protocol == "range");
  CHECK(snap.leader_id == ids[0]);
  REQUIRE(snap.members.size() == 2);
  CHECK(snap.members[1].assignment == "p-" + ids[1]);
  CHECK(snap.members[1].group_instance_id == "i1");

  group g = group::restore("g1", snap, test_config(100), 5000);
  CHECK(g.state() == group_state::stable);
  CHECK(g.generation_id() == 1);
  CHECK(g.leader_id() == ids[0]);
  CHECK(g.heartbeat({1, ids[1], std::string("i1")}, 5000) == group_errc::none);
  auto sy = g.sync({1, ids[1], std::string("i1"), {}}, 5000);
  REQUIRE(sy.response);
  CHECK(sy.response->assignment == "p-" + ids[1]);
  CHECK(g.next_deadline() == 15000);

  group empty = group::restore("g2", group_snapshot{4, "consumer", "", "", {}}, {}, 0);
  CHECK(empty.state() == group_state::empty);
  CHECK(empty.generation_id() == 4);
}

TEST_CASE("group membership: restored from its encoded metadata, the group continues its generation") {
  // What a new coordinator does: the latest GroupMetadataValue of the group, decoded and restored. The
  // members of the Stable generation keep heartbeating, and the next rebalance forms generation 2, not 1.
  shell s(test_config(100));
  auto ids = form_group(s, 2);
  REQUIRE(s.g.generation_id() == 1);
  CHECK(s.stores == 1); // the Stable generation is to be stored
  auto value = decode_group_metadata(encode_group_metadata(s.g.snapshot(), 1700000000000));
  REQUIRE(value);
  CHECK(value->current_state_timestamp_ms == 1700000000000);

  shell t(test_config(100));
  t.now = 50000;
  t.g = group::restore("g1", value->snapshot, test_config(100), t.now);
  CHECK(t.g.state() == group_state::stable);
  CHECK(t.heartbeat(ids[0], 1) == group_errc::none);
  CHECK(t.heartbeat(ids[1], 1) == group_errc::none);
  auto sy = t.sync(ids[1], 1);
  REQUIRE(sy);
  CHECK(sy->assignment == "p-" + ids[1]);

  // A third member joins: the restored members rejoin and the group forms generation 2.
  std::string joiner;
  REQUIRE_FALSE(t.join(make_join("", {}), &joiner));
  REQUIRE_FALSE(t.join(make_join(ids[0])));
  auto last = t.join(make_join(ids[1])); // the last to rejoin completes the join phase: answered at once
  REQUIRE(last);
  CHECK(last->generation_id == 2);
  auto j = t.take_join(ids[0]);
  REQUIRE(j);
  CHECK(j->error == group_errc::none);
  CHECK(j->generation_id == 2);
  CHECK(t.g.generation_id() == 2);

  // Members that never come back: their sessions expire from the restore on, and the group becomes Empty at
  // the next generation, which is stored too.
  shell u(test_config(100));
  u.now = 50000;
  u.g = group::restore("g1", value->snapshot, test_config(100), u.now);
  u.advance(9999);
  CHECK(u.g.members().size() == 2);
  u.advance(100000);
  CHECK(u.g.state() == group_state::empty);
  CHECK(u.g.generation_id() == 2);
  CHECK(u.stores == 1);
}

TEST_CASE("group membership: SyncGroup v5 names the group's protocol type and name, or is refused") {
  shell s(test_config(100));
  auto ids = form_group(s, 2);
  int32_t gen = s.g.generation_id();
  auto sync_v5 = [&](const std::string& id, std::optional<std::string> type, std::optional<std::string> name) {
    auto r = s.g.sync({gen, id, std::nullopt, {}, std::move(type), std::move(name)}, s.now);
    s.deliver(r.effects);
    REQUIRE(r.response);
    return *r.response;
  };
  auto ok = sync_v5(ids[1], std::string("consumer"), std::string("range"));
  CHECK(ok.error == group_errc::none);
  CHECK(ok.assignment == "p-" + ids[1]);
  CHECK(ok.protocol_type == "consumer");
  CHECK(ok.protocol_name == "range");
  CHECK(sync_v5(ids[1], std::nullopt, std::nullopt).error == group_errc::none); // null: not checked
  CHECK(sync_v5(ids[1], std::string("connect"), std::string("range")).error == group_errc::inconsistent_group_protocol);
  CHECK(sync_v5(ids[1], std::string("consumer"), std::string("roundrobin")).error
        == group_errc::inconsistent_group_protocol);
  // The generation is checked first, as in Kafka.
  auto stale = s.g.sync({gen - 1, ids[1], std::nullopt, {}, std::string("connect"), std::nullopt}, s.now);
  REQUIRE(stale.response);
  CHECK(stale.response->error == group_errc::illegal_generation);
  CHECK(s.g.state() == group_state::stable);
}
