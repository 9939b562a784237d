#pragma once
// Whether a consumer's fetch position diverges from the leader's log (KIP-320; Kafka's Partition.readRecords):
// a Fetch v12+ names the epoch of the last record the client fetched (last_fetched_epoch). The leader looks
// that epoch up in its leader-epoch cache (answer_for_epoch, the OffsetForLeaderEpoch answer) and, when its
// log ends that epoch earlier than the fetch offset (or knows only a lower epoch), answers no records but the
// diverging epoch (E, end offset), so the client truncates its position to `end` instead of reading records
// the log no longer has at those offsets. Kafka's order of checks:
//   - last_fetched_epoch < 0: not asked, read as usual.
//   - no epoch at or below it is known (answer -1): OFFSET_OUT_OF_RANGE.
//   - fetch offset below the log start: OFFSET_OUT_OF_RANGE (whether or not the epochs diverge).
//   - answer epoch < last_fetched_epoch or answer end < fetch offset: diverging (answer epoch, answer end).
//   - otherwise read as usual.
#include <cstdint>
#include <optional>

#include "cluster/replica/follower_truncation.hpp"
#include "persistence/leader_epoch_cache.hpp"

namespace samsa::cluster::replica {

struct fetch_divergence {
  bool out_of_range = false;                 // answer OFFSET_OUT_OF_RANGE
  std::optional<epoch_end_offset> diverging; // answer no records and this diverging epoch
};

fetch_divergence check_fetch_divergence(const persistence::leader_epoch_cache& cache, int32_t last_fetched_epoch,
                                        int64_t fetch_offset, int64_t log_start, int64_t log_end,
                                        int32_t current_leader_epoch);

} // namespace samsa::cluster::replica
