#include "persistence/segment_scan.hpp"

#include <algorithm>

#include "persistence/file_util.hpp"

namespace samsa::persistence {

const char* file_window::get(int64_t pos, size_t n, bool* io_error) {
  if (io_error)
    *io_error = false;
  if (pos < 0 || pos + static_cast<int64_t>(n) > end_)
    return nullptr;
  if (pos >= buf_pos_ && pos + static_cast<int64_t>(n) <= buf_pos_ + static_cast<int64_t>(len_))
    return buf_.data() + (pos - buf_pos_);
  const auto want =
    static_cast<size_t>(std::min<int64_t>(end_ - pos, static_cast<int64_t>(std::max(n, chunk_))));
  if (buf_.size() < want)
    buf_.resize(want);
  const ssize_t r = pread_full(fd_, buf_.data(), want, pos);
  if (r < static_cast<ssize_t>(n)) {
    len_ = 0;
    if (io_error)
      *io_error = true;
    return nullptr;
  }
  buf_pos_ = pos;
  len_ = static_cast<size_t>(r);
  return buf_.data();
}

batch_scanner::status batch_scanner::next(bool need_body) {
  if (next_ >= win_.end())
    return status::end;
  pos_ = next_;
  if (win_.end() - pos_ < static_cast<int64_t>(batch_header_size))
    return status::torn;
  bool io = false;
  const char* p = win_.get(pos_, batch_header_size, &io);
  if (!p)
    return io ? status::io_error : status::torn;
  auto h = read_batch_header(p, batch_header_size);
  if (!h || static_cast<int64_t>(h->total_size()) > win_.end() - pos_)
    return status::torn;
  header_ = *h;
  if (need_body) {
    p = win_.get(pos_, h->total_size(), &io);
    if (!p)
      return io ? status::io_error : status::torn;
  }
  data_ = p;
  next_ = pos_ + static_cast<int64_t>(h->total_size());
  return status::batch;
}

const char* to_string(header_fault f) {
  switch (f) {
    case header_fault::ok:
      return "ok";
    case header_fault::bad_magic:
      return "bad magic";
    case header_fault::bad_length:
      return "bad batch length";
    case header_fault::bad_counts:
      return "bad record count";
    case header_fault::out_of_order:
      return "base offset out of order";
    case header_fault::beyond_segment:
      return "offsets beyond the segment";
    case header_fault::too_far:
      return "offset or position beyond the index range";
  }
  return "unknown";
}

header_fault check_stored_header(const batch_header& h, int64_t position, int64_t prev_last,
                                 const segment_bounds& b) {
  if (h.magic != 2)
    return header_fault::bad_magic;
  if (h.batch_length < min_batch_length ||
      static_cast<int64_t>(h.total_size()) > b.file_size - position)
    return header_fault::bad_length;
  if (h.last_offset_delta < 0 || h.records_count < 0 || h.records_count > h.last_offset_delta + 1)
    return header_fault::bad_counts;
  if (h.base_offset <= prev_last || h.base_offset < b.base)
    return header_fault::out_of_order;
  if (h.last_offset() >= b.offset_limit || h.last_offset() < h.base_offset)
    return header_fault::beyond_segment;
  if (h.last_offset() - b.base > static_cast<int64_t>(UINT32_MAX) ||
      position > static_cast<int64_t>(UINT32_MAX))
    return header_fault::too_far;
  return header_fault::ok;
}

namespace {

// Header rules and CRC of the batch at pos, without the lookahead.
checked_batch check_alone(file_window& w, int64_t pos, int64_t prev_last, const segment_bounds& b) {
  checked_batch c;
  bool io = false;
  const char* p = w.get(pos, batch_header_size, &io);
  if (!p) {
    c.result = io ? batch_check::io_error : batch_check::torn;
    return c;
  }
  auto h = read_batch_header(p, batch_header_size);
  if (!h) {
    c.result = batch_check::bad_header;
    c.fault = header_fault::bad_length;
    return c;
  }
  c.header = *h;
  c.fault = check_stored_header(*h, pos, prev_last, b);
  if (c.fault == header_fault::bad_length && pos + static_cast<int64_t>(h->total_size()) > w.end() &&
      h->magic == 2 && h->base_offset > prev_last) {
    c.result = batch_check::torn;  // a plausible header whose body the file does not hold
    return c;
  }
  if (c.fault != header_fault::ok) {
    c.result = batch_check::bad_header;
    return c;
  }
  p = w.get(pos, h->total_size(), &io);
  if (!p) {
    c.result = io ? batch_check::io_error : batch_check::torn;
    return c;
  }
  if (!verify_crc(p, h->total_size()))
    c.result = batch_check::bad_crc;
  return c;
}

}  // namespace

const char* describe(const checked_batch& c) {
  switch (c.result) {
    case batch_check::ok:
      return "ok";
    case batch_check::io_error:
      return "read error";
    case batch_check::torn:
      return "torn batch";
    case batch_check::bad_header:
      return to_string(c.fault);
    case batch_check::bad_crc:
      return "bad CRC";
    case batch_check::offset_conflict:
      return "base offset overlaps the next batch";
  }
  return "unknown";
}

checked_batch check_stored_batch(file_window& w, int64_t pos, int64_t prev_last,
                                 const segment_bounds& b) {
  checked_batch c = check_alone(w, pos, prev_last, b);
  if (c.result != batch_check::ok || c.header.base_offset == prev_last + 1)
    return c;
  const int64_t next_pos = pos + static_cast<int64_t>(c.header.total_size());
  if (next_pos >= w.end())
    return c;
  const checked_batch next = check_alone(w, next_pos, prev_last, b);
  if (next.result == batch_check::ok && next.header.base_offset <= c.header.last_offset())
    c.result = batch_check::offset_conflict;
  return c;
}

int64_t find_resync_point(file_window& w, int64_t from, int64_t prev_last, const segment_bounds& b,
                          bool* io_error) {
  *io_error = false;
  for (int64_t q = from; q + static_cast<int64_t>(batch_header_size) <= w.end(); ++q) {
    const char* p = w.get(q, batch_header_size, io_error);
    if (!p)
      return -1;
    // Cheapest test first: almost every byte position fails on magic.
    if (p[batch_field::magic] != 2)
      continue;
    const checked_batch c = check_alone(w, q, prev_last, b);
    if (c.result == batch_check::io_error) {
      *io_error = true;
      return -1;
    }
    if (c.result == batch_check::ok)
      return q;
  }
  return -1;
}

}  // namespace samsa::persistence
