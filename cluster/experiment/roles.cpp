#include "cluster/experiment/roles.hpp"

#include <algorithm>

namespace samsa::cluster::experiment {

namespace {

resolution one(int32_t node, const cluster_snapshot& c, const std::string& what) {
  resolution r;
  if (node < 1 || node > c.nodes)
    r.error = "no " + what + " known";
  else if (!c.up.count(node))
    r.error = what + " (node " + std::to_string(node) + ") is not up";
  else
    r.nodes = {node};
  return r;
}

// k distinct nodes drawn from `from` (in id order, so the draw depends only on the seed).
resolution draw(std::vector<int32_t> from, size_t k, seeded_rng& rng, const std::string& what) {
  resolution r;
  if (from.size() < k || k == 0) {
    r.error = what + ": needs " + std::to_string(k) + " node(s) up, " + std::to_string(from.size()) + " are";
    return r;
  }
  for (size_t i = 0; i < k; ++i) {
    auto j = i + rng.below(from.size() - i);
    std::swap(from[i], from[j]);
    r.nodes.push_back(from[i]);
  }
  std::sort(r.nodes.begin(), r.nodes.end());
  return r;
}

} // namespace

resolution resolve(const target_spec& t, const cluster_snapshot& c, seeded_rng& rng) {
  std::vector<int32_t> up(c.up.begin(), c.up.end());
  auto n = static_cast<size_t>(c.nodes);
  switch (t.role) {
  case role_kind::leader:
  case role_kind::follower: {
    auto name = t.topic + "-" + std::to_string(t.partition);
    auto it = c.partitions.find({t.topic, t.partition});
    if (it == c.partitions.end() || it->second.leader < 0)
      return resolution{{}, "no leader of " + name + " in Metadata"};
    if (t.role == role_kind::leader)
      return one(it->second.leader, c, "leader of " + name);
    std::vector<int32_t> followers;
    for (auto r : it->second.replicas)
      if (r != it->second.leader && c.up.count(r))
        followers.push_back(r);
    std::sort(followers.begin(), followers.end());
    return draw(followers, 1, rng, "follower of " + name);
  }
  case role_kind::quorum_leader:
    return one(c.quorum_leader, c, "quorum leader");
  case role_kind::random:
    return draw(up, 1, rng, "random node");
  case role_kind::minority:
    return draw(up, std::max<size_t>(1, (n - 1) / 2), rng, "minority");
  case role_kind::majority:
    return draw(up, n / 2 + 1, rng, "majority");
  case role_kind::node:
    return one(t.node, c, "node " + std::to_string(t.node));
  case role_kind::coordinator: {
    auto it = c.coordinators.find(t.group);
    return one(it == c.coordinators.end() ? -1 : it->second, c, "coordinator of group " + t.group);
  }
  case role_kind::all: {
    resolution r;
    for (int32_t i = 1; i <= c.nodes; ++i)
      r.nodes.push_back(i);
    return r;
  }
  }
  return resolution{{}, "unknown role"};
}

} // namespace samsa::cluster::experiment
