// JoinGroup / SyncGroup / Heartbeat flows of the classic group state machine with a fake clock.

#include <doctest/doctest.h>

#include "cluster/group_state.hpp"
#include "test_group_support.hpp"

using namespace samsa::cluster;
using namespace samsa::cluster::test;

TEST_CASE("group join: one member, full join/sync/heartbeat flow") {
  shell s;
  CHECK(s.g.state() == group_state::empty);
  auto j = s.join(make_join("", {{"range", "sub-a"}}));
  // Delay 0 and the only member in: the join completes within the call.
  REQUIRE(j);
  CHECK(j->error == group_errc::none);
  CHECK(j->generation_id == 1);
  CHECK(j->protocol_name == "range");
  CHECK(j->leader_id == j->member_id);
  CHECK(j->member_id.rfind("client-", 0) == 0);
  REQUIRE(j->members.size() == 1);
  CHECK(j->members[0].member_id == j->member_id);
  CHECK(j->members[0].metadata == "sub-a");
  CHECK(s.g.state() == group_state::completing_rebalance);

  std::string a = j->member_id;
  CHECK(s.heartbeat(a, 1) == group_errc::none); // newer Kafka: NONE while completing
  auto sy = s.sync(a, 1, {{a, "assign-a"}});
  REQUIRE(sy);
  CHECK(sy->error == group_errc::none);
  CHECK(sy->assignment == "assign-a");
  CHECK(s.g.state() == group_state::stable);
  CHECK(s.stores == 1);

  CHECK(s.heartbeat(a, 1) == group_errc::none);
  CHECK(s.heartbeat(a, 0) == group_errc::illegal_generation);
  CHECK(s.heartbeat("nobody", 1) == group_errc::unknown_member_id);
  // A repeated sync in Stable returns the stored assignment.
  auto again = s.sync(a, 1);
  REQUIRE(again);
  CHECK(again->assignment == "assign-a");

  auto d = s.g.describe();
  CHECK(d.state == "Stable");
  CHECK(d.protocol_type == "consumer");
  CHECK(d.protocol == "range");
  REQUIRE(d.members.size() == 1);
  CHECK(d.members[0].client_id == "client");
  CHECK(d.members[0].client_host == "/127.0.0.1");
  CHECK(d.members[0].metadata == "sub-a");
  CHECK(d.members[0].assignment == "assign-a");
}

TEST_CASE("group join: three members, leader gets the member list, each gets its assignment") {
  shell s(test_config(3000));
  std::string a, b, c;
  CHECK_FALSE(s.join(make_join("", {{"range", "A"}}), &a));
  s.now = 100;
  CHECK_FALSE(s.join(make_join("", {{"range", "B"}}), &b));
  s.now = 200;
  CHECK_FALSE(s.join(make_join("", {{"range", "C"}}), &c));
  CHECK(s.g.state() == group_state::preparing_rebalance);

  s.advance(2799); // t = 2999: still inside the initial delay
  CHECK(s.join_parked(a));
  s.advance(1); // t = 3000: delay over, but members arrived during it: wait one more delay
  CHECK(s.join_parked(a));
  CHECK(s.g.next_deadline() == 6000);
  s.advance(3000);
  auto ja = s.take_join(a), jb = s.take_join(b), jc = s.take_join(c);
  REQUIRE(ja);
  REQUIRE(jb);
  REQUIRE(jc);
  for (auto* j : {&*ja, &*jb, &*jc}) {
    CHECK(j->error == group_errc::none);
    CHECK(j->generation_id == 1);
    CHECK(j->leader_id == a); // the first to join leads
  }
  REQUIRE(ja->members.size() == 3);
  CHECK(ja->members[0].member_id == a);
  CHECK(ja->members[1].metadata == "B");
  CHECK(ja->members[2].member_id == c);
  CHECK(jb->members.empty());
  CHECK(jc->members.empty());

  // Followers sync first and wait for the leader.
  CHECK_FALSE(s.sync(b, 1));
  CHECK_FALSE(s.sync(c, 1));
  CHECK(s.g.state() == group_state::completing_rebalance);
  auto sa = s.sync(a, 1, {{a, "pa"}, {b, "pb"}, {c, "pc"}, {"ghost", "px"}});
  REQUIRE(sa);
  CHECK(sa->assignment == "pa");
  CHECK(s.take_sync(b)->assignment == "pb");
  CHECK(s.take_sync(c)->assignment == "pc");
  CHECK(s.g.state() == group_state::stable);
  for (const auto& id : {a, b, c})
    CHECK(s.heartbeat(id, 1) == group_errc::none);
}

