#pragma once

// One log segment: <dir>/<base>.log with its sparse <base>.index and <base>.timeindex, where
// <base> is the segment's base offset as 20 decimal digits, zero-padded (00000000000000000042.log),
// so that a directory listing sorts segments by offset.
//
// On-disk format of <base>.log: the record batches of the segment, back to back, byte for byte as
// defined in messages/record_batch.hpp (61-byte v2 header + records), exactly as the producer sent
// them except for two fields the leader overwrote in place: base_offset (bytes 0-7, the assigned
// offset) and partition_leader_epoch (bytes 12-15). Both lie outside the CRC, so every stored
// batch still passes verify_crc(). No file header, no padding: batch i+1 starts at batch i's
// position + 12 + batch_length. Base offsets strictly increase; the first batch starts at (or,
// after a follower gap, above) the segment's base offset; every batch's offsets fit in a u32
// relative to the base offset. The file ends after the last whole batch; anything after that is a
// torn write that recovery cuts off.
//
// <base>.index and <base>.timeindex: see persistence/offset_index.hpp.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "messages/record_batch.hpp"
#include "persistence/errc.hpp"
#include "persistence/file_util.hpp"
#include "persistence/offset_index.hpp"

namespace samsa::persistence {

// "00000000000000000042.log" for (42, ".log").
std::string segment_file_name(int64_t base_offset, const char* extension);

// Parses a segment file stem ("00000000000000000042") back; nullopt for anything else.
std::optional<int64_t> parse_segment_base(const std::string& stem);

// A batch found in a segment: where it starts in the .log and its header.
struct batch_location {
  int64_t position = 0;
  batch_header header;
};

// Owns one segment's three files and its in-memory state (indexes, next offset, size, largest
// timestamp). Only partition_log calls it, from one thread. Invariants: size() is the byte length
// of the .log and ends on a batch boundary; next_offset() is the last batch's last offset + 1 (the
// base offset when empty); the index entries point at batch starts below size().
class segment {
 public:
  // Creates a new empty segment (the .log must not exist yet).
  static std::unique_ptr<segment> create(const std::filesystem::path& dir, int64_t base_offset,
                                         int32_t index_interval_bytes, errc* err);

  // Opens an existing segment. With full_recovery every batch is read and CRC-checked and the
  // .log is truncated at the first torn or corrupt batch, indexes rebuilt. Otherwise the indexes
  // are loaded (rebuilt when missing or inconsistent) and only the tail after the last index entry
  // is scanned; when that scan finds damage the segment falls back to full recovery. *truncated
  // reports whether bytes were cut from the .log.
  static std::unique_ptr<segment> open(const std::filesystem::path& dir, int64_t base_offset,
                                       int32_t index_interval_bytes, bool full_recovery,
                                       int64_t now_ms, errc* err, bool* truncated);

  ~segment();
  segment(const segment&) = delete;
  segment& operator=(const segment&) = delete;

  int64_t base_offset() const { return base_; }
  int64_t next_offset() const { return next_offset_; }
  int64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Largest batch max_timestamp in the segment, -1 when none carried a timestamp.
  int64_t largest_timestamp() const { return largest_ts_; }
  // Wall clock of the first append (for segment.ms rolling); -1 while empty.
  int64_t roll_base_ms() const { return roll_base_ms_; }
  const std::filesystem::path& log_path() const { return log_path_; }
  // Whether one more entry would take either index file above max_index_bytes.
  bool index_full(int32_t max_index_bytes) const;
  size_t offset_index_entries() const { return offset_index_.size(); }
  size_t time_index_entries() const { return time_index_.size(); }
  void set_index_interval(int32_t bytes) { index_interval_ = bytes; }

  // Appends whole, well-formed batches (offsets already final, each base offset >= next_offset())
  // at the end of the .log. On failure the .log is cut back to its previous size, so nothing
  // half-written survives, and the error (disk_full for ENOSPC) is returned.
  errc append(const char* data, size_t n, int64_t now_ms);

  // The first batch whose last offset >= offset; nullopt when the segment has none. Uses the
  // sparse index, then reads headers forward.
  std::optional<batch_location> find_batch(int64_t offset, errc* err) const;

  // The first batch whose max_timestamp >= ts; nullopt when none.
  std::optional<batch_location> find_timestamp(int64_t ts, errc* err) const;

  // Reads up to n bytes at pos into out; returns the count read (short at end of file) or -1.
  ssize_t read(int64_t pos, size_t n, char* out) const;

  // Removes every batch whose last offset >= offset (cut at a batch boundary, so offsets of a
  // batch straddling `offset` go too), trims both indexes and fsyncs the .log.
  errc truncate_to(int64_t offset);

  // Writes pending index entries and fsyncs the .log (indexes are rebuildable, not fsynced).
  errc flush();
  // Called when the segment stops being active (roll, close): adds the final time index entry,
  // writes and fsyncs the .log and both indexes.
  errc seal();
  // Closes the files and deletes them.
  errc remove();

 private:
  segment(std::filesystem::path dir, int64_t base_offset, int32_t index_interval_bytes);
  errc open_files(bool create);
  // Forgets all batches in memory (not on disk) and both indexes.
  void reset_state();
  // Scans batches from the last index entry (or 0) to the end of the .log, adding index entries.
  // Returns false when a batch is torn, corrupt (only checked with verify), or inconsistent with
  // the index; *valid_end is where the good data ends.
  bool scan_from_index(bool verify, int64_t* valid_end, errc* err);
  // Updates state and indexes for the batch h written at pos.
  void index_batch(const batch_header& h, int64_t pos);
  void maybe_add_time_entry();
  errc recover(bool* truncated);

  std::filesystem::path dir_;
  std::filesystem::path log_path_;
  int64_t base_;
  int32_t index_interval_;
  unique_fd log_fd_;
  offset_index offset_index_;
  time_index time_index_;
  int64_t next_offset_;
  int64_t size_ = 0;
  int64_t largest_ts_ = -1;
  int64_t offset_of_largest_ts_ = -1;
  int64_t bytes_since_index_ = 0;  // log bytes written since the last offset index entry
  int64_t roll_base_ms_ = -1;
};

}  // namespace samsa::persistence
