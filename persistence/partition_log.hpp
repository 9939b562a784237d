#pragma once

// The log of one partition replica: an ordered list of segments in one directory, with offset
// assignment, reads, recovery, truncation, retention and flushing.
//
// Directory layout (<dir> is one partition, e.g. <log.dir>/<topic>-<partition>):
//   <20-digit base offset>.log/.index/.timeindex   segments (persistence/segment.hpp)
//   leader-epoch-checkpoint                        epoch -> start offset (leader_epoch_cache.hpp)
//   log-start-offset-checkpoint                    text: line "0" (version), then the log start
//                                                  offset; written atomically (tmp + rename)
//                                                  whenever retention or truncation moves it
//   cleaner-offset-checkpoint                      text: line "0" (version), then the offset up
//                                                  to which compaction cleaned (compacted logs)
//   <base>.swap                                    a compacted segment about to replace
//                                                  <base>.log: open() finishes the swap
//   .clean_shutdown                                empty marker: present only while the log is
//                                                  closed cleanly; its absence at open means the
//                                                  last segment may hold a torn write
//
// Offsets increase: every batch starts above the previous batch's last offset, segment i+1 starts
// at or above segment i's next offset. They are contiguous except where damage was repaired away
// (then the log has a gap, as a compacted Kafka log does; a read inside a gap returns the next
// batch). Only the last ("active") segment is appended to.
//
// Damage handling (who finds what):
//   open        every segment: the headers after its last index entry (a cut or garbage tail, a
//               last batch whose offsets run into the next segment); the last segment after an
//               unclean shutdown: every batch and CRC. Damage is repaired (segment::repair: only
//               the damaged batches go, later batches and segments stay) and logged as an error.
//   read        batch headers of what is served (framing, magic, counts, offsets increasing, no
//               overlap with the next batch where the offsets jump): never a CRC on this path. A
//               bad header stops the read before it and is logged; repair_damage() then fixes it.
//   scrub()     CRC-32C of every batch of the closed segments, in rate-limited slices
//               (persistence/scrubber.hpp); damage is logged and repaired.
// The two small checkpoint files are derived data: a garbage one is rebuilt at open (epochs from
// the batch headers, log start from the first segment) with a warning instead of failing.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "persistence/errc.hpp"
#include "persistence/leader_epoch_cache.hpp"
#include "persistence/log_cleaner.hpp"
#include "persistence/log_config.hpp"
#include "persistence/scrubber.hpp"
#include "persistence/segment.hpp"

namespace samsa::persistence {

struct append_info {
  int64_t base_offset = -1;
  int64_t last_offset = -1;
  int64_t max_timestamp = -1;
  int32_t record_count = 0;
};

// What one scrub() call did.
struct scrub_progress {
  int64_t bytes = 0;           // bytes CRC-checked
  int damaged = 0;             // damaged regions found (and repaired)
  bool pass_finished = false;  // every closed segment was checked; the next call starts over
};

// Owns one partition's directory: its segments, epoch cache and checkpoints. Not thread-safe: one
// owner (a partition actor) calls it. Invariants: at least one segment while open; segments sorted
// by base offset, each starting at or above the previous one's next offset; log_start_offset() <=
// log_end_offset(); every stored batch has its final offsets and passes its CRC unless damage
// happened on disk since (which repair removes once found); the epoch cache has no entry at or
// beyond the log end; the log end offset never moves back except by truncate_to() and by open
// cutting a torn tail.
class partition_log {
 public:
  // Opens or creates the log in dir (creating the directory), then recovers: when the file
  // <dir>/.clean_shutdown is absent, every batch of the last segment is read and CRC-checked and
  // damage repaired (a torn tail cut, a damaged batch before good ones dropped); every other
  // segment gets the cheap tail check and is repaired when it fails. Damage costs only the damaged
  // batches: the segments after a damaged one are kept. Any segment with a missing/short/
  // inconsistent index gets it rebuilt. A garbage leader-epoch-checkpoint is rebuilt from the
  // batch headers, a garbage log-start-offset-checkpoint falls back to the first segment's base,
  // each with a warning. The marker is removed after open and written by close(). On failure
  // (an I/O error) returns nullptr and sets *err.
  static std::unique_ptr<partition_log> open(const std::filesystem::path& dir,
                                             const log_config& cfg, int64_t now_ms,
                                             errc* err = nullptr);
  ~partition_log();  // calls close() if not closed
  partition_log(const partition_log&) = delete;
  partition_log& operator=(const partition_log&) = delete;

