// partition_log: damage handling after open (read-path notes, repair, the scrubber) and the
// rebuild of a garbage epoch checkpoint. What is checked where: see partition_log.hpp.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include "persistence/partition_log.hpp"

namespace samsa::persistence {

namespace {

std::string offset_range(const damaged_range& r) {
  if (r.last_offset < 0)
    return "offsets from " + std::to_string(r.first_offset) + " on, if any,";
  if (r.last_offset < r.first_offset)
    return "no offsets";  // only bytes between two batches that follow on
  return "offsets " + std::to_string(r.first_offset) + ".." + std::to_string(r.last_offset);
}

}  // namespace

int64_t partition_log::offset_limit(size_t i) const {
  return i + 1 < segments_.size() ? segments_[i + 1]->base_offset() : INT64_MAX;
}

void partition_log::log_repair(const segment& s, const repair_report& r, bool last,
                               bool crashed, const char* found_by) {
  const std::string file = s.log_path().string();
  for (const auto& d : r.ranges) {
    if (last && crashed && d.to_end) {
      // The normal result of a crash mid-write: worth a line, not an alarm.
      spdlog::warn("{}: recovered after an unclean shutdown: cut {} bytes at byte {} (torn write; {} "
                   "lost)",
                   file, d.bytes, d.position, offset_range(d));
      continue;
    }
    ++damage_count_;
    const char* action = !d.to_end ? "skipped, later batches kept"
                         : last    ? "segment cut there"
                                   : "segment cut there, later segments kept";
    spdlog::error("{}: damaged batch at byte {} ({} lost: {}, {} bytes dropped, found {}); {}", file,
                  d.position, offset_range(d), d.reason, d.bytes, found_by, action);
  }
}

errc partition_log::repair_segment(size_t i, const char* found_by) {
  if (i + 1 == segments_.size() && !active().empty()) {
    // Never repair the segment being appended to: roll, so the log end offset stays where it is
    // (offsets already acknowledged are never handed out again) and the damage becomes a gap.
    if (auto e = roll(); e != errc::ok)
      return e;
  }
  repair_report report;
  segment& s = *segments_[i];
  if (auto e = s.repair(offset_limit(i), &report); e != errc::ok) {
    spdlog::error("{}: repair failed: {}", s.log_path().string(), to_string(e));
    return e;
  }
  if (report.ranges.empty())
    found_intact_ = s.base_offset();
  log_repair(s, report, false, false, found_by);
  return errc::ok;
}

void partition_log::note_read_damage(const segment& s, int64_t position, int64_t first_offset,
                                     header_fault fault) const {
  if (s.base_offset() == found_intact_)
    return;  // its repair found every batch good: the read stops there, nothing to fix
  pending_repair_ = s.base_offset();
  if (position == last_noted_position_)
    return;
  last_noted_position_ = position;
  spdlog::warn("{}: damaged batch header at byte {} ({}; offsets from {}); not served, repairing",
               s.log_path().string(), position, to_string(fault), first_offset);
}

errc partition_log::repair_damage() {
  const int64_t base = pending_repair_;
  pending_repair_ = -1;
  last_noted_position_ = -1;
  if (closed_ || base < 0)
    return errc::ok;
  for (size_t i = 0; i < segments_.size(); ++i) {
    if (segments_[i]->base_offset() == base)
      return repair_segment(i, "by a read");
  }
  return errc::ok;  // deleted by retention or truncation since
}

scrub_progress partition_log::scrub(size_t budget) {
  scrub_progress out;
  if (closed_)
    return out;
  const size_t closed = segments_.size() - 1;
  size_t i = 0;
  if (scrub_segment_ >= 0) {
    while (i < closed && segments_[i]->base_offset() < scrub_segment_)
      ++i;  // resume where the last slice stopped (or after it, if that segment is gone)
  }
  for (; i < closed; ++i) {
    const segment& s = *segments_[i];
    if (scrub_segment_ != s.base_offset()) {
      scrub_segment_ = s.base_offset();
      scrub_cursor_ = scrub_cursor{0, s.base_offset() - 1};
    }
    if (static_cast<size_t>(out.bytes) >= budget)
      return out;
    const segment_bounds b{s.base_offset(), offset_limit(i), s.size()};
    const auto slice =
      scrub_segment_slice(s.log_fd(), b, scrub_cursor_, budget - static_cast<size_t>(out.bytes));
    out.bytes += slice.bytes;
    if (slice.io_error)
      return out;  // nothing learned; the next slice tries again
    if (slice.damage) {
      ++out.damaged;
      // repair() re-reads and checks the whole segment, so the scrub moves on to the next one.
      (void)repair_segment(i, "by the scrubber");
      continue;
    }
    if (!slice.finished)
      return out;
  }
  out.pass_finished = true;
  scrub_segment_ = -1;
  return out;
}

errc partition_log::rebuild_epochs(errc why) {
  // The leader stamps every batch with its epoch, so the first batch of each higher epoch is
  // exactly where that epoch started (what assign() recorded when the batch was appended).
  std::vector<epoch_entry> entries;
  for (const auto& s : segments_) {
    const errc e = s->for_each_batch([&](const batch_header& h, int64_t) {
      if (h.partition_leader_epoch >= 0 &&
          (entries.empty() || h.partition_leader_epoch > entries.back().epoch))
        entries.push_back({h.partition_leader_epoch, h.base_offset});
    });
    if (e != errc::ok)
      spdlog::warn("{}: unreadable batch header while rebuilding epochs ({}); later batches of "
                   "this segment not used",
                   s->log_path().string(), to_string(e));
  }
  spdlog::warn("{}: unreadable ({}); rebuilt from the batch headers ({} epochs)",
               (dir_ / "leader-epoch-checkpoint").string(), to_string(why), entries.size());
  return epochs_.replace(std::move(entries));
}

}  // namespace samsa::persistence
