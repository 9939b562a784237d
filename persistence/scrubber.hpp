#pragma once

// The background scrubber's pure parts: a CRC-checking walk over one segment in bounded slices,
// and the node-wide byte budget that rate-limits every partition's scrubbing together (like
// Redpanda's scrubber: damage in closed segments is found while nobody reads them, at a bounded
// cost in disk bandwidth).
//
// Who drives it: each partition actor, on its own scrub timer, takes bytes from the node budget and
// calls partition_log::scrub() with them. One node-wide budget rather than one scrubber actor per
// node: the budget already bounds the node's scrub I/O whatever the number of partitions, and the
// partition actor is the only one allowed to touch its log, so no extra coordination is needed.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>

#include "persistence/segment_scan.hpp"

namespace samsa::persistence {

// Tuning, deliberately not configuration keys yet: the rate is a small fraction of any disk's
// sequential bandwidth, and a slice of 4 MiB is a few milliseconds of CRC work from the page cache,
// so a partition actor is never held up long by a scrub tick.
constexpr int64_t scrub_bytes_per_second = 32 << 20;  // node-wide
constexpr size_t scrub_slice_bytes = 4 << 20;         // most one partition reads per tick
constexpr int64_t scrub_tick_ms = 1000;
constexpr int64_t scrub_pass_pause_ms = 3600 * 1000;  // after a full pass over a partition

// Where a scrub stands inside one segment: the next batch's byte position and the last offset of
// the batch before it.
struct scrub_cursor {
  int64_t position = 0;
  int64_t prev_last = -1;
};

// What one slice did.
struct scrub_slice {
  int64_t bytes = 0;        // bytes read (budget used)
  bool finished = false;    // reached the end of the segment without damage
  bool io_error = false;    // a read failed; nothing is concluded, the cursor did not move past it
  std::optional<checked_batch> damage;  // the first damaged batch, at cursor.position
};

// Checks the batches of the .log behind fd from cursor on (check_stored_batch: header rules, CRC,
// offsets below b.offset_limit) until about budget bytes were read (at least one batch), the end of
// b.file_size, or the first damaged batch, where it stops with the cursor on that batch.
scrub_slice scrub_segment_slice(int fd, const segment_bounds& b, scrub_cursor& cursor,
                                size_t budget);

// A token bucket of bytes shared by every scrubbing partition of the process. Thread-safe (partition
// actors run on several scheduler threads). The clock is passed in (steady ms) so tests control it.
// Invariant: 0 <= available <= one second of rate.
class scrub_rate_limiter {
 public:
  explicit scrub_rate_limiter(int64_t bytes_per_second) : rate_(bytes_per_second) {}

  // Takes up to want bytes of budget (0 when the bucket is empty).
  size_t take(size_t want, int64_t now_ms);
  // Returns budget taken but not used.
  void give_back(size_t unused);

 private:
  std::mutex mu_;
  int64_t rate_;
  int64_t available_ = 0;
  int64_t last_ms_ = -1;
};

// The process's limiter (scrub_bytes_per_second).
scrub_rate_limiter& node_scrub_limiter();

}  // namespace samsa::persistence
