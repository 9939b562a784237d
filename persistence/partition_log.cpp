// partition_log: appends, reads, lookups, flushing. Opening, recovery, truncation and retention
// live in partition_log_lifecycle.cpp.

#include "persistence/partition_log.hpp"

#include <algorithm>

#include "messages/record_batch.hpp"
#include "messages/record_times.hpp"
#include "persistence/file_util.hpp"
#include "persistence/segment_scan.hpp"

namespace samsa::persistence {

namespace {

// What an append buffer holds, found by walking its batch headers once.
struct buffer_summary {
  size_t batches = 0;
  int64_t offsets = 0;  // sum of last_offset_delta + 1: the offsets the buffer consumes
  int64_t records = 0;  // sum of records_count
  int64_t max_timestamp = -1;
};

// Checks that [p, p+n) is one or more whole v2 batches, each at most max_message_bytes. The
// client-level checks (CRC, base offset 0, ...) were done by the caller for leader appends.
errc summarize(const char* p, size_t n, int32_t max_message_bytes, buffer_summary& out) {
  if (n == 0)
    return errc::invalid_batch;
  size_t off = 0;
  while (off < n) {
    auto h = read_batch_header(p + off, n - off);
    if (!h || h->total_size() > n - off || h->magic != 2 || h->last_offset_delta < 0)
      return errc::invalid_batch;
    if (max_message_bytes >= 0 && h->total_size() > static_cast<size_t>(max_message_bytes))
      return errc::record_too_large;
    ++out.batches;
    out.offsets += static_cast<int64_t>(h->last_offset_delta) + 1;
    out.records += h->records_count;
    out.max_timestamp = std::max(out.max_timestamp, h->max_timestamp);
    off += h->total_size();
  }
  return errc::ok;
}

}  // namespace

partition_log::partition_log(std::filesystem::path dir, const log_config& cfg)
    : dir_(std::move(dir)), cfg_(cfg), epochs_(dir_ / "leader-epoch-checkpoint") {}

partition_log::~partition_log() { close(); }

int64_t partition_log::log_end_offset() const { return active().next_offset(); }

int64_t partition_log::size_bytes() const {
  int64_t total = 0;
  for (const auto& s : segments_)
    total += s->size();
  return total;
}

std::vector<int64_t> partition_log::segment_base_offsets() const {
  std::vector<int64_t> out;
  out.reserve(segments_.size());
  for (const auto& s : segments_)
    out.push_back(s->base_offset());
  return out;
}

void partition_log::set_config(const log_config& cfg) {
  cfg_ = cfg;
  for (auto& s : segments_)
    s->set_index_interval(cfg_.index_interval_bytes);
}

size_t partition_log::segment_index_for(int64_t offset) const {
  auto it = std::upper_bound(
    segments_.begin(), segments_.end(), offset,
    [](int64_t off, const std::unique_ptr<segment>& s) { return off < s->base_offset(); });
  return it == segments_.begin() ? 0 : static_cast<size_t>(it - segments_.begin()) - 1;
}

bool partition_log::should_roll(size_t append_bytes, int64_t offsets, int64_t now_ms) const {
  const segment& a = active();
  if (a.empty())
    return false;  // an empty segment takes any append, even one above segment_bytes
  // Index positions are u32 and Kafka caps segment.bytes at INT32_MAX: never grow past that.
  const int64_t max_bytes = std::min<int64_t>(cfg_.segment_bytes, INT32_MAX);
  if (a.size() + static_cast<int64_t>(append_bytes) > max_bytes)
    return true;
  if (cfg_.segment_ms >= 0 && a.roll_base_ms() >= 0 && now_ms - a.roll_base_ms() >= cfg_.segment_ms)
    return true;
  if (a.index_full(cfg_.segment_index_bytes))
    return true;
  // Relative offsets in the indexes are u32; Kafka keeps them within INT32_MAX.
  return log_end_offset() + offsets - 1 - a.base_offset() > INT32_MAX;
}

errc partition_log::roll() {
  if (auto e = active().seal(); e != errc::ok)
    return e;
  // seal() fsynced everything written so far.
  unflushed_messages_ = 0;
  errc e = errc::ok;
  auto s = segment::create(dir_, log_end_offset(), cfg_.index_interval_bytes, &e);
  if (!s)
    return e;
  segments_.push_back(std::move(s));
  return fsync_dir(dir_);
}

errc partition_log::append_as_leader(std::vector<char>& buf, int32_t leader_epoch, int64_t now_ms,
                                     append_info& out) {
  if (closed_)
    return errc::io_error;
  buffer_summary sum;
  if (auto e = summarize(buf.data(), buf.size(), cfg_.max_message_bytes, sum); e != errc::ok)
    return e;
  if (should_roll(buf.size(), sum.offsets, now_ms)) {
    if (auto e = roll(); e != errc::ok)
      return e;
  }
  const int64_t base = log_end_offset();
  // The epoch checkpoint goes first so a crash never leaves batches of an epoch the cache does
  // not know; it is taken back if the data write fails.
  const bool new_epoch = leader_epoch > epochs_.latest_epoch();
  if (new_epoch) {
    if (auto e = epochs_.assign(leader_epoch, base); e != errc::ok)
      return e;
  }
  int64_t next = base;
  int64_t max_timestamp = -1;
  for (size_t off = 0; off < buf.size();) {
    char* p = buf.data() + off;
    // Kafka's validator sets max_timestamp from the records (some clients leave it -1), so the
    // time index, ListOffsets and retention see the real one.
    normalize_max_timestamp(p, buf.size() - off);
    auto h = read_batch_header(p, buf.size() - off);  // valid: summarize() walked these
    max_timestamp = std::max(max_timestamp, h->max_timestamp);
    set_base_offset(p, next);
    set_partition_leader_epoch(p, leader_epoch);
    next += static_cast<int64_t>(h->last_offset_delta) + 1;
    off += h->total_size();
  }
  if (auto e = active().append(buf.data(), buf.size(), now_ms); e != errc::ok) {
    if (new_epoch)
      epochs_.truncate_from_end(base);
    return e;
  }
  unflushed_messages_ += sum.records;
  out.base_offset = base;
  out.last_offset = next - 1;
  out.max_timestamp = max_timestamp;
  out.record_count = static_cast<int32_t>(sum.records);
  return errc::ok;
}

errc partition_log::append_as_follower(const std::vector<char>& buf, int64_t now_ms,
                                       append_info& out) {
  if (closed_)
    return errc::io_error;
  buffer_summary sum;
  if (auto e = summarize(buf.data(), buf.size(), cfg_.max_message_bytes, sum); e != errc::ok)
    return e;
  const int64_t base = log_end_offset();
  int64_t next = base;
  std::vector<epoch_entry> new_epochs;
  int32_t latest = epochs_.latest_epoch();
  for (size_t off = 0; off < buf.size();) {
    const char* p = buf.data() + off;
    auto h = read_batch_header(p, buf.size() - off);
    // Gaps are fine (a compacted leader's log has them); an overlap means the follower must truncate.
    if (h->base_offset < next)
      return errc::invalid_batch;
    if (!verify_crc(p, h->total_size()))
      return errc::corrupt_message;
    if (h->partition_leader_epoch > latest) {
      latest = h->partition_leader_epoch;
      new_epochs.push_back({latest, h->base_offset});
    }
    next = h->last_offset() + 1;
    off += h->total_size();
  }
  if (should_roll(buf.size(), sum.offsets, now_ms)) {
    if (auto e = roll(); e != errc::ok)
      return e;
  }
  for (const auto& ep : new_epochs) {
    if (auto e = epochs_.assign(ep.epoch, ep.start_offset); e != errc::ok) {
      epochs_.truncate_from_end(base);
      return e;
    }
  }
  if (auto e = active().append(buf.data(), buf.size(), now_ms); e != errc::ok) {
    if (!new_epochs.empty())
      epochs_.truncate_from_end(base);
    return e;
  }
  unflushed_messages_ += sum.records;
  out.base_offset = base;
  out.last_offset = next - 1;
  out.max_timestamp = sum.max_timestamp;
  out.record_count = static_cast<int32_t>(sum.records);
  return errc::ok;
}

namespace {

// A bad header the read path met: where, and the first offset it may have held.
struct read_damage {
  int64_t position = -1;
  int64_t first_offset = -1;
  header_fault fault = header_fault::ok;
};

// The read path's check of the batch h at file position pos of s, after prev_last, given the
// bytes the caller already holds after it (after/after_n, possibly none). Headers only, no CRC.
// A batch whose base offset jumps (base != prev_last + 1: a gap, or an upward bit flip, which the
// CRC does not cover) is served only when the next header does not overlap it, read with one
// small pread if the buffer does not hold it; this is rare, so healthy reads pay nothing extra.
header_fault check_served(const segment& s, const batch_header& h, int64_t pos, int64_t prev_last,
                          const char* after, size_t after_n) {
  const auto fault = check_stored_header(h, pos, prev_last, s.bounds());
  if (fault != header_fault::ok || h.base_offset == prev_last + 1)
    return fault;
  const int64_t next_pos = pos + static_cast<int64_t>(h.total_size());
  if (next_pos >= s.size())
    return h.last_offset() == s.next_offset() - 1 ? header_fault::ok : header_fault::out_of_order;
  char peek[batch_header_size];
  if (after_n < batch_header_size) {
    if (s.read(next_pos, sizeof peek, peek) != static_cast<ssize_t>(sizeof peek))
      return header_fault::bad_length;
    after = peek;
  }
  auto next = read_batch_header(after, batch_header_size);
  if (next && next->magic == 2 && next->base_offset <= h.last_offset())
    return header_fault::out_of_order;
  return header_fault::ok;
}

// Appends whole batches of s starting at pos to out until the budget or max_offset stops it (then
// returns true with *done set) or the segment ends (returns true, *done false). With min_one the
// first batch of the whole read is taken even when it exceeds the budget. Each header is checked
// (check_served) against *prev_last, which follows the batches taken; at a bad one the copy stops
// before it (*done set) and *damage says where.
errc copy_batches(const segment& s, int64_t pos, size_t budget, int64_t max_offset, bool min_one,
                  std::vector<char>& out, bool* done, int64_t* prev_last, read_damage* damage) {
  *done = false;
  const int64_t seg_end = s.size();
  while (pos < seg_end) {
    const size_t room = budget > out.size() ? budget - out.size() : 0;
    const size_t floor_bytes = out.empty() && min_one ? batch_header_size : 0;
    const auto want =
      static_cast<size_t>(std::min<int64_t>(seg_end - pos, static_cast<int64_t>(std::max(room, floor_bytes))));
    if (want == 0) {
      *done = true;
      return errc::ok;
    }
    const size_t old = out.size();
    out.resize(old + want);
    if (s.read(pos, want, out.data() + old) != static_cast<ssize_t>(want)) {
      out.resize(old);
      return errc::io_error;
    }
    const size_t limit = old + want;
    size_t q = old;
    while (q < limit) {
      if (limit - q < batch_header_size) {
        *done = true;  // the next header is cut by the budget
        break;
      }
      const int64_t at = pos + static_cast<int64_t>(q - old);
      auto h = read_batch_header(out.data() + q, limit - q);
      const size_t next_q = h ? q + h->total_size() : limit;
      const auto fault = h ? check_served(s, *h, at, *prev_last, out.data() + std::min(next_q, limit),
                                          next_q < limit ? limit - next_q : 0)
                           : header_fault::bad_length;
      if (fault != header_fault::ok) {
        *damage = read_damage{at, *prev_last + 1, fault};
        *done = true;
        break;
      }
      if (h->base_offset >= max_offset) {
        *done = true;
        break;
      }
      if (q + h->total_size() > limit) {
        if (q == 0 && min_one) {
          // The first batch is larger than max_bytes: take it whole anyway.
          out.resize(h->total_size());
          const size_t rest = h->total_size() - limit;
          if (s.read(pos + static_cast<int64_t>(limit - old), rest, out.data() + limit) !=
              static_cast<ssize_t>(rest)) {
            out.clear();
            return errc::io_error;
          }
          q = h->total_size();
          *prev_last = h->last_offset();
        }
        *done = true;
        break;
      }
      q += h->total_size();
      *prev_last = h->last_offset();
    }
    out.resize(q);
    if (*done)
      return errc::ok;
    pos += static_cast<int64_t>(q - old);
  }
  return errc::ok;
}

}  // namespace

errc partition_log::read(int64_t offset, int32_t max_bytes, std::vector<char>& out,
                         int64_t max_offset, bool min_one_batch) const {
  out.clear();
  if (closed_)
    return errc::io_error;
  const int64_t end = log_end_offset();
  if (offset < log_start_ || offset > end)
    return errc::offset_out_of_range;
  if (offset == end)
    return errc::ok;
  const size_t budget = max_bytes > 0 ? static_cast<size_t>(max_bytes) : 0;
  read_damage damage;
  const segment* damaged = nullptr;
  for (size_t i = segment_index_for(offset); i < segments_.size(); ++i) {
    const segment& s = *segments_[i];
    int64_t pos = 0;
    int64_t prev_last = s.base_offset() - 1;
    if (out.empty()) {
      errc e = errc::ok;
      int64_t bad_pos = -1;
      auto loc = s.find_batch(offset, &e, &bad_pos);
      if (e == errc::corrupt_message) {
        damage = read_damage{bad_pos, offset, header_fault::out_of_order};
        damaged = &s;
        break;
      }
      if (e != errc::ok)
        return e;
      if (!loc)
        continue;  // offset lies past this segment's data (a gap): the next segment has it
      pos = loc->position;
      prev_last = loc->prev_last;
    }
    bool done = false;
    if (auto e = copy_batches(s, pos, budget, max_offset, min_one_batch, out, &done, &prev_last, &damage);
        e != errc::ok) {
      out.clear();
      return e;
    }
    if (damage.position >= 0)
      damaged = &s;
    if (done)
      break;
  }
  if (damaged) {
    note_read_damage(*damaged, damage.position, damage.first_offset, damage.fault);
    if (out.empty())
      return errc::corrupt_message;
  }
  return errc::ok;
}

std::optional<timestamp_hit> partition_log::offset_for_timestamp(int64_t ts) const {
  for (const auto& s : segments_) {
    errc e = errc::ok;
    auto hit = s->find_timestamp(ts, &e);
    if (hit) {
      hit->offset = std::max(hit->offset, log_start_);
      return hit;
    }
    if (e != errc::ok)
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<timestamp_hit> partition_log::max_timestamp_hit() const {
  std::optional<timestamp_hit> best;
  for (const auto& s : segments_) {
    errc e = errc::ok;
    auto hit = s->max_timestamp_hit(&e);
    if (hit && (!best || hit->timestamp > best->timestamp))
      best = hit;
  }
  if (best)
    best->offset = std::max(best->offset, log_start_);
  return best;
}

errc partition_log::maybe_flush(int64_t now_ms) {
  if (closed_ || unflushed_messages_ == 0)
    return errc::ok;
  const bool by_count = cfg_.flush_messages > 0 && unflushed_messages_ >= cfg_.flush_messages;
  const bool by_time = cfg_.flush_ms >= 0 && now_ms - last_flush_ms_ >= cfg_.flush_ms;
  if (!by_count && !by_time)
    return errc::ok;
  auto e = flush();
  if (e == errc::ok)
    last_flush_ms_ = now_ms;
  return e;
}

errc partition_log::flush() {
  if (closed_)
    return errc::ok;
  if (auto e = active().flush(); e != errc::ok)
    return e;
  unflushed_messages_ = 0;
  ++flush_count_;
  return errc::ok;
}

}  // namespace samsa::persistence
