#include "cluster/replica_placer.hpp"

#include <algorithm>

namespace samsa::cluster {

placement place_replicas(int32_t partitions, int16_t replication_factor, std::vector<int32_t> live_brokers,
                         uint32_t start, uint32_t shift) {
  placement out;
  std::sort(live_brokers.begin(), live_brokers.end());
  live_brokers.erase(std::unique(live_brokers.begin(), live_brokers.end()), live_brokers.end());
  const auto n = static_cast<uint32_t>(live_brokers.size());
  if (partitions <= 0) {
    out.error = "number of partitions must be positive";
    return out;
  }
  if (replication_factor <= 0) {
    out.error = "replication factor must be positive";
    return out;
  }
  if (static_cast<uint32_t>(replication_factor) > n) {
    out.error = "replication factor " + std::to_string(replication_factor) + " larger than available brokers: "
                + std::to_string(n);
    return out;
  }
  start %= n;
  shift = n > 1 ? shift % (n - 1) : 0;
  for (uint32_t p = 0; p < static_cast<uint32_t>(partitions); ++p) {
    if (p > 0 && p % n == 0)
      ++shift;
    const uint32_t first = (p + start) % n;
    std::vector<int32_t> r{live_brokers[first]};
    for (uint32_t j = 0; j + 1 < static_cast<uint32_t>(replication_factor); ++j)
      r.push_back(live_brokers[(first + 1 + (shift + j) % (n - 1)) % n]);
    out.replicas.push_back(std::move(r));
  }
  return out;
}

} // namespace samsa::cluster
