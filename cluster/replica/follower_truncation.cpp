#include "cluster/replica/follower_truncation.hpp"

#include <algorithm>

namespace samsa::cluster::replica {

std::optional<int32_t> epoch_to_ask(const persistence::leader_epoch_cache& local) {
  if (local.latest_epoch() < 0)
    return std::nullopt;
  return local.latest_epoch();
}

epoch_end_offset answer_for_epoch(const persistence::leader_epoch_cache& cache, int32_t requested,
                                  int64_t log_end, int32_t current_leader_epoch) {
  if (requested > current_leader_epoch)
    return {};
  if (cache.latest_epoch() >= current_leader_epoch) {
    auto [epoch, end] = cache.end_offset_for(requested, log_end);
    return {epoch, end};
  }
  // As if the current epoch had been recorded at the log end (an in-memory copy: no checkpoint file).
  auto entries = cache.entries();
  while (!entries.empty() && entries.back().start_offset > log_end)
    entries.pop_back(); // cannot happen for a consistent cache; keeps the copy's invariant regardless
  if (!entries.empty() && entries.back().start_offset == log_end)
    entries.pop_back(); // an epoch without records is superseded by the current one
  entries.push_back({current_leader_epoch, log_end});
  persistence::leader_epoch_cache with_current;
  (void)with_current.replace(std::move(entries)); // in memory: cannot fail
  auto [epoch, end] = with_current.end_offset_for(requested, log_end);
  return {epoch, end};
}

truncation_step plan_truncation(const persistence::leader_epoch_cache& local, int64_t log_end,
                                int64_t high_watermark, epoch_end_offset leader) {
  if (leader.epoch < 0 || leader.end_offset < 0)
    return {std::clamp<int64_t>(high_watermark, 0, log_end), std::nullopt};
  const auto [epoch, end] = local.end_offset_for(leader.epoch, log_end);
  if (epoch < 0)
    return {std::min(leader.end_offset, log_end), std::nullopt};
  if (epoch == leader.epoch)
    return {std::min({end, leader.end_offset, log_end}), std::nullopt};
  // KIP-279: the follower never had the leader's epoch; cut to where its own lower epoch ends and ask
  // again with the largest epoch that starts below the cut.
  truncation_step step{std::min(end, log_end), std::nullopt};
  for (const auto& e : local.entries())
    if (e.start_offset < step.truncate_to)
      step.ask_next = e.epoch;
  return step;
}

} // namespace samsa::cluster::replica