TEST_CASE("group join: members the leader leaves out get an empty assignment") {
  shell s;
  auto ja = s.join(make_join(""));
  std::string a = ja->member_id, b;
  CHECK(s.heartbeat(a, 1) == group_errc::none);
  s.sync(a, 1, {{a, "x"}});
  CHECK_FALSE(s.join(make_join(""), &b));
  CHECK(s.join(make_join(a)));  // completes generation 2 (a's answer is immediate)
  auto jb = s.take_join(b);
  REQUIRE(jb);
  CHECK_FALSE(s.sync(b, 2));
  CHECK(s.sync(a, 2, {{a, "only-a"}})->assignment == "only-a");
  auto sb = s.take_sync(b);
  REQUIRE(sb);
  CHECK(sb->error == group_errc::none);
  CHECK(sb->assignment.empty());
}

TEST_CASE("group join: a member joining a Stable group triggers a rebalance") {
  shell s;
  std::string a = s.join(make_join(""))->member_id;
  s.sync(a, 1, {{a, "all"}});
  REQUIRE(s.g.state() == group_state::stable);

  std::string b;
  CHECK_FALSE(s.join(make_join(""), &b));
  CHECK(s.g.state() == group_state::preparing_rebalance);
  CHECK(s.heartbeat(a, 1) == group_errc::rebalance_in_progress);
  CHECK(s.sync(a, 1)->error == group_errc::rebalance_in_progress);
  CHECK(s.g.validate_offset_commit(a, std::nullopt, 1, s.now) == group_errc::none);

  // The third member arrives before a rejoins; a's rejoin completes the round for all three.
  std::string c;
  CHECK_FALSE(s.join(make_join(""), &c));
  auto ja = s.join(make_join(a));
  REQUIRE(ja);
  CHECK(ja->generation_id == 2);
  CHECK(ja->leader_id == a);
  CHECK(ja->members.size() == 3);
  CHECK(s.take_join(b)->generation_id == 2);
  CHECK(s.take_join(c)->generation_id == 2);
  CHECK(s.heartbeat(a, 1) == group_errc::illegal_generation);
  CHECK(s.g.validate_offset_commit(a, std::nullopt, 2, s.now) ==
        group_errc::rebalance_in_progress);
}

TEST_CASE("group join: rejoin in Stable: follower with same metadata vs. leader or changed") {
  shell s;
  std::string a = s.join(make_join(""))->member_id, b;
  s.join(make_join(""), &b);
  s.join(make_join(a));
  s.take_join(b);
  s.sync(b, 2);
  s.sync(a, 2, {{a, "x"}, {b, "y"}});
  REQUIRE(s.g.state() == group_state::stable);

  auto jb = s.join(make_join(b)); // follower, unchanged: the current generation, no rebalance
  REQUIRE(jb);
  CHECK(jb->generation_id == 2);
  CHECK(jb->members.empty());
  CHECK(s.g.state() == group_state::stable);

  CHECK_FALSE(s.join(make_join(b, {{"range", "changed"}}))); // new subscription: rebalance
  CHECK(s.g.state() == group_state::preparing_rebalance);
  auto ja = s.join(make_join(a));
  REQUIRE(ja);
  CHECK(ja->generation_id == 3);
  CHECK(ja->members[1].metadata == "changed");

  s.take_join(b);
  s.sync(b, 3);
  s.sync(a, 3, {});
  REQUIRE(s.g.state() == group_state::stable);
  CHECK_FALSE(s.join(make_join(a))); // the leader asks for a rebalance by rejoining
  CHECK(s.g.state() == group_state::preparing_rebalance);
}

