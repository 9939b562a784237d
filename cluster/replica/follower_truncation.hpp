#pragma once
// Where a follower cuts its log before fetching in a new leader epoch (KIP-101, with KIP-279's walk for
// repeated elections; Kafka's AbstractFetcherThread.getOffsetTruncationState), as pure functions over the
// follower's leader-epoch cache (persistence::leader_epoch_cache: epoch -> start offset).
//
// The exchange, repeated until a step says done:
//   1. ask = epoch_to_ask(cache): the follower's latest epoch (none: an empty log, nothing to cut, fetch).
//   2. The leader answers OffsetsForLeaderEpoch(ask) with answer_for_epoch(): the largest epoch it knows at
//      or below `ask`, and where that epoch ends in its log (leader_epoch_cache::end_offset_for, counting
//      its own current epoch as started at its log end even before its first append).
//   3. step = plan_truncation(cache, log end, HW, answer); cut the log to step.truncate_to; if
//      step.ask_next, go to 2 with that epoch, else fetch from the new log end.
//
// Rules of plan_truncation (answer = (E, end)):
//   - E or end undefined (-1: the leader knows no epoch at or below ours) -> cut to the follower's HW, done
//     (Kafka's fallback; a leader that records its epoch when elected never answers this).
//   - the follower's own largest epoch at or below E is E -> cut to min(its end for E, end, log end), done:
//     both logs hold the same records of every epoch up to E (one leader per epoch) until the earlier of
//     the two ends, and differ after it.
//   - it is a lower epoch E' (the follower never saw E: the leader's answer is beyond the point where the
//     logs diverged) -> cut to min(its end for E', log end) and ask again with the largest epoch left,
//     which is below the one asked before; so the walk ends. Cutting only to min(end, log end) here
//     (KIP-101 without KIP-279) keeps records of an epoch the leader never had below its answer.
//   - the follower knows no epoch at or below E -> cut to min(end, log end), done.
// The cut never goes past the log end. The caller must drop the cache entries that start at or after the
// cut even when no record is cut (partition_log::truncate_to returns early when the offset is at or past
// its end, and a leader's epoch recorded without records would stay): otherwise the next epoch to ask is
// the same and a follower append would not record the leader's epochs below that stale entry.
#include <cstdint>
#include <optional>

#include "persistence/leader_epoch_cache.hpp"

namespace samsa::cluster::replica {

// The leader's OffsetsForLeaderEpoch answer.
struct epoch_end_offset {
  int32_t epoch = -1;
  int64_t end_offset = -1;
};

struct truncation_step {
  int64_t truncate_to = 0;         // cut the log here (== log end: nothing to cut)
  std::optional<int32_t> ask_next; // set: ask the leader again for this epoch; unset: done, fetch
};

// The leader's answer. Kafka records a leader's epoch in the cache when it is elected; samsa's partition_log
// records it at the leader's first append. Until then a follower that saw a later epoch than the leader's
// last recorded one (it led an epoch that the current leader never had) would get the undefined answer
// from the cache (requested above every epoch) and fall back to its HW, cutting records the two logs share.
// So the current leader epoch counts as started at log_end when the cache does not have it yet. A request
// above current_leader_epoch is undefined (-1, -1) (the shell answers such a follower with
// FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH first).
epoch_end_offset answer_for_epoch(const persistence::leader_epoch_cache& cache, int32_t requested,
                                  int64_t log_end, int32_t current_leader_epoch);

// The epoch to ask the leader about first: the latest local one; nullopt for an empty cache.
std::optional<int32_t> epoch_to_ask(const persistence::leader_epoch_cache& local);

truncation_step plan_truncation(const persistence::leader_epoch_cache& local, int64_t log_end,
                                int64_t high_watermark, epoch_end_offset leader);

} // namespace samsa::cluster::replica
