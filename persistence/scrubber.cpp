#include "persistence/scrubber.hpp"

#include <algorithm>

namespace samsa::persistence {

scrub_slice scrub_segment_slice(int fd, const segment_bounds& b, scrub_cursor& cursor,
                                size_t budget) {
  scrub_slice out;
  // Read ahead no more than the budget, so a slice costs about what it was allowed.
  file_window w(fd, b.file_size, std::max<size_t>(std::min(budget, size_t{1} << 20), 64 * 1024));
  while (cursor.position < b.file_size) {
    if (out.bytes > 0 && static_cast<size_t>(out.bytes) >= budget)
      return out;
    const checked_batch c = check_stored_batch(w, cursor.position, cursor.prev_last, b);
    if (c.result == batch_check::io_error) {
      out.io_error = true;
      return out;
    }
    if (c.result != batch_check::ok) {
      out.damage = c;
      return out;
    }
    out.bytes += static_cast<int64_t>(c.header.total_size());
    cursor.position += static_cast<int64_t>(c.header.total_size());
    cursor.prev_last = c.header.last_offset();
  }
  out.finished = true;
  return out;
}

size_t scrub_rate_limiter::take(size_t want, int64_t now_ms) {
  std::lock_guard<std::mutex> guard(mu_);
  if (last_ms_ < 0) {
    available_ = rate_;  // start with one second of budget
  } else if (now_ms > last_ms_) {
    available_ = std::min(rate_, available_ + (now_ms - last_ms_) * rate_ / 1000);
  }
  last_ms_ = std::max(last_ms_, now_ms);
  const auto got = static_cast<size_t>(std::min<int64_t>(available_, static_cast<int64_t>(want)));
  available_ -= static_cast<int64_t>(got);
  return got;
}

void scrub_rate_limiter::give_back(size_t unused) {
  std::lock_guard<std::mutex> guard(mu_);
  available_ = std::min(rate_, available_ + static_cast<int64_t>(unused));
}

scrub_rate_limiter& node_scrub_limiter() {
  static scrub_rate_limiter limiter(scrub_bytes_per_second);
  return limiter;
}

}  // namespace samsa::persistence
