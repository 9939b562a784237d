#include "cluster/replica/fetch_divergence.hpp"

namespace samsa::cluster::replica {

fetch_divergence check_fetch_divergence(const persistence::leader_epoch_cache& cache, int32_t last_fetched_epoch,
                                        int64_t fetch_offset, int64_t log_start, int64_t log_end,
                                        int32_t current_leader_epoch) {
  fetch_divergence out;
  if (last_fetched_epoch < 0)
    return out;
  const auto a = answer_for_epoch(cache, last_fetched_epoch, log_end, current_leader_epoch);
  if (a.epoch < 0 || a.end_offset < 0 || fetch_offset < log_start) {
    out.out_of_range = true;
    return out;
  }
  if (a.epoch < last_fetched_epoch || a.end_offset < fetch_offset)
    out.diverging = a;
  return out;
}

} // namespace samsa::cluster::replica
