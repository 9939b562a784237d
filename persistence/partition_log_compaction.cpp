// partition_log: log compaction passes (persistence/log_cleaner.hpp) and the segment swap.

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "persistence/file_util.hpp"
#include "persistence/partition_log.hpp"

namespace samsa::persistence {

namespace fs = std::filesystem;

errc complete_swap(const fs::path& dir, int64_t base) {
  std::error_code ec;
  for (const char* ext : {".index", ".timeindex"}) {
    fs::remove(dir / segment_file_name(base, ext), ec);
    if (ec)
      return errc::io_error;
  }
  fs::rename(dir / segment_file_name(base, swap_extension), dir / segment_file_name(base, ".log"), ec);
  if (ec)
    return errc::io_error;
  return fsync_dir(dir);
}

errc partition_log::compact(int64_t limit, int64_t now_ms, size_t map_bytes, compaction_report* report) {
  compaction_report local;
  auto& out = report ? *report : local;
  out = compaction_report{};
  if (closed_ || !cfg_.compact_policy)
    return errc::ok;
  // The closed segments wholly below the limit are cleanable; [dirty, n) of them are dirty.
  size_t n = 0;
  while (n + 1 < segments_.size() && segments_[n]->next_offset() <= limit)
    ++n;
  const int64_t first_dirty = cleaned_until();
  size_t dirty = 0;
  while (dirty < n && segments_[dirty]->next_offset() <= first_dirty)
    ++dirty;
  int64_t total_bytes = 0, dirty_bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    total_bytes += segments_[i]->size();
    if (i >= dirty)
      dirty_bytes += segments_[i]->size();
  }
  if (dirty == n || dirty_bytes == 0 ||
      static_cast<double>(dirty_bytes) < cfg_.min_cleanable_dirty_ratio * static_cast<double>(total_bytes))
    return errc::ok;

  offset_map map(map_bytes);
  size_t mapped = dirty;
  for (size_t i = dirty; i < n; ++i) {
    errc e = errc::ok;
    if (!map_segment(segments_[i]->log_fd(), segments_[i]->size(), map, &e)) {
      if (e != errc::ok)
        return e;
      break;  // the map is full: clean up to the segments mapped whole
    }
    mapped = i + 1;
  }
  if (mapped == dirty) {
    spdlog::warn("{}: compaction: the keys of segment {} do not fit in a key map of {} bytes; not compacted",
                 dir_.string(), segments_[dirty]->base_offset(), map_bytes);
    return errc::ok;
  }

  for (size_t i = 0; i < mapped; ++i) {
    const auto& seg = *segments_[i];
    const int64_t newest = seg.largest_timestamp() >= 0 ? seg.largest_timestamp() : mtime_ms(seg.log_path());
    const bool drop_tombstones = newest >= 0 && now_ms - newest > cfg_.delete_retention_ms;
    const auto tmp = dir_ / segment_file_name(seg.base_offset(), ".cleaned.tmp");
    unique_fd fd(::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid())
      return errno_to_errc(errno);
    compaction_report counts;
    int64_t size = 0;
    bool changed = false;
    auto e = rewrite_segment(seg.log_fd(), seg.size(), map, drop_tombstones, fd.get(), &size, &changed, counts);
    if (e == errc::ok && changed)
      e = fsync_fd(fd.get());
    fd.reset();
    std::error_code ec;
    if (e != errc::ok || !changed) {
      fs::remove(tmp, ec);
      if (e != errc::ok)
        return e;
      continue;
    }
    const int64_t before = seg.size();
    if (auto se = swap_in(i, tmp, now_ms); se != errc::ok) {
      fs::remove(tmp, ec);
      return se;
    }
    ++out.segments_rewritten;
    out.bytes_before += before;
    out.bytes_after += size;
    out.records_removed += counts.records_removed;
    out.tombstones_removed += counts.tombstones_removed;
  }
  clean_until_ = segments_[mapped - 1]->next_offset();
  out.clean_until = clean_until_;
  return write_offset_file(dir_ / cleaner_file, clean_until_);
}

errc partition_log::swap_in(size_t i, const fs::path& tmp, int64_t now_ms) {
  const int64_t base = segments_[i]->base_offset();
  std::error_code ec;
  fs::rename(tmp, dir_ / segment_file_name(base, swap_extension), ec);
  if (ec)
    return errc::io_error;
  if (auto e = fsync_dir(dir_); e != errc::ok)
    return e;
  // From here a crash completes the swap at the next open. Until the new segment is open the old
  // object keeps serving reads from its (by then unlinked) file.
  if (auto e = complete_swap(dir_, base); e != errc::ok)
    return e;
  errc e = errc::ok;
  repair_report report;
  auto seg = segment::open(dir_, base, cfg_.index_interval_bytes, false, offset_limit(i), now_ms, &e, &report);
  if (!seg)
    return e;
  log_repair(*seg, report, false, false, "after compaction");
  if (auto se = seg->seal(); se != errc::ok)
    return se;
  segments_[i] = std::move(seg);
  // Positions within the old file mean nothing in the new one.
  if (scrub_segment_ == base)
    scrub_segment_ = -1;
  if (found_intact_ == base)
    found_intact_ = -1;
  if (pending_repair_ == base)
    pending_repair_ = -1;
  return errc::ok;
}

}  // namespace samsa::persistence
