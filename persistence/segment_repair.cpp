// segment::repair: drop damaged batches from a .log, keep the good ones after them.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "persistence/segment.hpp"

namespace samsa::persistence {

namespace {

constexpr size_t repair_chunk = 1024 * 1024;  // repair reads whole segments sequentially

// A damaged region's last lost offset when the data after it is gone too: the offset limit when
// known (the next segment's base), else the torn batch's own last offset when its header still
// reads as the batch that should come next (a torn write usually has a whole header), else unknown.
int64_t lost_until(file_window& w, int64_t pos, int64_t prev_last, int64_t offset_limit) {
  if (offset_limit != INT64_MAX)
    return offset_limit - 1;
  if (const char* p = w.get(pos, batch_header_size)) {
    auto h = read_batch_header(p, batch_header_size);
    if (h && h->magic == 2 && h->base_offset == prev_last + 1 && h->last_offset_delta >= 0)
      return h->last_offset();
  }
  return -1;
}

}  // namespace

errc segment::repair(int64_t offset_limit, repair_report* report) {
  *report = repair_report{};
  const int64_t file_end = file_size(log_fd_.get());
  if (file_end < 0)
    return errno_to_errc(errno);
  // The state (next offset, size, indexes) is rebuilt while walking: batches before the first
  // damage keep their positions, so indexing them now is exact; a rewrite rescans below.
  reset_state();
  const segment_bounds b{base_, offset_limit, file_end};
  file_window w(log_fd_.get(), file_end, repair_chunk);
  std::vector<std::pair<int64_t, int64_t>> keep;  // byte ranges of good batches, merged
  int64_t pos = 0;
  int64_t prev_last = base_ - 1;
  while (pos < file_end) {
    const checked_batch c = check_stored_batch(w, pos, prev_last, b);
    if (c.result == batch_check::io_error)
      return errc::io_error;
    if (c.result == batch_check::ok) {
      if (report->ranges.empty())
        index_batch(c.header, pos);
      const int64_t end = pos + static_cast<int64_t>(c.header.total_size());
      if (!keep.empty() && keep.back().second == pos)
        keep.back().second = end;
      else
        keep.emplace_back(pos, end);
      prev_last = c.header.last_offset();
      pos = end;
      continue;
    }
    bool io = false;
    const int64_t resume = find_resync_point(w, pos + 1, prev_last, b, &io);
    if (io)
      return errc::io_error;
    damaged_range r;
    r.position = pos;
    r.first_offset = prev_last + 1;
    r.reason = describe(c);
    if (resume < 0) {
      r.bytes = file_end - pos;
      r.to_end = true;
      r.last_offset = lost_until(w, pos, prev_last, offset_limit);
    } else {
      r.bytes = resume - pos;
      auto h = read_batch_header(w.get(resume, batch_header_size), batch_header_size);
      r.last_offset = h->base_offset - 1;  // a resync point always has a readable header
    }
    report->ranges.push_back(r);
    pos = resume < 0 ? file_end : resume;
  }
  errc e = errc::ok;
  const int64_t kept_end = keep.empty() ? 0 : keep.back().second;
  if (report->ranges.empty()) {
    // Intact: the walk indexed everything.
  } else if (keep.size() <= 1 && (keep.empty() || keep.front().first == 0)) {
    // Only a tail to cut: the batches before it stay where they are (and were indexed).
    if (::ftruncate(log_fd_.get(), static_cast<off_t>(kept_end)) != 0)
      return errno_to_errc(errno);
    if (e = fsync_fd(log_fd_.get()); e != errc::ok)
      return e;
  } else {
    if (e = rewrite_log(keep); e != errc::ok)
      return e;
    // Rebuild both indexes from the rewritten file (every batch in it passed the checks).
    reset_state();
    if (!scan_from_index(offset_limit, &e))
      return e == errc::ok ? errc::corrupt_message : e;
  }
  maybe_add_time_entry();  // as seal() would have: the segment's largest timestamp stays findable
  if (e = offset_index_.write(); e != errc::ok)
    return e;
  return time_index_.write();
}

namespace {

// Copies the byte ranges keep of in_fd to a new file at path and fsyncs it.
errc copy_ranges(int in_fd, const std::vector<std::pair<int64_t, int64_t>>& keep,
                 const std::filesystem::path& path) {
  unique_fd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!out.valid())
    return errno_to_errc(errno);
  std::vector<char> buf(repair_chunk);
  int64_t out_pos = 0;
  for (const auto& [from, to] : keep) {
    for (int64_t p = from; p < to;) {
      const auto n = static_cast<size_t>(std::min<int64_t>(to - p, static_cast<int64_t>(buf.size())));
      if (pread_full(in_fd, buf.data(), n, p) != static_cast<ssize_t>(n))
        return errc::io_error;
      if (auto e = pwrite_full(out.get(), buf.data(), n, out_pos); e != errc::ok)
        return e;
      p += static_cast<int64_t>(n);
      out_pos += static_cast<int64_t>(n);
    }
  }
  return fsync_fd(out.get());
}

}  // namespace

errc segment::rewrite_log(const std::vector<std::pair<int64_t, int64_t>>& keep) {
  auto tmp = log_path_;
  tmp += ".repair.tmp";
  errc e = copy_ranges(log_fd_.get(), keep, tmp);
  if (e == errc::ok && ::rename(tmp.c_str(), log_path_.c_str()) != 0)
    e = errno_to_errc(errno);
  if (e != errc::ok) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);  // the damaged original stays; a later repair tries again
    return e;
  }
  if (auto de = fsync_dir(dir_); de != errc::ok)
    return de;
  log_fd_.reset(::open(log_path_.c_str(), O_RDWR | O_CLOEXEC));
  return log_fd_.valid() ? errc::ok : errno_to_errc(errno);
}

}  // namespace samsa::persistence