  // Leader append: buf holds one or more whole, already-validated v2 batches with any base
  // offsets. Each batch's base offset is rewritten in place to the next offset and its partition
  // leader epoch stamped, without re-encoding or re-checksumming; then the bytes are written.
  // Rolls a new segment first when the active one would exceed segment_bytes, is older than
  // segment_ms (by the first batch's append wall clock now_ms), or its index is full. A batch
  // larger than max_message_bytes -> record_too_large; bytes that are not whole batches ->
  // invalid_batch; nothing written in either case. On a write failure (ENOSPC -> disk_full, else
  // io_error) the segment is truncated back to its previous size: nothing half-written survives.
  // When leader_epoch is greater than the latest epoch in the epoch cache, (leader_epoch,
  // base_offset) is added and checkpointed.
  errc append_as_leader(std::vector<char>& buf, int32_t leader_epoch, int64_t now_ms,
                        append_info& out);

  // Follower append: offsets already assigned; the batches must start at or above log_end_offset()
  // and each above the previous one's last offset (else invalid_batch); gaps are accepted, as a
  // compacted leader's log has them; CRCs are checked (corrupt_message). The
  // epoch cache learns every batch epoch above its latest.
  errc append_as_follower(const std::vector<char>& buf, int64_t now_ms, append_info& out);

  // Copies whole batches starting with the batch that contains `offset`, up to max_bytes total,
  // but with min_one_batch always at least one whole batch if any (like Kafka, so a large batch
  // never blocks a consumer; a fetch sets it for its first partition with data only), stopping
  // before any batch whose base offset >= max_offset (the high watermark). Never reads from disk
  // more than max(max_bytes, first batch). offset < log_start_offset() or > log_end_offset() ->
  // offset_out_of_range; offset == log_end_offset() -> ok with empty out. Continues into the next
  // segment while budget remains; an offset inside a gap reads from the next batch after it. Every
  // header served is checked (see the class comment): at a bad one the read stops and returns what
  // came before it, or corrupt_message when that is nothing, and notes the damage for repair_damage().
  errc read(int64_t offset, int32_t max_bytes, std::vector<char>& out,
            int64_t max_offset = INT64_MAX, bool min_one_batch = true) const;

  // Whether a read found damage that repair_damage() has not fixed yet.
  bool has_damage_to_repair() const { return pending_repair_ >= 0; }
  // Repairs the segment a read found damaged (segment::repair: only the damaged batches go) and
  // logs what was lost. The active segment is rolled first so the log end offset stays.
  errc repair_damage();

  // Scrubber step: CRC-checks about budget bytes of the closed segments from where the previous
  // call stopped; damage found is logged and repaired. The active segment is left alone (it is
  // being written; it is checked when it closes and after an unclean shutdown).
  scrub_progress scrub(size_t budget);
  // Damaged regions found since open (at open, by reads, by the scrubber).
  int64_t damage_count() const { return damage_count_; }

  int64_t log_start_offset() const { return log_start_; }
  int64_t log_end_offset() const;  // next offset to be assigned

  // Kafka ListOffsets by timestamp: the first record, in offset order, of the first batch whose
  // max timestamp >= ts that has a timestamp >= ts (segment::find_timestamp), as its offset (at
  // least the log start), timestamp and batch leader epoch; nullopt if none.
  std::optional<timestamp_hit> offset_for_timestamp(int64_t ts) const;

  // ListOffsets max timestamp (-3, KIP-734): the first record carrying the largest timestamp in
  // the log; nullopt for a log without records or timestamps.
  std::optional<timestamp_hit> max_timestamp_hit() const;

  // Removes every offset >= offset (segments after it deleted, the containing segment truncated at
  // a batch boundary, indexes trimmed, epoch cache entries >= the new end dropped). Since the cut
  // is at a batch boundary, the new log end may be below offset. An offset at or below the log
  // start empties the log and restarts it at offset. For follower truncation.
  errc truncate_to(int64_t offset);

  // Kafka's DeleteRecords: moves the log start up to `offset` (<= log_end_offset(), else
  // offset_out_of_range; at or below the current start: nothing to do). The new start is
  // checkpointed first (log-start-offset-checkpoint, so it survives a restart and a crash), then
  // the non-active segments wholly below it are deleted; reads below it answer offset_out_of_range.
  // The segment holding `offset` stays: its earlier batches remain on disk, unreadable.
  errc advance_log_start(int64_t offset);

