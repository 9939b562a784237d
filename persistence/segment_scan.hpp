#pragma once

// Reading the batches of a segment's .log: a read-ahead window over the file, a forward batch
// scanner, and the one set of rules that says whether a stored batch header can be trusted.
//
// Every path that walks stored batches (open-time tail scan, lookups, the read path, repair, the
// scrubber) judges headers with check_stored_header(), so a batch the read path refuses is a batch
// repair drops, and a batch repair keeps is one the read path serves. Pure functions and plain
// classes over a file descriptor; no state beyond the buffer.

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "messages/record_batch.hpp"

namespace samsa::persistence {

// A read-ahead buffer over [0, end) of a file, so walking many small batches costs one pread per
// chunk rather than one per header. Owns only its buffer; the fd belongs to the caller and must
// outlive the window.
class file_window {
 public:
  file_window(int fd, int64_t end, size_t chunk) : fd_(fd), end_(end), chunk_(chunk) {}

  // Pointer to bytes [pos, pos + n), reading ahead `chunk` bytes; nullptr when they lie beyond end
  // or the read fails (*io_error tells which).
  const char* get(int64_t pos, size_t n, bool* io_error = nullptr);
  int64_t end() const { return end_; }

 private:
  int fd_;
  int64_t end_;
  size_t chunk_;
  std::vector<char> buf_;
  int64_t buf_pos_ = 0;
  size_t len_ = 0;
};

// Walks the batches of a .log in [start, end). Reports a batch whose header or body does not fit
// before `end` as torn. Judges nothing else: callers apply check_stored_header().
class batch_scanner {
 public:
  enum class status { batch, end, torn, io_error };

  batch_scanner(int fd, int64_t start, int64_t end, size_t chunk)
      : win_(fd, end, chunk), next_(start) {}

  // Moves to the next batch. With need_body the whole batch is made available through data().
  status next(bool need_body);

  int64_t position() const { return pos_; }
  const batch_header& header() const { return header_; }
  const char* data() const { return data_; }

 private:
  file_window win_;
  int64_t next_;
  int64_t pos_ = 0;
  const char* data_ = nullptr;
  batch_header header_;
};

// Why a stored batch header cannot be trusted (ok when it can).
enum class header_fault : uint8_t {
  ok,
  bad_magic,       // magic != 2
  bad_length,      // batch_length below a header, or the batch runs past the end of the file
  bad_counts,      // last_offset_delta < 0, records_count < 0 or > last_offset_delta + 1
  out_of_order,    // base offset not above the previous batch's last offset (or below the base)
  beyond_segment,  // last offset at or past the segment's offset limit (next segment, log end)
  too_far,         // offset or position does not fit the u32 index fields
};
const char* to_string(header_fault f);

// What a stored batch must fit in: the segment's base offset, the first offset it may not reach
// (the next segment's base, or INT64_MAX when unknown), and the .log size.
struct segment_bounds {
  int64_t base = 0;
  int64_t offset_limit = INT64_MAX;
  int64_t file_size = 0;
};

// Judges the header of the batch at `position` given the last offset of the batch before it
// (base - 1 for the first batch of a segment). records_count <= last_offset_delta + 1: leaders
// only take client batches with equality (validate_client_batch), compaction keeps a batch's
// offset range while removing records (persistence/log_cleaner.hpp), and followers copy both.
header_fault check_stored_header(const batch_header& h, int64_t position, int64_t prev_last,
                                 const segment_bounds& b);

// The full verdict on one stored batch (repair and the scrubber; the read path checks headers only).
enum class batch_check : uint8_t {
  ok,
  io_error,         // the read failed: nothing can be said about the data
  torn,             // fewer bytes than a header, or than the batch, before the end of the file
  bad_header,       // check_stored_header() refused it (see fault)
  bad_crc,          // CRC-32C mismatch: the header may be right, the body is not
  offset_conflict,  // its offsets overlap the next batch, which fits where this one should be
};

struct checked_batch {
  batch_check result = batch_check::ok;
  header_fault fault = header_fault::ok;
  batch_header header;  // as read (meaningful unless torn or io_error)
};

// What went wrong, for the operator log ("bad CRC", "bad magic", ...).
const char* describe(const checked_batch& c);

// Checks the batch at pos: header rules, CRC, and one lookahead rule for a base offset that was
// shifted upwards (the base offset lies outside the CRC, so only its neighbours can tell): a batch
// that does not follow its predecessor directly (base != prev_last + 1) while the next batch
// would, and whose offsets overlap that next batch, is the wrong one. The rule only looks ahead
// in that rare case, so it costs nothing on healthy data.
checked_batch check_stored_batch(file_window& w, int64_t pos, int64_t prev_last,
                                 const segment_bounds& b);

// The first position >= from where a batch that may follow prev_last starts: its header passes
// check_stored_header and its CRC matches (a random position passes with probability ~2^-32, and
// only after passing the magic, length and offset rules). -1 when none before the end of the file;
// *io_error when a read failed. Lets repair keep the good batches after a damaged one.
int64_t find_resync_point(file_window& w, int64_t from, int64_t prev_last, const segment_bounds& b,
                          bool* io_error);

}  // namespace samsa::persistence
