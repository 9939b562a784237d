#include "cluster/experiment/net_plan.hpp"

#include <algorithm>

namespace samsa::cluster::experiment {

namespace {

std::string joined(const std::vector<int32_t>& nodes, const char* sep) {
  std::string s;
  for (auto n : nodes)
    s += (s.empty() ? "" : sep) + std::to_string(n);
  return s;
}

} // namespace

partition_plan plan_partition(fault_kind kind, const std::vector<int32_t>& targets, int nodes, seeded_rng& rng) {
  partition_plan p;
  std::set<int32_t> side(targets.begin(), targets.end());
  std::vector<int32_t> inside, outside;
  for (int32_t i = 1; i <= nodes; ++i)
    (side.count(i) ? inside : outside).push_back(i);
  std::set<link_drop> drops;
  switch (kind) {
  case fault_kind::isolate:
  case fault_kind::split:
  case fault_kind::one_way:
    if (inside.empty() || outside.empty()) {
      p.description = "no partition: every node is on one side";
      return p;
    }
    for (auto a : inside)
      for (auto b : outside) {
        drops.insert({a, b});
        if (kind != fault_kind::one_way)
          drops.insert({b, a});
      }
    p.description = joined(inside, ",") + (kind == fault_kind::one_way ? " -/-> " : " | ") + joined(outside, ",");
    break;
  case fault_kind::ring: {
    if (nodes < 3) {
      p.description = "no ring: it needs at least 3 nodes";
      return p;
    }
    std::vector<int32_t> order;
    for (int32_t i = 1; i <= nodes; ++i)
      order.push_back(i);
    for (size_t i = 0; i + 1 < order.size(); ++i)
      std::swap(order[i], order[i + rng.below(order.size() - i)]);
    auto n = order.size();
    size_t majority = n / 2 + 1;
    for (size_t i = 0; i < n; ++i)
      for (size_t d = majority; d < n; ++d)
        drops.insert({order[(i + d) % n], order[i]});
    p.description = "ring " + joined(order, ">") + " (each hears the next " + std::to_string(majority - 1) + ")";
    break;
  }
  default:
    p.description = "not a network fault";
    return p;
  }
  p.drops.assign(drops.begin(), drops.end());
  return p;
}

std::map<int32_t, std::set<int32_t>> drops_by_receiver(const std::vector<std::vector<link_drop>>& active, int nodes) {
  std::map<int32_t, std::set<int32_t>> out;
  for (int32_t i = 1; i <= nodes; ++i)
    out[i];
  for (const auto& drops : active)
    for (const auto& d : drops)
      out[d.to].insert(d.from);
  return out;
}

net_names name_network(const std::string& tag, int subnet) {
  net_names n;
  n.tag = tag;
  n.subnet = subnet;
  n.bridge = "sxb" + tag;
  return n;
}

std::string net_names::netns(int node) const { return "samsa-exp-" + tag + "-n" + std::to_string(node); }
std::string net_names::veth(int node) const { return "sx" + tag + "n" + std::to_string(node); }
std::string net_names::address(int node) const {
  return "10.213." + std::to_string(subnet) + "." + std::to_string(node);
}
std::string net_names::bridge_address() const { return address(254); }

std::string tag_of_netns(const std::string& netns) {
  const std::string prefix = "samsa-exp-";
  auto n = netns.rfind("-n");
  if (netns.rfind(prefix, 0) != 0 || n == std::string::npos || n <= prefix.size())
    return "";
  return netns.substr(prefix.size(), n - prefix.size());
}

std::string nft_script(const std::vector<std::string>& sources) {
  std::string s = "table inet samsa_exp {\n  chain input {\n    type filter hook input priority 0; policy accept;\n  }\n}\n"
                  "flush chain inet samsa_exp input\n";
  if (!sources.empty()) {
    std::string set;
    for (const auto& a : sources)
      set += (set.empty() ? "" : ", ") + a;
    s += "add rule inet samsa_exp input ip saddr { " + set + " } drop\n";
  }
  return s;
}

} // namespace samsa::cluster::experiment
