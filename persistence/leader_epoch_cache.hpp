#pragma once

// Which leader epoch started at which offset of one partition, as Kafka's LeaderEpochFileCache.
// Followers use it (through OffsetsForLeaderEpoch) to find where their log diverged from the
// leader's, so it must survive restarts: every change is checkpointed before the call returns.
//
// On-disk format of <dir>/leader-epoch-checkpoint (text, like Kafka's, '\n' line ends):
//   line 1: "0"                      format version
//   line 2: N                        number of entries
//   N lines: "<epoch> <start_offset>" in increasing epoch (and start offset) order
// Written to leader-epoch-checkpoint.tmp, fsynced, renamed over the file, directory fsynced, so a
// crash leaves the old or the new version, never a mix.

#include <cstdint>
#include <filesystem>
#include <utility>
#include <vector>

#include "persistence/errc.hpp"

namespace samsa::persistence {

struct epoch_entry {
  int32_t epoch = -1;
  int64_t start_offset = -1;
  bool operator==(const epoch_entry& o) const {
    return epoch == o.epoch && start_offset == o.start_offset;
  }
};

// Owns the entry list and its checkpoint file. Called by partition_log (the only writer) and read
// through partition_log::epochs(). Invariant: entries strictly increase in both epoch and
// start_offset.
class leader_epoch_cache {
 public:
  leader_epoch_cache() = default;
  explicit leader_epoch_cache(std::filesystem::path checkpoint_file);

  // Reads the checkpoint (a missing file is an empty cache). A malformed file is corrupt_message.
  errc load();

  int32_t latest_epoch() const { return entries_.empty() ? -1 : entries_.back().epoch; }
  // Start offset of the latest epoch, -1 when empty.
  int64_t latest_start_offset() const {
    return entries_.empty() ? -1 : entries_.back().start_offset;
  }

  // The epoch whose range holds offset (the last entry starting at or below it), -1 when none.
  int32_t epoch_for_offset(int64_t offset) const {
    int32_t epoch = -1;
    for (const auto& e : entries_) {
      if (e.start_offset > offset)
        break;
      epoch = e.epoch;
    }
    return epoch;
  }

  // Records that `epoch` starts at start_offset. Like Kafka: ignored for a negative epoch or when
  // it is already the latest entry; entries with an epoch >= epoch or a start offset >=
  // start_offset are removed first so the list stays monotonic. Checkpoints when changed.
  errc assign(int32_t epoch, int64_t start_offset);

  // Kafka's OffsetsForLeaderEpoch answer for requested_epoch given the log end offset:
  //   requested -1                      -> (-1, -1)
  //   requested == latest epoch         -> (latest, log_end)
  //   requested above every epoch       -> (-1, -1)
  //   requested below every epoch       -> (requested, start offset of the first epoch)
  //   otherwise (floor epoch <= requested < next epoch) -> (floor epoch, next epoch's start offset)
  std::pair<int32_t, int64_t> end_offset_for(int32_t requested_epoch, int64_t log_end) const;

  // Replaces every entry (they must satisfy the invariant) and checkpoints: the rebuild of a
  // garbage checkpoint from the batch headers.
  errc replace(std::vector<epoch_entry> entries);

  // Drops entries whose start offset >= end_offset (the log was truncated to end_offset).
  errc truncate_from_end(int64_t end_offset);
  // Drops entries that end before start_offset; the entry covering start_offset is moved to start
  // there (the log start advanced).
  errc truncate_from_start(int64_t start_offset);

  const std::vector<epoch_entry>& entries() const { return entries_; }

 private:
  errc checkpoint() const;

  std::filesystem::path file_;
  std::vector<epoch_entry> entries_;
};

}  // namespace samsa::persistence
