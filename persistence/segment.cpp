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

constexpr size_t lookup_chunk = 64 * 1024;  // a lookup reads about one index interval

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
  s->ts_checked_ = true;  // every batch will pass through index_batch
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
                                       int64_t offset_limit, int64_t now_ms, errc* err,
                                       repair_report* report) {
  std::unique_ptr<segment> s(new segment(dir, base_offset, index_interval_bytes));
  *report = repair_report{};
  errc e = s->open_files(false);
  if (e == errc::ok) {
    if (full_recovery) {
      e = s->repair(offset_limit, report);
    } else {
      // A bad index is rebuilt from scratch; a bad .log tail needs the CRC-checking repair.
      const bool offsets_ok = s->offset_index_.load();
      const bool times_ok = s->time_index_.load();
      if (!offsets_ok || !times_ok)
        s->reset_state();
      bool ok = s->scan_from_index(offset_limit, &e);
      if (e == errc::ok && ok && !s->time_index_.empty() &&
          base_offset + s->time_index_.back().relative_offset >= s->next_offset_)
        ok = false;  // a time entry beyond the data: the indexes belong to other data
      if (e == errc::ok && !ok)
        e = s->repair(offset_limit, report);
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
  suspect_ts_ = false;
  ts_checked_ = false;
}

void segment::check_timestamps() const {
  if (ts_checked_)
    return;
  // A header that fails the checks makes the lookup's own walk fail the same way: suspect is moot.
  for_each_batch([this](const batch_header& h, int64_t) {
    if (!header_max_timestamp_plausible(h))
      suspect_ts_ = true;
  });
  ts_checked_ = true;
}

bool segment::scan_from_index(int64_t offset_limit, errc* err) {
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
  const int64_t file_end = file_size(log_fd_.get());
  if (file_end < 0) {
    *err = errno_to_errc(errno);
    return false;
  }
  if (start > file_end)
    return false;
  const segment_bounds b{base_, offset_limit, file_end};
  batch_scanner sc(log_fd_.get(), start, file_end, lookup_chunk);
  for (;;) {
    const auto st = sc.next(false);
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
    if (check_stored_header(h, sc.position(), next_offset_ - 1, b) != header_fault::ok)
      return false;
    index_batch(h, sc.position());
  }
}

void segment::maybe_add_time_entry() {
  const int64_t last = time_index_.empty() ? -1 : time_index_.back().timestamp;
  if (largest_ts_ > last)
    time_index_.push_back({largest_ts_, static_cast<uint32_t>(offset_of_largest_ts_ - base_)});
}

void segment::index_batch(const batch_header& h, int64_t pos) {
  if (!header_max_timestamp_plausible(h))
    suspect_ts_ = true;
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

std::optional<batch_location> segment::find_batch(int64_t offset, errc* err,
                                                  int64_t* bad_position) const {
  *err = errc::ok;
  if (offset >= next_offset_ || size_ == 0)
    return std::nullopt;
  const int64_t rel = std::max<int64_t>(offset - base_, 0);
  auto entry = offset_index_.floor(static_cast<uint32_t>(rel));
  std::optional<batch_location> hit;
  *err = walk_from(entry, [&](const batch_header& h, int64_t pos, int64_t prev_last) {
    if (h.last_offset() < offset)
      return true;
    hit = batch_location{pos, h, prev_last};
    return false;
  }, bad_position);
  return *err == errc::ok ? hit : std::nullopt;
}

std::optional<std::vector<record_time>> segment::read_record_times(const batch_header& h,
                                                                   int64_t pos) const {
  if (h.compression() != 0 || h.is_control())
    return std::nullopt;
  std::vector<char> buf(h.total_size());
  if (read(pos, buf.size(), buf.data()) != static_cast<ssize_t>(buf.size()))
    return std::nullopt;
  return record_times(buf.data(), buf.size());
}

int64_t segment::effective_max_timestamp(const batch_header& h, int64_t pos) const {
  if (header_max_timestamp_plausible(h) || h.compression() != 0)
    return h.max_timestamp;
  auto times = read_record_times(h, pos);
  auto best = times ? record_with_max_timestamp(*times) : std::nullopt;
  return best ? best->timestamp : h.max_timestamp;
}

std::optional<timestamp_hit> segment::find_timestamp(int64_t ts, errc* err) const {
  *err = errc::ok;
  check_timestamps();
  if (size_ == 0 || (!suspect_ts_ && largest_ts_ < ts))
    return std::nullopt;
  // Every batch up to a time entry's batch has max_timestamp <= the entry's timestamp, so the
  // answer lies after the last entry below ts: start at the index position at or before it.
  std::optional<offset_entry> entry;
  if (!suspect_ts_) {
    if (auto te = time_index_.last_before(ts))
      entry = offset_index_.floor(te->relative_offset);
  }
  std::optional<timestamp_hit> hit;
  *err = walk_from(entry, [&](const batch_header& h, int64_t pos, int64_t) {
    if (header_max_timestamp_plausible(h) && h.max_timestamp < ts)
      return true;
    auto times = read_record_times(h, pos);
    if (!times) {  // compressed: batch granularity
      if (h.max_timestamp < ts)
        return true;
      hit = timestamp_hit{h.base_offset, h.max_timestamp, h.partition_leader_epoch};
      return false;
    }
    auto rec = first_record_at_or_after(*times, ts);
    if (!rec)
      return true;
    hit = timestamp_hit{h.base_offset + rec->offset_delta, rec->timestamp, h.partition_leader_epoch};
    return false;
  });
  return *err == errc::ok ? hit : std::nullopt;
}

std::optional<timestamp_hit> segment::max_timestamp_hit(errc* err) const {
  *err = errc::ok;
  check_timestamps();
  if (size_ == 0)
    return std::nullopt;
  // Without suspect batches the batch holding the largest timestamp is known; else every batch
  // header is looked at (and the records of the implausible ones).
  std::optional<offset_entry> entry;
  if (!suspect_ts_) {
    if (largest_ts_ < 0)
      return std::nullopt;
    entry = offset_index_.floor(static_cast<uint32_t>(offset_of_largest_ts_ - base_));
  }
  std::optional<batch_location> best;
  int64_t best_ts = -1;
  *err = walk_from(entry, [&](const batch_header& h, int64_t pos, int64_t prev_last) {
    const int64_t m = effective_max_timestamp(h, pos);
    if (m > best_ts) {
      best_ts = m;
      best = batch_location{pos, h, prev_last};
    }
    return suspect_ts_ || h.base_offset < offset_of_largest_ts_;
  });
  if (*err != errc::ok || !best)
    return std::nullopt;
  const auto& h = best->header;
  auto times = read_record_times(h, best->position);
  auto rec = times ? first_record_at_or_after(*times, best_ts) : std::nullopt;
  if (!rec)
    return timestamp_hit{h.base_offset, best_ts, h.partition_leader_epoch};
  return timestamp_hit{h.base_offset + rec->offset_delta, rec->timestamp, h.partition_leader_epoch};
}

template <class F>
errc segment::walk_from(const std::optional<offset_entry>& entry, F&& f,
                        int64_t* bad_position) const {
  // The batch an index entry points at must carry the offset the entry names; then each header
  // must follow its predecessor. A flipped length or offset stops the walk instead of sending a
  // reader to the wrong bytes.
  int64_t prev_last = entry ? base_ + entry->relative_offset - 1 : base_ - 1;
  const bool anchored = entry.has_value();
  batch_scanner sc(log_fd_.get(), entry ? entry->position : 0, size_, lookup_chunk);
  for (bool first = true;; first = false) {
    const auto st = sc.next(false);
    if (st == batch_scanner::status::end)
      return errc::ok;
    if (st != batch_scanner::status::batch) {
      if (bad_position)
        *bad_position = sc.position();
      return st == batch_scanner::status::io_error ? errc::io_error : errc::corrupt_message;
    }
    const auto& h = sc.header();
    if ((first && anchored && h.base_offset != prev_last + 1) ||
        check_stored_header(h, sc.position(), prev_last, bounds()) != header_fault::ok) {
      if (bad_position)
        *bad_position = sc.position();
      return errc::corrupt_message;
    }
    if (!f(h, sc.position(), prev_last))
      return errc::ok;
    prev_last = h.last_offset();
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
  if (!scan_from_index(INT64_MAX, &e))
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