TEST_CASE("group join: lost JoinGroup response while CompletingRebalance is answered again") {
  shell s;
  std::string a = s.join(make_join(""))->member_id;
  auto again = s.join(make_join(a));
  REQUIRE(again);
  CHECK(again->generation_id == 1);
  CHECK(again->members.size() == 1);
  CHECK(s.g.state() == group_state::completing_rebalance);
}

TEST_CASE("group join: protocol selection by votes among protocols everyone supports") {
  shell s(test_config(1000));
  std::string a, b, c;
  s.join(make_join("", {{"range", "1"}, {"roundrobin", "1"}}), &a);
  s.join(make_join("", {{"roundrobin", "2"}, {"range", "2"}}), &b);
  s.join(make_join("", {{"sticky", "3"}, {"roundrobin", "3"}, {"range", "3"}}), &c);
  s.advance(2000); // the delay is extended once since b and c arrived during it
  auto ja = s.take_join(a);
  REQUIRE(ja);
  // sticky is not common; range gets 1 vote (a), roundrobin 2 (b, and c's best common one).
  CHECK(ja->protocol_name == "roundrobin");
  REQUIRE(ja->members.size() == 3);
  CHECK(ja->members[2].metadata == "3");
  CHECK(s.take_join(b)->protocol_name == "roundrobin");

  SUBCASE("a single member gets its first choice") {
    shell one;
    auto j = one.join(make_join("", {{"sticky", "s"}, {"range", "r"}}));
    REQUIRE(j);
    CHECK(j->protocol_name == "sticky");
    CHECK(j->members[0].metadata == "s");
  }
}

TEST_CASE("group join: inconsistent protocols are rejected") {
  shell s;
  std::string a = s.join(make_join("", {{"range", "x"}}))->member_id;

  auto j = s.join(make_join("", {{"roundrobin", "x"}}));
  REQUIRE(j);
  CHECK(j->error == group_errc::inconsistent_group_protocol);

  auto other_type = make_join("", {{"range", "x"}});
  other_type.protocol_type = "connect";
  CHECK(s.join(other_type)->error == group_errc::inconsistent_group_protocol);

  // Not even the only member may switch protocols outright: the check counts its own current
  // protocols too (as Kafka's does), so a switch goes through a join listing both.
  CHECK(s.join(make_join(a, {{"roundrobin", "x"}}))->error == group_errc::inconsistent_group_protocol);

  shell fresh;
  auto no_protocols = make_join("");
  no_protocols.protocols.clear();
  CHECK(fresh.join(no_protocols)->error == group_errc::inconsistent_group_protocol);
  auto no_type = make_join("");
  no_type.protocol_type.clear();
  CHECK(fresh.join(no_type)->error == group_errc::inconsistent_group_protocol);
  CHECK(fresh.g.state() == group_state::empty);
}

TEST_CASE("group join: MEMBER_ID_REQUIRED round trip (v4+)") {
  shell s;
  auto first = make_join("");
  first.version = 4;
  auto r = s.join(first);
  REQUIRE(r);
  CHECK(r->error == group_errc::member_id_required);
  std::string id = r->member_id;
  CHECK_FALSE(id.empty());
  CHECK(s.g.has_pending_member(id));
  CHECK(s.g.state() == group_state::empty);
  CHECK(s.g.empty());

  auto made_up = make_join("not-issued");
  made_up.version = 4;
  CHECK(s.join(made_up)->error == group_errc::unknown_member_id);

  auto second = make_join(id);
  second.version = 4;
  auto j = s.join(second);
  REQUIRE(j);
  CHECK(j->error == group_errc::none);
  CHECK(j->member_id == id);
  CHECK(j->generation_id == 1);
  CHECK_FALSE(s.g.has_pending_member(id));

  SUBCASE("pending ids expire after the session timeout") {
    auto p = s.join(first);
    std::string pending = p->member_id;
    s.advance(10000);
    CHECK_FALSE(s.g.has_pending_member(pending));
    auto late = make_join(pending);
    late.version = 4;
    CHECK(s.join(late)->error == group_errc::unknown_member_id);
  }
}

