#include "cluster/assignor.hpp"

#include <algorithm>
#include <set>

namespace samsa::cluster {

bool member_order_less(const assignor_member& a, const assignor_member& b) {
  if (a.group_instance_id && b.group_instance_id)
    return *a.group_instance_id < *b.group_instance_id;
  if (a.group_instance_id != b.group_instance_id)
    return a.group_instance_id.has_value(); // static before dynamic
  return a.member_id < b.member_id;
}

namespace {

bool subscribes(const assignor_member& m, const std::string& topic) {
  return std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
}

std::vector<const assignor_member*> sorted_members(const std::vector<assignor_member>& members) {
  std::vector<const assignor_member*> out;
  for (const auto& m : members)
    out.push_back(&m);
  std::stable_sort(out.begin(), out.end(), [](const assignor_member* a, const assignor_member* b) {
    return member_order_less(*a, *b);
  });
  return out;
}

assignment_map empty_assignment(const std::vector<assignor_member>& members) {
  assignment_map out;
  for (const auto& m : members)
    out[m.member_id];
  return out;
}

} // namespace

assignment_map assign_range(const std::vector<assignor_member>& members,
                            const partition_counts& counts) {
  assignment_map out = empty_assignment(members);
  auto order = sorted_members(members);
  for (const auto& [topic, n] : counts) { // std::map: topics in order, so lists come out sorted
    std::vector<const assignor_member*> subs;
    for (const auto* m : order)
      if (subscribes(*m, topic))
        subs.push_back(m);
    if (subs.empty() || n <= 0)
      continue;
    int32_t c = static_cast<int32_t>(subs.size());
    int32_t per = n / c, extra = n % c;
    for (int32_t i = 0; i < c; ++i) {
      int32_t start = per * i + std::min(i, extra);
      int32_t len = per + (i < extra ? 1 : 0);
      auto& list = out[subs[static_cast<size_t>(i)]->member_id];
      for (int32_t p = start; p < start + len; ++p)
        list.push_back({topic, p});
    }
  }
  return out;
}

assignment_map assign_roundrobin(const std::vector<assignor_member>& members,
                                 const partition_counts& counts) {
  assignment_map out = empty_assignment(members);
  auto order = sorted_members(members);
  if (order.empty())
    return out;
  std::set<std::string> topics; // every topic someone subscribes to, sorted
  for (const auto& m : members)
    for (const auto& t : m.topics)
      if (counts.count(t))
        topics.insert(t);
  size_t next = 0; // the circular iterator over members
  for (const auto& topic : topics) {
    for (int32_t p = 0; p < counts.at(topic); ++p) {
      // Someone subscribes to `topic`, so this loop ends within one lap.
      while (!subscribes(*order[next], topic))
        next = (next + 1) % order.size();
      out[order[next]->member_id].push_back({topic, p});
      next = (next + 1) % order.size();
    }
  }
  return out;
}

assignor_fn find_assignor(std::string_view name) {
  if (name == "range")
    return &assign_range;
  if (name == "roundrobin")
    return &assign_roundrobin;
  if (name == "sticky")
    return &assign_sticky;
  return nullptr;
}

} // namespace samsa::cluster
