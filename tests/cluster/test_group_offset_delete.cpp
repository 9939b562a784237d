// OffsetDelete and DeleteGroups rules of the classic group state machine: which topics keep their offsets
// because a live member consumes them, and when a group counts as existing at all.

#include <doctest/doctest.h>

#include "cluster/consumer_protocol.hpp"
#include "cluster/group_state.hpp"
#include "test_group_support.hpp"

using namespace samsa::cluster;
using namespace samsa::cluster::test;

namespace {

// A consumer member's JoinGroup subscribing to `topics` (metadata as Kafka consumers encode it).
join_request consumer_join(std::vector<std::string> topics) {
  consumer_subscription sub;
  sub.topics = std::move(topics);
  return make_join("", {{"range", encode_subscription(sub)}});
}

// Two members (subscribed to {a} and {a, b}) form a Stable group; returns their ids.
std::vector<std::string> stable_group(shell& s) {
  std::string m1, m2;
  REQUIRE_FALSE(s.join(consumer_join({"a"}), &m1));
  REQUIRE_FALSE(s.join(consumer_join({"a", "b"}), &m2));
  s.advance(2 * s.g.config().initial_rebalance_delay_ms);
  int32_t gen = s.g.generation_id();
  REQUIRE(s.take_join(m1));
  REQUIRE(s.take_join(m2));
  REQUIRE_FALSE(s.sync(m2, gen));
  REQUIRE(s.sync(m1, gen, {{m1, ""}, {m2, ""}}));
  REQUIRE(s.g.state() == group_state::stable);
  return {m1, m2};
}

} // namespace

TEST_CASE("offset delete: a Stable consumer group keeps the offsets of topics its members subscribe to") {
  shell s(test_config(100));
  auto ids = stable_group(s);
  auto check = s.g.check_offset_delete({"a", "b", "c"});
  CHECK(check.error == group_errc::none);
  CHECK(check.subscribed == std::set<std::string>{"a", "b"});
  // Once the member subscribed to b leaves, b's offsets may go; a's stay.
  s.leave({{ids[1], std::nullopt}});
  check = s.g.check_offset_delete({"a", "b"});
  CHECK(check.subscribed == std::set<std::string>{"a"});
  // Empty (everyone gone): every topic may lose its offsets.
  s.leave({{ids[0], std::nullopt}});
  REQUIRE(s.g.empty());
  check = s.g.check_offset_delete({"a", "b"});
  CHECK(check.error == group_errc::none);
  CHECK(check.subscribed.empty());
  CHECK(s.g.formed());
}

TEST_CASE("offset delete: unknown subscriptions protect every topic") {
  shell s(test_config(100));
  SUBCASE("members that joined before any protocol was chosen") {
    std::string m;
    REQUIRE_FALSE(s.join(consumer_join({"a"}), &m));
    REQUIRE(s.g.protocol_name().empty());
    CHECK(s.g.check_offset_delete({"x", "y"}).subscribed == std::set<std::string>{"x", "y"});
  }
  SUBCASE("metadata that is not a subscription") {
    std::string m;
    REQUIRE_FALSE(s.join(make_join("", {{"range", "garbage"}}), &m));
    s.advance(200);
    REQUIRE_FALSE(s.g.protocol_name().empty());
    CHECK(s.g.check_offset_delete({"x"}).subscribed == std::set<std::string>{"x"});
  }
}

TEST_CASE("offset delete: a group of another protocol type must be empty, a Dead one is not found") {
  shell s(test_config(100));
  auto join = make_join("");
  join.protocol_type = "connect";
  std::string m;
  REQUIRE_FALSE(s.join(join, &m));
  CHECK(s.g.check_offset_delete({"a"}).error == group_errc::non_empty_group);
  s.leave({{m, std::nullopt}});
  CHECK(s.g.check_offset_delete({"a"}).error == group_errc::none);
  s.advance(200); // the rebalance the member left during ends: Empty
  CHECK(s.g.try_delete() == group_errc::none);
  CHECK(s.g.check_offset_delete({"a"}).error == group_errc::group_id_not_found);
}

TEST_CASE("delete group: a coordinator that never saw a member has not formed a group") {
  group fresh("looked-up", test_config());
  CHECK_FALSE(fresh.formed());
  CHECK(fresh.check_offset_delete({"a"}).error == group_errc::none);
  shell s(test_config(100));
  std::string m;
  REQUIRE_FALSE(s.join(consumer_join({"a"}), &m));
  CHECK(s.g.formed());
  CHECK(s.g.try_delete() == group_errc::non_empty_group);
}
