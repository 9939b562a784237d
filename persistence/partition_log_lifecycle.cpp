// partition_log: open and recovery, close, truncation, retention.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <sstream>
#include <string>

#include <spdlog/spdlog.h>

#include "persistence/file_util.hpp"
#include "persistence/partition_log.hpp"

namespace samsa::persistence {

namespace fs = std::filesystem;

namespace {

constexpr const char* clean_marker = ".clean_shutdown";
constexpr const char* log_start_file = "log-start-offset-checkpoint";

// Reads log-start-offset-checkpoint ("0\n<offset>\n"); 0 when absent.
errc load_log_start(const fs::path& dir, int64_t* out) { return read_offset_file(dir / log_start_file, out); }

void remove_segment_files(const fs::path& dir, int64_t base) {
  std::error_code ec;
  for (const char* ext : {".log", ".index", ".timeindex"})
    fs::remove(dir / segment_file_name(base, ext), ec);
}

}  // namespace

std::unique_ptr<partition_log> partition_log::open(const fs::path& dir, const log_config& cfg,
                                                   int64_t now_ms, errc* err) {
  std::unique_ptr<partition_log> log(new partition_log(dir, cfg));
  const errc e = log->load(now_ms);
  if (err)
    *err = e;
  if (e != errc::ok) {
    log->closed_ = true;  // no clean marker for a log that never opened
    return nullptr;
  }
  return log;
}

errc partition_log::load(int64_t now_ms) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_, ec))
    return errc::io_error;
  const bool clean = fs::exists(dir_ / clean_marker, ec);

  // Both checkpoints are derived data: garbage content (corrupt_message) is rebuilt below instead of
  // failing the open (which would take the partition offline for a file the log can reconstruct). A file
  // that cannot be read (EMFILE, EIO) is not garbage: the open fails, and nothing is overwritten, since a
  // rebuilt log start would silently undo a deletion of records.
  const errc epochs_loaded = epochs_.load();
  if (epochs_loaded != errc::ok && epochs_loaded != errc::corrupt_message)
    return epochs_loaded;
  int64_t start_ckpt = 0;
  const errc start_loaded = load_log_start(dir_, &start_ckpt);
  if (start_loaded != errc::ok && start_loaded != errc::corrupt_message)
    return start_loaded;
  if (start_loaded != errc::ok) {
    spdlog::warn("{}: unreadable ({}); using the first segment's base offset as the log start",
                 (dir_ / log_start_file).string(), to_string(start_loaded));
    start_ckpt = 0;
  }

  // Segment bases from the .log files; leftovers of interrupted writes are removed.
  std::vector<int64_t> bases;
  std::vector<int64_t> swaps;  // compaction swaps a crash interrupted
  std::vector<fs::path> index_files;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (!entry.is_regular_file(ec))
      continue;
    const auto& path = entry.path();
    const auto ext = path.extension().string();
    if (ext == ".tmp") {
      fs::remove(path, ec);
      continue;
    }
    auto base = parse_segment_base(path.stem().string());
    if (!base)
      continue;
    if (ext == ".log")
      bases.push_back(*base);
    else if (ext == swap_extension)
      swaps.push_back(*base);
    else if (ext == ".index" || ext == ".timeindex")
      index_files.push_back(path);
  }
  if (ec)
    return errno_to_errc(ec.value());  // EMFILE here is the usual first sign of the descriptor limit
  // The .swap is complete (fsynced before it got that name) and replaces its .log.
  for (auto base : swaps) {
    spdlog::warn("{}: finishing the compaction of segment {} that a crash interrupted", dir_.string(), base);
    if (auto e = complete_swap(dir_, base); e != errc::ok)
      return e;
    if (std::find(bases.begin(), bases.end(), base) == bases.end())
      bases.push_back(base);
  }
  std::sort(bases.begin(), bases.end());
  for (const auto& p : index_files) {
    // An index whose .log is gone (a crash while deleting a segment) would be picked up by a
    // future segment with the same base.
    auto base = parse_segment_base(p.stem().string());
    if (!std::binary_search(bases.begin(), bases.end(), *base))
      fs::remove(p, ec);
  }
  // Retention checkpoints the new log start before deleting files: finish a deletion that a
  // crash interrupted.
  while (bases.size() > 1 && bases[1] <= start_ckpt) {
    remove_segment_files(dir_, bases.front());
    bases.erase(bases.begin());
  }

  for (size_t i = 0; i < bases.size(); ++i) {
    const bool last = i + 1 == bases.size();
    // A segment's offsets must stay below the next segment's base: a last batch whose offsets
    // run into it is damaged (its base offset, outside the CRC, was changed on disk).
    const int64_t limit = last ? INT64_MAX : bases[i + 1];
    repair_report report;
    errc e = errc::ok;
    auto seg = segment::open(dir_, bases[i], cfg_.index_interval_bytes, last && !clean, limit,
                             now_ms, &e, &report);
    if (!seg)
      return e;
    // Damage costs only the damaged batches: the later segments stay, and the log has a gap.
    log_repair(*seg, report, last, !clean, "at open");
    segments_.push_back(std::move(seg));
  }
  if (segments_.empty()) {
    errc e = errc::ok;
    auto seg = segment::create(dir_, start_ckpt, cfg_.index_interval_bytes, &e);
    if (!seg)
      return e;
    segments_.push_back(std::move(seg));
  }
  log_start_ = std::min(std::max(start_ckpt, segments_.front()->base_offset()), log_end_offset());
  if (start_loaded != errc::ok) {
    if (auto e = checkpoint_log_start(); e != errc::ok)
      return e;
  }
  if (epochs_loaded != errc::ok) {
    if (auto e = rebuild_epochs(epochs_loaded); e != errc::ok)
      return e;
  }

  // Derived data too: garbage means the next compaction pass cleans from the start again.
  if (read_offset_file(dir_ / cleaner_file, &clean_until_) != errc::ok)
    clean_until_ = 0;
  clean_until_ = std::min(clean_until_, log_end_offset());

  if (auto e = epochs_.truncate_from_end(log_end_offset()); e != errc::ok)
    return e;
  if (auto e = epochs_.truncate_from_start(log_start_); e != errc::ok)
    return e;
  if (clean) {
    fs::remove(dir_ / clean_marker, ec);
    if (ec)
      return errc::io_error;
  }
  if (auto e = fsync_dir(dir_); e != errc::ok)
    return e;
  last_flush_ms_ = now_ms;
  return errc::ok;
}

