#pragma once
// Where a new topic's replicas go: Kafka's rack-unaware assignment (AdminUtils.assignReplicasToBrokers).
// Partition p's first replica is broker (start + p) mod n, the preferred leader; the others follow at a
// shift that grows every n partitions, so leaders and followers spread evenly and no two partitions of a
// small topic share the same follower pattern. `start` and `shift` come from the caller's random source
// (the controller), so the function is pure and a test can pin them.
#include <cstdint>
#include <string>
#include <vector>

namespace samsa::cluster {

struct placement {
  std::vector<std::vector<int32_t>> replicas; // per partition; empty when error is set
  std::string error;                          // e.g. replication factor above the live brokers
};

// live_brokers: registered and unfenced node ids (any order; sorted inside). start and shift are taken
// modulo the broker count.
placement place_replicas(int32_t partitions, int16_t replication_factor, std::vector<int32_t> live_brokers,
                         uint32_t start, uint32_t shift);

} // namespace samsa::cluster
