// Range and round-robin assignors: Kafka's documented examples, member ordering, edge cases,
// and validity of all three assignors over random inputs.

#include <doctest/doctest.h>

#include <random>

#include "cluster/assignor.hpp"
#include "test_assignor_support.hpp"

using namespace samsa::cluster;
using namespace samsa::cluster::test;

namespace {

assignor_member member(std::string id, std::vector<std::string> topics,
                       std::optional<std::string> instance = std::nullopt) {
  return assignor_member{std::move(id), std::move(instance), std::move(topics), {}};
}

} // namespace

TEST_CASE("assignor range: Kafka's example, 2 consumers x 2 topics x 3 partitions") {
  std::vector<assignor_member> ms = {member("C0", {"t0", "t1"}), member("C1", {"t0", "t1"})};
  partition_counts counts = {{"t0", 3}, {"t1", 3}};
  auto out = assign_range(ms, counts);
  check_valid(ms, counts, out);
  CHECK(out["C0"] == cat(tps("t0", {0, 1}), tps("t1", {0, 1})));
  CHECK(out["C1"] == cat(tps("t0", {2}), tps("t1", {2})));
}

TEST_CASE("assignor range: uneven split, more members than partitions, heterogeneous") {
  SUBCASE("the first members get one extra") {
    std::vector<assignor_member> ms = {member("c", {"t"}), member("a", {"t"}), member("b", {"t"})};
    auto out = assign_range(ms, {{"t", 7}});
    CHECK(out["a"] == tps("t", {0, 1, 2}));
    CHECK(out["b"] == tps("t", {3, 4}));
    CHECK(out["c"] == tps("t", {5, 6}));
  }
  SUBCASE("more members than partitions") {
    std::vector<assignor_member> ms = {member("a", {"t"}), member("b", {"t"}), member("c", {"t"})};
    auto out = assign_range(ms, {{"t", 2}});
    CHECK(out["a"] == tps("t", {0}));
    CHECK(out["b"] == tps("t", {1}));
    CHECK(out["c"].empty());
  }
  SUBCASE("each topic is split among its own subscribers only") {
    std::vector<assignor_member> ms = {member("a", {"t0"}), member("b", {"t0", "t1"}),
                                       member("c", {"t1", "unknown-topic"})};
    partition_counts counts = {{"t0", 2}, {"t1", 4}};
    auto out = assign_range(ms, counts);
    check_valid(ms, counts, out);
    CHECK(out["a"] == tps("t0", {0}));
    CHECK(out["b"] == cat(tps("t0", {1}), tps("t1", {0, 1})));
    CHECK(out["c"] == tps("t1", {2, 3}));
  }
  SUBCASE("static members first, ordered by instance id") {
    std::vector<assignor_member> ms = {member("a-dynamic", {"t"}),
                                       member("z-member", {"t"}, std::string("inst-1")),
                                       member("y-member", {"t"}, std::string("inst-2"))};
    auto out = assign_range(ms, {{"t", 3}});
    CHECK(out["z-member"] == tps("t", {0}));
    CHECK(out["y-member"] == tps("t", {1}));
    CHECK(out["a-dynamic"] == tps("t", {2}));
  }
}

TEST_CASE("assignor roundrobin: Kafka's examples") {
  SUBCASE("2 consumers x 2 topics x 3 partitions") {
    std::vector<assignor_member> ms = {member("C0", {"t0", "t1"}), member("C1", {"t0", "t1"})};
    partition_counts counts = {{"t0", 3}, {"t1", 3}};
    auto out = assign_roundrobin(ms, counts);
    check_valid(ms, counts, out);
    CHECK(out["C0"] == cat(tps("t0", {0, 2}), tps("t1", {1})));
    CHECK(out["C1"] == cat(tps("t0", {1}), tps("t1", {0, 2})));
  }
  SUBCASE("heterogeneous subscriptions skip non-subscribers") {
    // C0: t0; C1: t0, t1; C2: t0, t1, t2; t0 has 1 partition, t1 2, t2 3.
    std::vector<assignor_member> ms = {member("C0", {"t0"}), member("C1", {"t0", "t1"}),
                                       member("C2", {"t0", "t1", "t2"})};
    partition_counts counts = {{"t0", 1}, {"t1", 2}, {"t2", 3}};
    auto out = assign_roundrobin(ms, counts);
    check_valid(ms, counts, out);
    CHECK(out["C0"] == tps("t0", {0}));
    CHECK(out["C1"] == tps("t1", {0}));
    CHECK(out["C2"] == cat(tps("t1", {1}), tps("t2", {0, 1, 2})));
  }
}

TEST_CASE("assignor: lookup by protocol name") {
  CHECK((find_assignor("range") == &assign_range));
  CHECK((find_assignor("roundrobin") == &assign_roundrobin));
  CHECK((find_assignor("sticky") == &assign_sticky));
  CHECK((find_assignor("cooperative-sticky") == nullptr));
}

TEST_CASE("assignor: no members or no topics give empty results") {
  for (auto fn : {&assign_range, &assign_roundrobin, &assign_sticky}) {
    CHECK(fn({}, {{"t", 3}}).empty());
    auto out = fn({member("a", {"t"})}, {});
    REQUIRE(out.size() == 1);
    CHECK(out["a"].empty());
  }
}

TEST_CASE("assignor: all assignors are valid over random inputs") {
  std::mt19937 rng(7);
  const std::vector<std::string> topics = {"a", "b", "c", "d"};
  for (int round = 0; round < 300; ++round) {
    partition_counts counts;
    for (const auto& t : topics)
      if (rng() % 5 != 0)
        counts[t] = static_cast<int32_t>(rng() % 9); // 0 partitions allowed
    std::vector<assignor_member> ms;
    int n = static_cast<int>(rng() % 7);
    for (int i = 0; i < n; ++i) {
      assignor_member m;
      m.member_id = "m" + std::to_string(rng() % 1000) + "-" + std::to_string(i);
      if (rng() % 3 == 0)
        m.group_instance_id = "i" + std::to_string(i);
      for (const auto& t : topics)
        if (rng() % 2)
          m.topics.push_back(t);
      // Random (possibly invalid, duplicated or foreign) claims of ownership.
      for (int k = 0; k < 3; ++k)
        m.owned.push_back({topics[rng() % topics.size()], static_cast<int32_t>(rng() % 10) - 1});
      ms.push_back(std::move(m));
    }
    CAPTURE(round);
    check_valid(ms, counts, assign_range(ms, counts));
    check_valid(ms, counts, assign_roundrobin(ms, counts));
    auto sticky = assign_sticky(ms, counts);
    check_valid(ms, counts, sticky);
    check_balanced(ms, sticky);
  }
}