void partition_log::close() {
  if (closed_)
    return;
  closed_ = true;
  // The marker promises that every segment ends on a whole, fsynced batch: only write it when
  // sealing worked, so a failed close gets the full recovery at the next open.
  if (active().seal() != errc::ok)
    return;
  unique_fd fd(::open((dir_ / clean_marker).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid() || fsync_fd(fd.get()) != errc::ok)
    return;
  fsync_dir(dir_);
}

errc partition_log::checkpoint_log_start() {
  return write_offset_file(dir_ / log_start_file, log_start_);
}

errc partition_log::truncate_to(int64_t offset) {
  if (closed_)
    return errc::io_error;
  if (offset >= log_end_offset())
    return errc::ok;
  if (offset <= log_start_) {
    // Nothing stays: start over at offset, with a fresh segment.
    for (auto& s : segments_)
      s->remove();
    segments_.clear();
    errc e = errc::ok;
    auto seg = segment::create(dir_, offset, cfg_.index_interval_bytes, &e);
    if (!seg)
      return e;
    segments_.push_back(std::move(seg));
    log_start_ = offset;
    if (auto ce = checkpoint_log_start(); ce != errc::ok)
      return ce;
  } else {
    // Newest first, so a crash midway leaves a prefix of the log, never a hole.
    while (segments_.back()->base_offset() >= offset) {
      segments_.back()->remove();
      segments_.pop_back();
    }
    if (auto e = active().truncate_to(offset); e != errc::ok)
      return e;
    log_start_ = std::min(log_start_, log_end_offset());
  }
  if (auto e = fsync_dir(dir_); e != errc::ok)
    return e;
  if (clean_until_ > log_end_offset()) {
    // What is appended from here on is dirty: the checkpoint must not claim it.
    clean_until_ = log_end_offset();
    if (auto e = write_offset_file(dir_ / cleaner_file, clean_until_); e != errc::ok)
      return e;
  }
  return epochs_.truncate_from_end(log_end_offset());
}

errc partition_log::advance_log_start(int64_t offset) {
  if (closed_)
    return errc::io_error;
  if (offset > log_end_offset())
    return errc::offset_out_of_range;
  if (offset <= log_start_)
    return errc::ok;
  const int64_t old_start = log_start_;
  log_start_ = offset;
  if (auto e = checkpoint_log_start(); e != errc::ok) {
    log_start_ = old_start;
    return e;
  }
  size_t deletable = 0;
  while (deletable + 1 < segments_.size() && segments_[deletable + 1]->base_offset() <= offset)
    ++deletable;
  for (size_t i = 0; i < deletable; ++i)
    segments_[i]->remove();
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(deletable));
  if (deletable > 0)
    fsync_dir(dir_);
  return epochs_.truncate_from_start(log_start_);
}

int partition_log::apply_retention(int64_t now_ms) {
  if (closed_ || !cfg_.delete_policy)
    return 0;
  size_t deletable = 0;
  if (cfg_.retention_ms >= 0) {
    auto expired = [&](const segment& s) {
      const int64_t newest = s.largest_timestamp() >= 0 ? s.largest_timestamp() : mtime_ms(s.log_path());
      return newest >= 0 && now_ms - newest > cfg_.retention_ms;
    };
    while (deletable < segments_.size() && expired(*segments_[deletable]))
      ++deletable;
    if (deletable == segments_.size()) {
      // Every segment expired, the active one included: roll so it becomes deletable (Kafka
      // does the same), unless it is empty, in which case it simply stays.
      if (!active().empty())
        (void)roll();  // on failure the active segment simply stays (clamped below)
    }
    deletable = std::min(deletable, segments_.size() - 1);
  }
  if (cfg_.retention_bytes >= 0) {
    int64_t remaining = size_bytes();
    for (size_t i = 0; i < deletable; ++i)
      remaining -= segments_[i]->size();
    while (deletable + 1 < segments_.size() &&
           remaining - segments_[deletable]->size() >= cfg_.retention_bytes) {
      remaining -= segments_[deletable]->size();
      ++deletable;
    }
  }
  if (deletable == 0)
    return 0;
  // Checkpoint first: after a crash between the two steps, open() finishes the deletion.
  const int64_t old_start = log_start_;
  log_start_ = std::max(log_start_, segments_[deletable]->base_offset());
  if (checkpoint_log_start() != errc::ok) {
    log_start_ = old_start;
    return 0;
  }
  for (size_t i = 0; i < deletable; ++i)
    segments_[i]->remove();
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(deletable));
  fsync_dir(dir_);
  epochs_.truncate_from_start(log_start_);
  return static_cast<int>(deletable);
}

}  // namespace samsa::persistence
