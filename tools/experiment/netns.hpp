#pragma once
// The network of an experiment run with partition faults (docs/experiments.md "Network partitions"): one
// network namespace per node, each with a veth pair to a bridge in the root namespace, where the runner's
// clients reach every node at its own address; partitions are nftables drop rules in the namespaces
// (cluster/experiment/net_plan.hpp plans them). Names carry the runner's pid and a counter, so parallel runs
// never collide, and a later run deletes what a runner killed with -9 left behind (its pid is gone).
// Everything is removed by the destructor, also when the run fails or is interrupted.
// Not thread-safe: only the runner's main thread uses it.
#include <map>
#include <optional>
#include <set>
#include <string>

#include "cluster/experiment/net_plan.hpp"

namespace samsa::experiment {

class run_network {
public:
  // Why this machine cannot build one (not root, no `ip` or `nft`, namespaces refused); nullopt when it can.
  static std::optional<std::string> unavailable();
  // Builds the network for nodes 1..nodes; its commands go to `log` (OUT/network.log). Throws
  // std::runtime_error (after removing what it made) when a step fails.
  run_network(int nodes, const std::string& log);
  ~run_network(); // teardown()
  run_network(const run_network&) = delete;
  run_network& operator=(const run_network&) = delete;

  const cluster::experiment::net_names& names() const { return names_; }
  std::string address(int node) const { return names_.address(node); }
  std::string netns_path(int node) const { return "/run/netns/" + names_.netns(node); }
  // Makes each node drop input from the nodes named for it (replacing its earlier drops); false and `why`
  // when an nft command failed.
  bool apply(const std::map<int32_t, std::set<int32_t>>& drops, std::string& why);
  void teardown();

private:
  bool sh(const std::vector<std::string>& argv, std::string* why = nullptr);

  int nodes_;
  std::string log_;
  cluster::experiment::net_names names_;
  std::map<int32_t, std::set<int32_t>> applied_;
  bool up_ = false;
};

} // namespace samsa::experiment
