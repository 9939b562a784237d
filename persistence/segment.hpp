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
// Damage (a torn or corrupt batch anywhere, found at open, by the read path or by the scrubber) is
// repaired by repair(): the damaged bytes are dropped and the good batches after them kept, so a
// segment may then hold an offset gap (as a compacted Kafka log does). Readers already handle gaps:
// a lookup returns the first batch whose last offset >= the wanted one.
//
// <base>.index and <base>.timeindex: see persistence/offset_index.hpp.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "messages/record_batch.hpp"
#include "messages/record_times.hpp"
#include "persistence/errc.hpp"
#include "persistence/file_util.hpp"
#include "persistence/offset_index.hpp"
#include "persistence/segment_scan.hpp"

namespace samsa::persistence {

// "00000000000000000042.log" for (42, ".log").
std::string segment_file_name(int64_t base_offset, const char* extension);

// Parses a segment file stem ("00000000000000000042") back; nullopt for anything else.
std::optional<int64_t> parse_segment_base(const std::string& stem);

// A batch found in a segment: where it starts in the .log, its header, and the last offset of the
// batch before it (the segment's base - 1 when it is the first), which the read path checks the
// following batches against.
struct batch_location {
  int64_t position = 0;
  batch_header header;
  int64_t prev_last = -1;
};

// A record found by timestamp: its offset and timestamp, and its batch's leader epoch.
struct timestamp_hit {
  int64_t offset = -1;
  int64_t timestamp = -1;
  int32_t leader_epoch = -1;
};

// One damaged region repair() dropped from a .log.
struct damaged_range {
  int64_t position = 0;       // byte where the damage starts
  int64_t bytes = 0;          // bytes dropped
  int64_t first_offset = 0;   // first offset lost (the previous good batch's last offset + 1)
  int64_t last_offset = -1;   // last offset lost; -1 when unknown (a torn tail of the last segment)
  bool to_end = false;        // nothing good followed: the segment was cut here
  const char* reason = "";    // describe() of the first bad batch
};

// What repair() did to one segment.
struct repair_report {
  std::vector<damaged_range> ranges;  // empty: the segment was intact
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

  // Opens an existing segment. With full_recovery every batch is read and checked (repair()).
  // Otherwise the indexes are loaded (rebuilt when missing or inconsistent) and only the batch
  // headers after the last index entry are checked, which finds a cut or garbage tail and a last
  // batch whose offsets reach offset_limit (the next segment's base); when that finds damage the
  // segment is repaired. *report says what repair dropped (empty ranges: nothing).
  static std::unique_ptr<segment> open(const std::filesystem::path& dir, int64_t base_offset,
                                       int32_t index_interval_bytes, bool full_recovery,
                                       int64_t offset_limit, int64_t now_ms, errc* err,
                                       repair_report* report);

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
  // sparse index, then reads headers forward, checking each (check_stored_header against its
  // predecessor): a header that fails is corrupt_message, never a wrong batch.
  // *bad_position (if given) is where the bad header is.
  std::optional<batch_location> find_batch(int64_t offset, errc* err,
                                           int64_t* bad_position = nullptr) const;

  // The first record (in offset order) of the first batch whose max timestamp >= ts, whose own
  // timestamp is >= ts (Kafka's ListOffsets by timestamp); nullopt when none. The record is found
  // by reading the batch's records; a compressed batch (not decoded) answers its base offset with
  // its max timestamp. Batches whose header max_timestamp is implausible (a client left it -1;
  // stored before the leader fixed it at append) get theirs computed from the records, and their
  // segment is then searched from its start, since its time index cannot be trusted.
  std::optional<timestamp_hit> find_timestamp(int64_t ts, errc* err) const;

  // The first record with the segment's largest timestamp (ListOffsets -3, KIP-734); nullopt for
  // an empty segment or one without timestamps.
  std::optional<timestamp_hit> max_timestamp_hit(errc* err) const;

  // Reads up to n bytes at pos into out; returns the count read (short at end of file) or -1.
  ssize_t read(int64_t pos, size_t n, char* out) const;

  // What every batch of this segment must fit in (offset_limit: its next offset).
  segment_bounds bounds() const { return {base_, next_offset_, size_}; }
  // The .log's descriptor, for the scanners in persistence/ (scrubber, header walks); read only.
  int log_fd() const { return log_fd_.get(); }

  // Calls f(header, position) for every batch header, oldest first (epoch rebuild). Stops with
  // corrupt_message at a header that fails check_stored_header.
  template <class F>
  errc for_each_batch(F&& f) const;

  // Reads and checks every batch (check_stored_batch: header rules, CRC, offsets below
  // offset_limit) and drops damaged regions: a region ends where a good batch can be found again
  // (find_resync_point), so only the damaged batches are lost; with none, the .log is cut there.
  // A cut at the end is an ftruncate; a hole in the middle rewrites the .log through
  // <base>.log.repair.tmp + rename (a crash midway leaves the damaged original, repaired again at
  // the next open; open() deletes *.tmp leftovers). Indexes are rebuilt in memory and written.
  // The caller logs the report.
  errc repair(int64_t offset_limit, repair_report* report);

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
  // Scans batch headers from the last index entry (or 0) to the end of the .log, adding index
  // entries. Returns false when a batch is torn, fails check_stored_header (offsets must stay
  // below offset_limit), or is inconsistent with the index.
  bool scan_from_index(int64_t offset_limit, errc* err);
  // Walks checked headers from an index entry (or position 0), calling f(header, position,
  // prev_last) until it returns false; corrupt_message at a header that fails the checks, with
  // its position in *bad_position (if given).
  template <class F>
  errc walk_from(const std::optional<offset_entry>& entry, F&& f,
                 int64_t* bad_position = nullptr) const;
  // Rewrites the .log keeping only the byte ranges in keep (sorted, disjoint); reopens the fd.
  errc rewrite_log(const std::vector<std::pair<int64_t, int64_t>>& keep);
  // Updates state and indexes for the batch h written at pos.
  void index_batch(const batch_header& h, int64_t pos);
  void maybe_add_time_entry();
  // The timestamps of the records of the batch h at pos (nullopt: compressed or unreadable).
  std::optional<std::vector<record_time>> read_record_times(const batch_header& h,
                                                            int64_t pos) const;
  // The batch's max timestamp: the header's when plausible, else computed from its records.
  int64_t effective_max_timestamp(const batch_header& h, int64_t pos) const;

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
  // Some batch's header max_timestamp is implausible (header_max_timestamp_plausible): largest_ts_
  // and the time index may miss its records, so timestamp lookups walk the whole segment. Known
  // for a segment created by this process (every batch went through index_batch); for an opened
  // one (only its tail was scanned) the first timestamp lookup walks the headers once to find out.
  mutable bool suspect_ts_ = false;
  mutable bool ts_checked_ = false;
  void check_timestamps() const;
};

template <class F>
errc segment::for_each_batch(F&& f) const {
  batch_scanner sc(log_fd_.get(), 0, size_, 64 * 1024);
  int64_t prev_last = base_ - 1;
  for (;;) {
    const auto st = sc.next(false);
    if (st == batch_scanner::status::end)
      return errc::ok;
    if (st != batch_scanner::status::batch)
      return st == batch_scanner::status::io_error ? errc::io_error : errc::corrupt_message;
    if (check_stored_header(sc.header(), sc.position(), prev_last, bounds()) != header_fault::ok)
      return errc::corrupt_message;
    f(sc.header(), sc.position());
    prev_last = sc.header().last_offset();
  }
}

}  // namespace samsa::persistence
