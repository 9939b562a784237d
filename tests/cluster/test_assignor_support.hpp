#pragma once
// Checks shared by the assignor tests: validity (each partition exactly once, only to
// subscribers) and balance (no single move narrows the gap: Kafka's notion of balanced).

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cluster/assignor.hpp"

namespace samsa::cluster::test {

inline bool subscribes(const assignor_member& m, const std::string& topic) {
  return std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
}

inline void check_valid(const std::vector<assignor_member>& members,
                        const partition_counts& counts, const assignment_map& out) {
  CHECK(out.size() == members.size());
  std::map<topic_partition, int> times;
  for (const auto& m : members) {
    auto it = out.find(m.member_id);
    REQUIRE(it != out.end());
    CHECK(std::is_sorted(it->second.begin(), it->second.end()));
    for (const auto& tp : it->second) {
      CHECK_MESSAGE(subscribes(m, tp.topic), m.member_id << " got " << tp.topic);
      ++times[tp];
    }
  }
  for (const auto& [topic, n] : counts) {
    bool wanted = std::any_of(members.begin(), members.end(),
                              [&](const assignor_member& m) { return subscribes(m, topic); });
    for (int32_t p = 0; p < n; ++p) {
      CAPTURE(topic);
      CAPTURE(p);
      CHECK(times[{topic, p}] == (wanted ? 1 : 0));
    }
  }
  for (const auto& [tp, k] : times)
    CHECK(counts.count(tp.topic) == 1);
}

// For every partition X holds and every other subscriber Y of its topic: |X| <= |Y| + 1.
// Implies members with equal subscriptions differ by at most one partition.
inline void check_balanced(const std::vector<assignor_member>& members,
                           const assignment_map& out) {
  for (const auto& x : members) {
    size_t nx = out.at(x.member_id).size();
    for (const auto& tp : out.at(x.member_id)) {
      for (const auto& y : members) {
        if (y.member_id == x.member_id || !subscribes(y, tp.topic))
          continue;
        CHECK_MESSAGE(nx <= out.at(y.member_id).size() + 1,
                      x.member_id << " has " << nx << ", " << y.member_id << " has "
                                  << out.at(y.member_id).size());
      }
    }
  }
}

inline std::vector<topic_partition> tps(const std::string& topic, std::vector<int32_t> ps) {
  std::vector<topic_partition> out;
  for (int32_t p : ps)
    out.push_back({topic, p});
  return out;
}

inline std::vector<topic_partition> cat(std::vector<topic_partition> a,
                                        const std::vector<topic_partition>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

} // namespace samsa::cluster::test
