#pragma once
// Which nodes a fault hits: its target role (leader of a partition, quorum leader, a random follower, a
// minority, a group's coordinator, ...) resolved against what the runner saw of the cluster at that moment.
// Pure: the runner fills a cluster_snapshot (Metadata for partitions, `samsa cluster status` for the quorum,
// FindCoordinator for the groups a target names, its own process table for which nodes are up) and draws from the run's seeded generator.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cluster/experiment/fault_plan.hpp"

namespace samsa::cluster::experiment {

struct partition_view {
  int32_t leader = -1;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
};

struct cluster_snapshot {
  int nodes = 0;              // node ids are 1..nodes
  std::set<int32_t> up;       // running, not paused, not under another fault: a fault may hit these
  int32_t quorum_leader = -1; // -1: unknown or none
  std::map<std::string, int32_t> coordinators; // consumer group -> its coordinator (FindCoordinator); absent: unknown
  std::map<std::pair<std::string, int32_t>, partition_view> partitions;
};

struct resolution {
  std::vector<int32_t> nodes; // sorted; empty with `error` when the role cannot be resolved now
  std::string error;          // "no leader of t-0 in Metadata", "leader of t-0 (node 2) is not up"
};

resolution resolve(const target_spec& t, const cluster_snapshot& c, seeded_rng& rng);

} // namespace samsa::cluster::experiment
