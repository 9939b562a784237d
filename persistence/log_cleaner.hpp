#pragma once

// Log compaction (cleanup.policy=compact, Kafka's log cleaner): keep at least the latest record of
// every key, drop the records a later record of the same key supersedes, and drop tombstones (null
// values) once they are older than delete.retention.ms. partition_log::compact() runs a pass; this
// file holds its parts that do not touch the log's segment list.
//
// A pass (partition_log::compact):
//   1. The cleanable part of the log is its closed segments below a limit the owner gives (the high
//      watermark: nothing a follower may still cut is rewritten). Of those, the ones at or beyond the
//      cleaner checkpoint (the offset up to which an earlier pass cleaned) are dirty; a pass runs
//      when dirty bytes / cleanable bytes >= min.cleanable.dirty.ratio.
//   2. offset_map: key -> latest offset over the dirty segments, bounded in bytes; when it fills, the
//      pass cleans only up to the last segment it mapped whole.
//   3. Every cleanable segment up to there is rewritten (rewrite_segment): a record goes when the map
//      holds a later offset for its key, or when it is a tombstone in a segment whose newest batch is
//      older than delete.retention.ms. Compressed and control batches, and records without a key,
//      stay as they are (samsa has no codecs in the broker). A batch keeps its offsets, timestamps
//      and producer fields (messages/record_compaction.hpp); a batch with no record left goes.
//   4. The new file replaces the segment through a swap file (crash-safe, see partition_log.hpp),
//      and the checkpoint moves to the end of the mapped segments.
// The offsets of kept records never change, so consumers, followers and the high watermark see the
// same offsets as before, with gaps. Replicas compact independently, each its own log.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "persistence/errc.hpp"
#include "persistence/segment_scan.hpp"

namespace samsa::persistence {

// Files of a compacted partition directory (partition_log.hpp): the checkpoint, and the swap
// file that replaces <base>.log.
constexpr const char* cleaner_file = "cleaner-offset-checkpoint";
constexpr const char* swap_extension = ".swap";

// <base>.swap (fsynced before it got that name) replaces <base>.log in dir; the old indexes go first
// (open rebuilds them). A crash in between leaves the .swap, completed again at the next open, which
// finds it in the same directory listing as the segments.
errc complete_swap(const std::filesystem::path& dir, int64_t base);

// Key -> latest offset, with a byte budget (keys and their bookkeeping).
class offset_map {
 public:
  explicit offset_map(size_t max_bytes) : max_bytes_(max_bytes) {}
  // Records offset as key's latest (offsets are put in increasing order). False when the key is new
  // and the budget has no room for it: nothing is changed then.
  bool put(std::string_view key, int64_t offset);
  std::optional<int64_t> latest(std::string_view key) const;
  size_t size() const { return map_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  static constexpr size_t entry_overhead = 64;  // node, hash bucket and string header, roughly
  std::unordered_map<std::string, int64_t> map_;
  size_t bytes_ = 0;
  size_t max_bytes_;
};

// What one pass did (for the log line and tests).
struct compaction_report {
  int segments_rewritten = 0;
  int64_t bytes_before = 0;  // of the rewritten segments
  int64_t bytes_after = 0;
  int64_t records_removed = 0;
  int64_t tombstones_removed = 0;
  int64_t clean_until = -1;  // the cleaner checkpoint after the pass; -1: no pass ran
};

// Adds the keyed records of every uncompressed batch of the .log [0, size) behind fd to the map.
// False when the map filled up before the end (the segment then counts as not mapped).
bool map_segment(int fd, int64_t size, offset_map& map, errc* err);

// Writes the cleaned copy of the .log [0, size) behind in_fd into out_fd (from position 0):
// records superseded per the map go, and tombstones too when drop_tombstones. Sets *changed when
// anything was dropped; the caller keeps the original then. Adds to the report's record counts.
errc rewrite_segment(int in_fd, int64_t size, const offset_map& map, bool drop_tombstones, int out_fd,
                     int64_t* out_size, bool* changed, compaction_report& report);

}  // namespace samsa::persistence
