// The sticky assignor (declared in cluster/assignor.hpp). Kafka's StickyAssignor gets the same
// guarantees with a much cleverer search; this one is deliberately plain:
//
//   1. Keep: every owned partition that still exists, that its owner still subscribes to, and
//      that no member earlier in member order already claimed (two claimants: the first keeps).
//   2. Fill: every partition nobody kept, in (topic, partition) order, goes to the subscriber
//      with the fewest partitions (ties: member order).
//   3. Balance: while some member X holds a partition of a topic that member Y subscribes to
//      and count(X) >= count(Y) + 2, move one such partition from X to the least loaded such Y,
//      preferring partitions X did not own before this round (those cost no stickiness).
//
// Why it ends: each move lowers the sum of squared counts by at least 2. Why it is balanced:
// at the end no single move can narrow the gap, which is Kafka's definition of "balanced"; in
// particular members with the same subscriptions differ by at most one partition (X's
// partitions are all on topics such a Y subscribes to). Why it is sticky: step 1 keeps
// everything, and a member only loses partitions in step 3, only as many as the balance needs.
// Cost: O(moves * partitions * members); groups are tens of members, not millions.

#include <algorithm>
#include <map>
#include <set>

#include "cluster/assignor.hpp"

namespace samsa::cluster {

assignment_map assign_sticky(const std::vector<assignor_member>& members,
                             const partition_counts& counts) {
  std::vector<const assignor_member*> order;
  for (const auto& m : members)
    order.push_back(&m);
  std::stable_sort(order.begin(), order.end(), [](const assignor_member* a, const assignor_member* b) {
    return member_order_less(*a, *b);
  });
  const size_t n = order.size();

  // topic -> indices (into `order`) of its subscribers, in member order.
  std::map<std::string, std::vector<size_t>> subscribers;
  for (size_t i = 0; i < n; ++i) {
    std::set<std::string> topics(order[i]->topics.begin(), order[i]->topics.end());
    for (const auto& t : topics)
      if (counts.count(t) && counts.at(t) > 0)
        subscribers[t].push_back(i);
  }
  auto subscribed = [&](size_t i, const std::string& topic) {
    auto it = subscribers.find(topic);
    return it != subscribers.end() && std::binary_search(it->second.begin(), it->second.end(), i);
  };

  std::vector<std::set<topic_partition>> assigned(n), before(n);
  std::set<topic_partition> taken;

  // 1. Keep.
  for (size_t i = 0; i < n; ++i) {
    for (const auto& tp : order[i]->owned) {
      auto c = counts.find(tp.topic);
      if (c == counts.end() || tp.partition < 0 || tp.partition >= c->second)
        continue;
      if (!subscribed(i, tp.topic) || taken.count(tp))
        continue;
      taken.insert(tp);
      assigned[i].insert(tp);
      before[i].insert(tp);
    }
  }

  auto least_loaded = [&](const std::string& topic, size_t exclude) {
    size_t best = n;
    for (size_t j : subscribers[topic])
      if (j != exclude && (best == n || assigned[j].size() < assigned[best].size()))
        best = j;
    return best;
  };

  // 2. Fill.
  for (const auto& [topic, subs] : subscribers) {
    for (int32_t p = 0; p < counts.at(topic); ++p) {
      topic_partition tp{topic, p};
      if (!taken.count(tp))
        assigned[least_loaded(topic, n)].insert(tp);
    }
  }

  // 3. Balance.
  for (bool moved = true; moved;) {
    moved = false;
    std::vector<size_t> by_load(n);
    for (size_t i = 0; i < n; ++i)
      by_load[i] = i;
    std::stable_sort(by_load.begin(), by_load.end(),
                     [&](size_t a, size_t b) { return assigned[a].size() > assigned[b].size(); });
    for (size_t x : by_load) {
      for (int pass = 0; pass < 2 && !moved; ++pass) {
        bool want_owned_before = pass == 1;
        for (const auto& tp : assigned[x]) {
          if ((before[x].count(tp) != 0) != want_owned_before)
            continue;
          size_t y = least_loaded(tp.topic, x);
          if (y != n && assigned[y].size() + 2 <= assigned[x].size()) {
            topic_partition moving = tp; // copy: erasing invalidates the iterator
            assigned[x].erase(moving);
            assigned[y].insert(moving);
            moved = true;
            break;
          }
        }
      }
      if (moved)
        break;
    }
  }

  assignment_map out;
  for (size_t i = 0; i < n; ++i)
    out[order[i]->member_id] = std::vector<topic_partition>(assigned[i].begin(), assigned[i].end());
  return out;
}

} // namespace samsa::cluster