  // Deletes whole non-active segments, oldest first, whose newest batch is older than retention_ms
  // (by the segment's largest timestamp, or file mtime if none), then while total size - segment
  // size >= retention_bytes. Rolls first when the active segment is itself expired and non-empty
  // so it can go too. Advances and checkpoints log_start_offset. Returns the number deleted.
  int apply_retention(int64_t now_ms);

  // One compaction pass (persistence/log_cleaner.hpp) when the config has compact_policy: the
  // closed segments entirely below limit (the owner's high watermark) are cleaned when their dirty
  // share reaches min_cleanable_dirty_ratio, with a key map of at most map_bytes. Each rewritten
  // segment replaces the old one through <base>.swap: written and fsynced as <base>.cleaned.tmp,
  // renamed to .swap, the old indexes removed, renamed over <base>.log, reopened (indexes rebuilt).
  // A crash before the .swap exists leaves the old segment (the .tmp is removed at open); after,
  // open() completes the swap. Offsets, the log start and end never change. On an error the
  // segments done so far stay compacted, the rest as they were.
  errc compact(int64_t limit, int64_t now_ms, size_t map_bytes, compaction_report* report);
  // The offset up to which compaction has cleaned (the log start when it never ran).
  int64_t cleaned_until() const { return std::max(clean_until_, log_start_); }

  // fsyncs when flush_messages records or flush_ms have passed since the last flush. Called after
  // appends and on a timer.
  errc maybe_flush(int64_t now_ms);
  errc flush();
  void close();  // flush, write indexes, write the clean shutdown marker

  int64_t size_bytes() const;
  size_t segment_count() const { return segments_.size(); }
  const leader_epoch_cache& epochs() const { return epochs_; }
  void set_config(const log_config& cfg);
  const log_config& config() const { return cfg_; }
  const std::filesystem::path& dir() const { return dir_; }

  // Base offsets of the segments, oldest first (tests, admin tools).
  std::vector<int64_t> segment_base_offsets() const;
  // Records appended since the last fsync, and how many fsyncs flush() has done (tests, metrics).
  int64_t unflushed_messages() const { return unflushed_messages_; }
  int64_t flush_count() const { return flush_count_; }

 private:
  partition_log(std::filesystem::path dir, const log_config& cfg);
  errc load(int64_t now_ms);
  segment& active() { return *segments_.back(); }
  const segment& active() const { return *segments_.back(); }
  // Whether an append of append_bytes consuming `offsets` offsets must go to a new segment.
  bool should_roll(size_t append_bytes, int64_t offsets, int64_t now_ms) const;
  errc roll();
  errc checkpoint_log_start();
  // Replaces segment i by the cleaned file at tmp (see compact()).
  errc swap_in(size_t i, const std::filesystem::path& tmp, int64_t now_ms);
  // Index of the segment that may hold offset (the last with base_offset <= offset).
  size_t segment_index_for(int64_t offset) const;
  // The first offset segment i may not reach: the next segment's base, INT64_MAX for the last.
  int64_t offset_limit(size_t i) const;
  // Repairs segment i, logs each damaged region (found_by: "at open", "by a read", ...).
  errc repair_segment(size_t i, const char* found_by);
  // Logs what a repair dropped: an error per damaged region, except the cut tail of the last
  // segment after a crash (crashed), the normal result of a torn write, which is a warning.
  void log_repair(const segment& s, const repair_report& r, bool last, bool crashed,
                  const char* found_by);
  // Rebuilds the epoch cache from the batch headers (a checkpoint that failed to load with why).
  errc rebuild_epochs(errc why);
  // Notes a bad header seen by the const read path, once per place.
  void note_read_damage(const segment& s, int64_t position, int64_t first_offset,
                        header_fault fault) const;

  std::filesystem::path dir_;
  log_config cfg_;
  std::vector<std::unique_ptr<segment>> segments_;
  leader_epoch_cache epochs_;
  int64_t log_start_ = 0;
  int64_t clean_until_ = 0;  // cleaner-offset-checkpoint
  int64_t unflushed_messages_ = 0;
  int64_t last_flush_ms_ = 0;
  int64_t flush_count_ = 0;
  bool closed_ = false;
  int64_t damage_count_ = 0;
  // Base offset of the segment a read found damaged, -1 when none (mutable: read() is const).
  mutable int64_t pending_repair_ = -1;
  mutable int64_t last_noted_position_ = -1;  // logs a damaged place once, not once per fetch
  int64_t found_intact_ = -1;  // segment whose repair found nothing: reads do not retry it
  int64_t scrub_segment_ = -1;                // base of the segment being scrubbed, -1: start over
  scrub_cursor scrub_cursor_;
};

}  // namespace samsa::persistence