TEST_CASE("group join: a pending member id delays completion until it joins or expires") {
  shell s;
  std::string a = s.join(make_join(""))->member_id;
  s.sync(a, 1, {});
  auto v4 = make_join("");
  v4.version = 4;
  std::string p = s.join(v4)->member_id;
  CHECK_FALSE(s.join(make_join(a, {{"range", "new"}}))); // forces a rebalance
  CHECK(s.join_parked(a)); // waiting for the pending member
  auto second = make_join(p);
  second.version = 4;
  auto jp = s.join(second);
  REQUIRE(jp);
  CHECK(jp->generation_id == 2);
  CHECK(s.take_join(a)->members.size() == 2);

  SUBCASE("or the pending id expires") {
    shell t;
    std::string x = t.join(make_join(""))->member_id;
    t.sync(x, 1, {});
    std::string q = t.join(v4)->member_id;
    CHECK_FALSE(t.join(make_join(x, {{"range", "new"}})));
    t.advance(9999);
    CHECK(t.join_parked(x));
    t.advance(1);
    auto jx = t.take_join(x);
    REQUIRE(jx);
    CHECK(jx->members.size() == 1);
    CHECK_FALSE(t.g.has_pending_member(q));
  }
}

TEST_CASE("group join: session timeout bounds") {
  shell s;
  auto low = make_join("");
  low.session_timeout_ms = 999;
  CHECK(s.join(low)->error == group_errc::invalid_session_timeout);
  auto high = make_join("");
  high.session_timeout_ms = 1800001;
  CHECK(s.join(high)->error == group_errc::invalid_session_timeout);
  CHECK(s.g.state() == group_state::empty);
}

TEST_CASE("group join: group.max.size") {
  auto cfg = test_config();
  cfg.max_size = 1;
  shell s(cfg);
  std::string a = s.join(make_join(""))->member_id;
  CHECK(s.join(make_join(""))->error == group_errc::group_max_size_reached);
  CHECK(s.join(make_join(a))); // known members still rejoin
}

TEST_CASE("group join: initial rebalance delay") {
  SUBCASE("completes at the delay, never earlier, even with everyone in") {
    shell s(test_config(3000));
    std::string a;
    CHECK_FALSE(s.join(make_join(""), &a));
    CHECK(s.g.next_deadline() == 3000);
    s.advance(2999);
    CHECK(s.join_parked(a));
    s.advance(1);
    auto j = s.take_join(a);
    REQUIRE(j);
    CHECK(j->generation_id == 1);
  }
  SUBCASE("keeps extending while members arrive, up to the rebalance timeout") {
    shell s(test_config(3000));
    auto req = make_join("");
    req.rebalance_timeout_ms = 7000; // delay 3000, then at most 4000 more
    std::string first;
    s.join(req, &first);
    s.now = 1000;
    s.join(req);
    s.advance(2000); // t=3000: someone arrived, wait another 3000
    CHECK(s.g.next_deadline() == 6000);
    s.now = 5000;
    s.join(req);
    s.advance(1000); // t=6000: someone arrived, but only 1000 of the budget is left
    CHECK(s.g.next_deadline() == 7000);
    s.now = 6500;
    s.join(req);
    CHECK(s.g.state() == group_state::preparing_rebalance);
    s.advance(500); // t=7000: budget spent, complete with whoever is in
    CHECK(s.g.state() == group_state::completing_rebalance);
    CHECK(s.g.generation_id() == 1);
    CHECK(s.g.members().size() == 4);
    CHECK(s.take_join(first)->members.size() == 4);
  }
  SUBCASE("only the first rebalance of an Empty group is delayed") {
    shell s(test_config(3000));
    std::string a;
    s.join(make_join(""), &a);
    s.advance(3000);
    REQUIRE(s.take_join(a));
    s.sync(a, 1, {});
    std::string b;
    CHECK_FALSE(s.join(make_join(""), &b));
    CHECK(s.join(make_join(a))); // all in: completes at once
    CHECK(s.take_join(b)->generation_id == 2);
  }
}
