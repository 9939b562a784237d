#include "persistence/segment.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <vector>

namespace samsa::persistence {

namespace fs = std::filesystem;

std::string segment_file_name(int64_t base_offset, const char* extension) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020lld", static_cast<long long>(base_offset));
  return std::string(buf) + extension;
}

std::optional<int64_t> parse_segment_base(const std::string& stem) {
  if (stem.size() != 20)
    return std::nullopt;
  int64_t v = 0;
  for (char c : stem) {
    if (c < '0' || c > '9')
      return std::nullopt;
    if (v > (INT64_MAX - (c - '0')) / 10)
      return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

namespace {

constexpr size_t lookup_chunk = 64 * 1024;       // a lookup reads about one index interval
constexpr size_t recovery_chunk = 1024 * 1024;  // recovery reads whole segments sequentially

// Walks the batches of a .log in [start, end) through a read-ahead buffer, so scanning many small
// batches costs one pread per chunk rather than one per header. Reports a batch whose header or
// body does not fit before `end` as torn.
class batch_scanner {
 public:
  enum class status { batch, end, torn, io_error };

  batch_scanner(int fd, int64_t start, int64_t end, size_t chunk)
      : fd_(fd), next_(start), end_(end), chunk_(chunk) {}

  // Moves to the next batch. With need_body the whole batch is made available through data().
  status next(bool need_body) {
    if (next_ >= end_)
      return status::end;
    pos_ = next_;
    if (end_ - pos_ < static_cast<int64_t>(batch_header_size))
      return status::torn;
    if (!ensure(pos_, batch_header_size))
      return status::io_error;
    auto h = read_batch_header(at(pos_), batch_header_size);
    if (!h || static_cast<int64_t>(h->total_size()) > end_ - pos_)
      return status::torn;
    header_ = *h;
    if (need_body && !ensure(pos_, h->total_size()))
      return status::io_error;
    next_ = pos_ + static_cast<int64_t>(h->total_size());
    return status::batch;
  }

  int64_t position() const { return pos_; }
  const batch_header& header() const { return header_; }
  const char* data() const { return at(pos_); }

 private:
  const char* at(int64_t pos) const { return buf_.data() + (pos - buf_pos_); }

  bool ensure(int64_t pos, size_t n) {
    if (pos >= buf_pos_ && pos + static_cast<int64_t>(n) <= buf_pos_ + static_cast<int64_t>(len_))
      return true;
    const size_t want =
      static_cast<size_t>(std::min<int64_t>(end_ - pos, static_cast<int64_t>(std::max(n, chunk_))));
    if (buf_.size() < want)
      buf_.resize(want);
    const ssize_t r = pread_full(fd_, buf_.data(), want, pos);
    if (r < static_cast<ssize_t>(n))
      return false;
    buf_pos_ = pos;
    len_ = static_cast<size_t>(r);
    return true;
  }

  int fd_;
  int64_t next_;
  int64_t end_;
  size_t chunk_;
  std::vector<char> buf_;
  int64_t buf_pos_ = 0;
  size_t len_ = 0;
  int64_t pos_ = 0;
  batch_header header_;
};

}  // namespace

segment::segment(fs::path dir, int64_t base_offset, int32_t index_interval_bytes)
    : dir_(std::move(dir)),
      log_path_(dir_ / segment_file_name(base_offset, ".log")),
      base_(base_offset),
      index_interval_(index_interval_bytes),
      next_offset_(base_offset) {}

segment::~segment() = default;

errc segment::open_files(bool create) {
  int flags = O_RDWR | O_CLOEXEC;
  if (create)
    flags |= O_CREAT | O_EXCL;
  log_fd_.reset(::open(log_path_.c_str(), flags, 0644));
  if (!log_fd_.valid())
    return errno == EEXIST ? errc::already_exists : errno_to_errc(errno);
  if (auto e = offset_index_.open(dir_ / segment_file_name(base_, ".index")); e != errc::ok)
    return e;
  return time_index_.open(dir_ / segment_file_name(base_, ".timeindex"));
}

std::unique_ptr<segment> segment::create(const fs::path& dir, int64_t base_offset,
                                         int32_t index_interval_bytes, errc* err) {
  std::unique_ptr<segment> s(new segment(dir, base_offset, index_interval_bytes));
  errc e = s->open_files(true);
  if (e == errc::ok) {
    // Unloaded indexes are empty and get their files cut to zero on write: stale index files of
    // an earlier segment with this base cannot be misread as ours.
    e = s->offset_index_.write();
    if (e == errc::ok)
      e = s->time_index_.write();
  }
  if (err)
    *err = e;
  return e == errc::ok ? std::move(s) : nullptr;
}

std::unique_ptr<segment> segment::open(const fs::path& dir, int64_t base_offset,
                                       int32_t index_interval_bytes, bool full_recovery,
                                       int64_t now_ms, errc* err, bool* truncated) {
  std::unique_ptr<segment> s(new segment(dir, base_offset, index_interval_bytes));
  *truncated = false;
  errc e = s->open_files(false);
  if (e == errc::ok) {
    if (full_recovery) {
      e = s->recover(truncated);
    } else {
      // A bad index is rebuilt from scratch; a bad .log tail needs the CRC-checking recovery.
      const bool offsets_ok = s->offset_index_.load();
      const bool times_ok = s->time_index_.load();
      if (!offsets_ok || !times_ok)
        s->reset_state();
      int64_t valid_end = 0;
      bool ok = s->scan_from_index(false, &valid_end, &e);
      if (e == errc::ok && ok && !s->time_index_.empty() &&
          base_offset + s->time_index_.back().relative_offset >= s->next_offset_)
        ok = false;  // a time entry beyond the data: the indexes belong to other data
      if (e == errc::ok && !ok)
        e = s->recover(truncated);
    }
  }
  if (e == errc::ok) {
    // A rebuilt index lacks the entry seal() added when the segment was closed; adding it keeps
    // the largest timestamp findable through the file and makes rebuilt files equal the originals.
    s->maybe_add_time_entry();
    e = s->offset_index_.write();
    if (e == errc::ok)
      e = s->time_index_.write();
  }
  if (e == errc::ok && !s->empty()) {
    // segment.ms counts from the first batch's timestamp after a restart (the append wall clock
    // is not persisted); never from the future, so a bogus client timestamp cannot pin the segment.
    char buf[batch_header_size];
    if (s->read(0, sizeof buf, buf) == static_cast<ssize_t>(sizeof buf)) {
      auto h = read_batch_header(buf, sizeof buf);
      s->roll_base_ms_ = h && h->max_timestamp >= 0 ? std::min(h->max_timestamp, now_ms) : now_ms;
    } else {
      e = errc::io_error;
    }
  }
  if (err)
    *err = e;
  return e == errc::ok ? std::move(s) : nullptr;
}

void segment::reset_state() {
  offset_index_.clear();
  time_index_.clear();
  next_offset_ = base_;
  size_ = 0;
  largest_ts_ = -1;
  offset_of_largest_ts_ = -1;
  bytes_since_index_ = 0;
}

bool segment::scan_from_index(bool verify, int64_t* valid_end, errc* err) {
  *err = errc::ok;
  int64_t start = 0;
  int64_t expected_base = -1;  // base offset the batch at `start` must have; -1: no index entry
  if (!offset_index_.empty()) {
    start = offset_index_.back().position;
    expected_base = base_ + offset_index_.back().relative_offset;
  }
  next_offset_ = expected_base >= 0 ? expected_base : base_;
  size_ = start;
  largest_ts_ = time_index_.empty() ? -1 : time_index_.back().timestamp;
  offset_of_largest_ts_ = time_index_.empty() ? -1 : base_ + time_index_.back().relative_offset;
  bytes_since_index_ = 0;
  *valid_end = start;
  const int64_t file_end = file_size(log_fd_.get());
  if (file_end < 0) {
    *err = errno_to_errc(errno);
    return false;
  }
  if (start > file_end)
    return false;
  batch_scanner sc(log_fd_.get(), start, file_end, verify ? recovery_chunk : lookup_chunk);
  for (;;) {
    const auto st = sc.next(verify);
    if (st == batch_scanner::status::end)
      return expected_base < 0;  // an index entry must point at a batch, not at the end
    if (st == batch_scanner::status::io_error) {
      *err = errc::io_error;
      return false;
    }
    if (st == batch_scanner::status::torn)
      return false;
    const auto& h = sc.header();
    if (expected_base >= 0 && h.base_offset != expected_base)
      return false;  // the index entry does not point at the batch it names
    expected_base = -1;
    if (h.magic != 2 || h.base_offset < next_offset_ || h.last_offset_delta < 0 ||
        h.last_offset() - base_ > static_cast<int64_t>(UINT32_MAX) ||
        sc.position() > static_cast<int64_t>(UINT32_MAX))
      return false;
    if (verify && !verify_crc(sc.data(), h.total_size()))
      return false;
    index_batch(h, sc.position());
    *valid_end = size_;
  }
}

errc segment::recover(bool* truncated) {
  reset_state();
  int64_t valid_end = 0;
  errc e = errc::ok;
  const bool ok = scan_from_index(true, &valid_end, &e);
  if (e != errc::ok)
    return e;
  if (!ok) {
    // Everything from the first bad batch on goes; the batches before it are intact.
    if (::ftruncate(log_fd_.get(), static_cast<off_t>(valid_end)) != 0)
      return errno_to_errc(errno);
    if (auto fe = fsync_fd(log_fd_.get()); fe != errc::ok)
      return fe;
    *truncated = true;
  }
  return errc::ok;
}

void segment::maybe_add_time_entry() {
  const int64_t last = time_index_.empty() ? -1 : time_index_.back().timestamp;
  if (largest_ts_ > last)
    time_index_.push_back({largest_ts_, static_cast<uint32_t>(offset_of_largest_ts_ - base_)});
}

void segment::index_batch(const batch_header& h, int64_t pos) {
  if (h.max_timestamp > largest_ts_) {
    largest_ts_ = h.max_timestamp;
    offset_of_largest_ts_ = h.base_offset;
  }
  if (bytes_since_index_ >= index_interval_) {
    const auto rel = static_cast<uint32_t>(h.base_offset - base_);
    if (offset_index_.empty() || rel > offset_index_.back().relative_offset) {
      offset_index_.push_back({rel, static_cast<uint32_t>(pos)});
      maybe_add_time_entry();
    }
    bytes_since_index_ = 0;
  }
  bytes_since_index_ += static_cast<int64_t>(h.total_size());
  next_offset_ = h.last_offset() + 1;
  size_ = pos + static_cast<int64_t>(h.total_size());
}

bool segment::index_full(int32_t max_index_bytes) const {
  return offset_index_.size_bytes() + offset_entry::size > static_cast<size_t>(max_index_bytes) ||
         time_index_.size_bytes() + time_entry::size > static_cast<size_t>(max_index_bytes);
}

errc segment::append(const char* data, size_t n, int64_t now_ms) {
  const int64_t old_size = size_;
  if (auto e = pwrite_full(log_fd_.get(), data, n, old_size); e != errc::ok) {
    // Cut back whatever part made it, so the .log still ends on a batch boundary.
    if (::ftruncate(log_fd_.get(), static_cast<off_t>(old_size)) != 0) {
      // Nothing more to do here: size_ is unchanged, so the next append overwrites the tail and
      // recovery would cut it after a crash.
    }
    return e;
  }
  if (roll_base_ms_ < 0)
    roll_base_ms_ = now_ms;
  size_t off = 0;
  while (off < n) {
    auto h = read_batch_header(data + off, n - off);
    if (!h || h->total_size() > n - off)
      break;  // cannot happen: partition_log parsed the buffer before calling
    index_batch(*h, old_size + static_cast<int64_t>(off));
    off += h->total_size();
  }
  return errc::ok;
}

std::optional<batch_location> segment::find_batch(int64_t offset, errc* err) const {
  *err = errc::ok;
  if (offset >= next_offset_ || size_ == 0)
    return std::nullopt;
  const int64_t rel = std::max<int64_t>(offset - base_, 0);
  auto entry = offset_index_.floor(static_cast<uint32_t>(rel));
  batch_scanner sc(log_fd_.get(), entry ? entry->position : 0, size_, lookup_chunk);
  for (;;) {
    const auto st = sc.next(false);
    if (st == batch_scanner::status::end)
      return std::nullopt;
    if (st != batch_scanner::status::batch) {
      *err = st == batch_scanner::status::io_error ? errc::io_error : errc::corrupt_message;
      return std::nullopt;
    }
    if (sc.header().last_offset() >= offset)
      return batch_location{sc.position(), sc.header()};
  }
}

std::optional<batch_location> segment::find_timestamp(int64_t ts, errc* err) const {
  *err = errc::ok;
  if (largest_ts_ < ts || size_ == 0)
    return std::nullopt;
  // Every batch up to a time entry's batch has max_timestamp <= the entry's timestamp, so the
  // answer lies after the last entry below ts: start at the index position at or before it.
  int64_t start = 0;
  if (auto te = time_index_.last_before(ts)) {
    if (auto oe = offset_index_.floor(te->relative_offset))
      start = oe->position;
  }
  batch_scanner sc(log_fd_.get(), start, size_, lookup_chunk);
  for (;;) {
    const auto st = sc.next(false);
    if (st == batch_scanner::status::end)
      return std::nullopt;
    if (st != batch_scanner::status::batch) {
      *err = st == batch_scanner::status::io_error ? errc::io_error : errc::corrupt_message;
      return std::nullopt;
    }
    if (sc.header().max_timestamp >= ts)
      return batch_location{sc.position(), sc.header()};
  }
}

ssize_t segment::read(int64_t pos, size_t n, char* out) const {
  return pread_full(log_fd_.get(), out, n, pos);
}

errc segment::truncate_to(int64_t offset) {
  errc e = errc::ok;
  auto loc = find_batch(offset, &e);
  if (e != errc::ok)
    return e;
  if (!loc)
    return errc::ok;  // nothing at or after offset here
  if (::ftruncate(log_fd_.get(), static_cast<off_t>(loc->position)) != 0)
    return errno_to_errc(errno);
  // Without the fsync a crash could bring back the removed batches, which a follower truncating
  // a divergent suffix must never see again.
  if (auto fe = fsync_fd(log_fd_.get()); fe != errc::ok)
    return fe;
  const auto rel = static_cast<uint32_t>(loc->header.base_offset - base_);
  offset_index_.truncate_from(rel);
  time_index_.truncate_from(rel);
  int64_t valid_end = 0;
  if (!scan_from_index(false, &valid_end, &e))
    return e == errc::ok ? errc::corrupt_message : e;
  if (size_ == 0)
    roll_base_ms_ = -1;
  if (e = offset_index_.write(); e != errc::ok)
    return e;
  return time_index_.write();
}

errc segment::flush() {
  if (auto e = offset_index_.write(); e != errc::ok)
    return e;
  if (auto e = time_index_.write(); e != errc::ok)
    return e;
  return fsync_fd(log_fd_.get());
}

errc segment::seal() {
  maybe_add_time_entry();
  if (auto e = flush(); e != errc::ok)
    return e;
  if (auto e = offset_index_.sync(); e != errc::ok)
    return e;
  return time_index_.sync();
}

errc segment::remove() {
  log_fd_.reset();
  offset_index_.close();
  time_index_.close();
  errc result = errc::ok;
  for (const char* ext : {".log", ".index", ".timeindex"}) {
    std::error_code ec;
    fs::remove(dir_ / segment_file_name(base_, ext), ec);
    if (ec)
      result = errc::io_error;
  }
  return result;
}

}  // namespace samsa::persistence
