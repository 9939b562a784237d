#pragma once

// The two sparse per-segment indexes: offset -> file position (.index) and timestamp -> offset
// (.timeindex).
//
// On-disk formats (both files are a plain array of fixed-size entries, no header, big-endian):
//
//   <base>.index      8 bytes per entry
//     0  u32  relative offset: batch base offset minus the segment's base offset
//     4  u32  position: byte position of that batch's first byte in <base>.log
//   entries strictly increasing in both fields. One entry is added for the first batch that starts
//   after at least index_interval_bytes of log were written since the previous entry, so the
//   first batch of a segment (position 0) normally has none: a lookup that finds no entry starts
//   at position 0.
//
//   <base>.timeindex  12 bytes per entry
//     0  i64  timestamp: the largest batch max_timestamp seen in the segment so far
//     8  u32  relative offset of the batch that carried that timestamp
//   timestamps strictly increasing, relative offsets non-decreasing. An entry is added together
//   with each .index entry (when the running maximum grew since the last time entry) and once more
//   when the segment stops being active, so the last entry of a closed segment holds its largest
//   timestamp. Sparse like Kafka's, so memory stays bounded; a lookup scans batch headers from
//   the entry before the wanted timestamp, which is exact because every batch before an entry's
//   position has a max_timestamp <= that entry's timestamp.
//
// Both are kept in memory (8 bytes per index_interval_bytes of log) and mirrored into their files
// by appending the entries not yet written; a file that is missing, of a size that is not a
// multiple of the entry size, or not monotonic is reported by load() and rebuilt from the .log by
// the segment.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "persistence/errc.hpp"
#include "persistence/file_util.hpp"

namespace samsa::persistence {

struct offset_entry {
  static constexpr size_t size = 8;
  uint32_t relative_offset = 0;
  uint32_t position = 0;
  void encode(char* p) const;
  static offset_entry decode(const char* p);
  // Whether next may follow prev in a valid index.
  static bool ordered(const offset_entry& prev, const offset_entry& next) {
    return next.relative_offset > prev.relative_offset && next.position > prev.position;
  }
};

struct time_entry {
  static constexpr size_t size = 12;
  int64_t timestamp = -1;
  uint32_t relative_offset = 0;
  void encode(char* p) const;
  static time_entry decode(const char* p);
  static bool ordered(const time_entry& prev, const time_entry& next) {
    return next.timestamp > prev.timestamp && next.relative_offset >= prev.relative_offset;
  }
};

// Owns one index file and its entries in memory. Called only by its segment. Invariant: entries()
// is ordered per Entry::ordered; the first written_ entries are on disk exactly as in memory.
template <class Entry>
class index_file {
 public:
  // Opens (creating if needed) the file without reading it.
  errc open(const std::filesystem::path& path);
  // Reads the file into memory. Returns false (and leaves the index empty, file truncated at the
  // next write()) when its size is not a multiple of the entry size or its entries are unordered.
  bool load();
  void clear() { truncate(0); }
  void push_back(const Entry& e) { entries_.push_back(e); }
  // Keeps the first n entries.
  void truncate(size_t n);
  // Writes the entries not yet on disk (after shrinking the file when entries were dropped).
  errc write();
  errc sync() { return fsync_fd(fd_.get()); }
  void close() { fd_.reset(); }

  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  const Entry& back() const { return entries_.back(); }
  size_t size() const { return entries_.size(); }
  size_t size_bytes() const { return entries_.size() * Entry::size; }

 protected:
  unique_fd fd_;
  std::vector<Entry> entries_;
  size_t written_ = 0;  // entries [0, written_) are in the file
  bool shrunk_ = false;  // the file may hold more than written_ entries: ftruncate before writing
};

// offset -> position. floor() gives the last indexed batch at or before a relative offset.
class offset_index : public index_file<offset_entry> {
 public:
  std::optional<offset_entry> floor(uint32_t relative_offset) const;
  // Drops entries for batches at relative_offset or later.
  void truncate_from(uint32_t relative_offset);
};

// timestamp -> offset. last_before() gives the last entry whose timestamp is < ts.
class time_index : public index_file<time_entry> {
 public:
  std::optional<time_entry> last_before(int64_t ts) const;
  void truncate_from(uint32_t relative_offset);
};

extern template class index_file<offset_entry>;
extern template class index_file<time_entry>;

}  // namespace samsa::persistence
