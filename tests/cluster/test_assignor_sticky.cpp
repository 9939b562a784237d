// The sticky assignor: balance like round robin, and ownership kept across membership changes.

#include <doctest/doctest.h>

#include <random>

#include "cluster/assignor.hpp"
#include "test_assignor_support.hpp"

using namespace samsa::cluster;
using namespace samsa::cluster::test;

namespace {

// The members of `out` as the next round's input: everyone owns what it was given.
std::vector<assignor_member> with_owned(std::vector<assignor_member> ms, const assignment_map& out) {
  for (auto& m : ms) {
    auto it = out.find(m.member_id);
    m.owned = it == out.end() ? std::vector<topic_partition>{} : it->second;
  }
  return ms;
}

size_t kept(const std::vector<topic_partition>& before, const std::vector<topic_partition>& after) {
  size_t k = 0;
  for (const auto& tp : after)
    k += std::binary_search(before.begin(), before.end(), tp) ? 1 : 0;
  return k;
}

} // namespace

TEST_CASE("assignor sticky: a fresh assignment is balanced") {
  std::vector<assignor_member> ms = {{"a", {}, {"t0", "t1"}, {}}, {"b", {}, {"t0", "t1"}, {}},
                                     {"c", {}, {"t0", "t1"}, {}}};
  partition_counts counts = {{"t0", 5}, {"t1", 3}};
  auto out = assign_sticky(ms, counts);
  check_valid(ms, counts, out);
  check_balanced(ms, out);
  for (const auto& m : ms)
    CHECK(out[m.member_id].size() >= 2);
}

TEST_CASE("assignor sticky: a member leaving does not move anyone else's partitions") {
  std::vector<assignor_member> ms = {{"a", {}, {"t"}, {}}, {"b", {}, {"t"}, {}},
                                     {"c", {}, {"t"}, {}}};
  partition_counts counts = {{"t", 9}};
  auto first = assign_sticky(ms, counts);
  auto next = with_owned(ms, first);
  next.erase(next.begin() + 1); // b leaves
  auto second = assign_sticky(next, counts);
  check_valid(next, counts, second);
  check_balanced(next, second);
  for (const auto& id : {"a", "c"}) {
    CHECK(kept(first[id], second[id]) == first[id].size());
    CHECK(second[id].size() >= 4);
  }
}

TEST_CASE("assignor sticky: a member joining takes only what balance requires") {
  std::vector<assignor_member> ms = {{"a", {}, {"t"}, {}}, {"b", {}, {"t"}, {}}};
  partition_counts counts = {{"t", 7}};
  auto first = assign_sticky(ms, counts);
  auto next = with_owned(ms, first);
  next.push_back({"c", {}, {"t"}, {}});
  auto second = assign_sticky(next, counts);
  check_valid(next, counts, second);
  check_balanced(next, second);
  // Old members only lose partitions, never swap: 4+3 -> 3/2 + 2 moved to c.
  for (const auto& id : {"a", "b"})
    CHECK(kept(first[id], second[id]) == second[id].size());
  CHECK(second["c"].size() == 2);
}

TEST_CASE("assignor sticky: nothing moves when nothing changed") {
  std::vector<assignor_member> ms = {{"a", {}, {"t0", "t1"}, {}}, {"b", {}, {"t1"}, {}},
                                     {"c", {}, {"t0", "t1", "t2"}, {}}};
  partition_counts counts = {{"t0", 4}, {"t1", 5}, {"t2", 2}};
  auto first = assign_sticky(ms, counts);
  auto second = assign_sticky(with_owned(ms, first), counts);
  CHECK(first == second);
}

TEST_CASE("assignor sticky: conflicting and stale ownership claims are resolved") {
  // a and b both claim t-0; b claims a partition that no longer exists; c claims a topic it
  // no longer subscribes to.
  std::vector<assignor_member> ms = {{"a", {}, {"t"}, {{"t", 0}, {"t", 1}}},
                                     {"b", {}, {"t"}, {{"t", 0}, {"t", 9}}},
                                     {"c", {}, {"t"}, {{"gone", 0}}}};
  partition_counts counts = {{"t", 3}};
  auto out = assign_sticky(ms, counts);
  check_valid(ms, counts, out);
  check_balanced(ms, out);
  CHECK(out["a"].size() == 1); // balanced 1/1/1; a keeps one of the two it owned
  CHECK((out["a"][0] == topic_partition{"t", 0} || out["a"][0] == topic_partition{"t", 1}));
}

// Many rounds of random membership and subscription changes with ownership carried over.
// Every round: valid, balanced; with identical subscriptions also sticky: a surviving member
// keeps at least min(what it had, floor(P / members)) of its partitions.
TEST_CASE("assignor sticky: property test over random memberships (fixed seed)") {
  std::mt19937 rng(1234);
  const std::vector<std::string> all_topics = {"t0", "t1", "t2"};
  for (int homogeneous = 1; homogeneous >= 0; --homogeneous) {
    CAPTURE(homogeneous);
    partition_counts counts = {{"t0", 7}, {"t1", 12}, {"t2", 3}};
    std::vector<assignor_member> ms;
    assignment_map prev;
    int next_id = 0;
    auto new_member = [&]() {
      assignor_member m;
      m.member_id = "m" + std::to_string(next_id++);
      for (const auto& t : all_topics)
        if (homogeneous || rng() % 2)
          m.topics.push_back(t);
      if (m.topics.empty())
        m.topics.push_back(all_topics[rng() % all_topics.size()]);
      return m;
    };
    for (int i = 0; i < 3; ++i)
      ms.push_back(new_member());
    for (int round = 0; round < 200; ++round) {
      CAPTURE(round);
      int op = static_cast<int>(rng() % 10);
      if (op < 3 && ms.size() > 1) {
        ms.erase(ms.begin() + static_cast<std::ptrdiff_t>(rng() % ms.size()));
      } else if (op < 6 && ms.size() < 9) {
        ms.push_back(new_member());
      } else if (op == 6 && !homogeneous) {
        ms[rng() % ms.size()].topics = {all_topics[rng() % all_topics.size()]};
      } else if (op == 7) {
        counts["t2"] = std::min(counts["t2"] + 1, 10); // partitions added to a topic
      }
      auto in = with_owned(ms, prev);
      auto out = assign_sticky(in, counts);
      check_valid(in, counts, out);
      check_balanced(in, out);
      if (homogeneous) {
        size_t total = 0;
        for (const auto& [t, n] : counts)
          total += static_cast<size_t>(n);
        size_t floor_share = total / in.size();
        for (const auto& m : in) {
          size_t had = m.owned.size();
          CHECK(kept(m.owned, out[m.member_id]) >= std::min(had, floor_share));
        }
      }
      prev = out;
    }
  }
}
