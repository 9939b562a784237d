#include "persistence/log_cleaner.hpp"

#include <vector>

#include "messages/record_compaction.hpp"
#include "persistence/file_util.hpp"

namespace samsa::persistence {

namespace {

constexpr size_t scan_chunk = 1 << 20;

}  // namespace

bool offset_map::put(std::string_view key, int64_t offset) {
  std::string k(key);
  if (auto it = map_.find(k); it != map_.end()) {
    it->second = offset;
    return true;
  }
  const size_t cost = k.size() + entry_overhead;
  if (bytes_ + cost > max_bytes_)
    return false;
  map_.emplace(std::move(k), offset);
  bytes_ += cost;
  return true;
}

std::optional<int64_t> offset_map::latest(std::string_view key) const {
  auto it = map_.find(std::string(key));
  if (it == map_.end())
    return std::nullopt;
  return it->second;
}

bool map_segment(int fd, int64_t size, offset_map& map, errc* err) {
  *err = errc::ok;
  batch_scanner sc(fd, 0, size, scan_chunk);
  for (;;) {
    auto st = sc.next(true);
    if (st == batch_scanner::status::end)
      return true;
    if (st != batch_scanner::status::batch) {
      *err = st == batch_scanner::status::io_error ? errc::io_error : errc::corrupt_message;
      return false;
    }
    auto records = raw_records(sc.data(), sc.header().total_size());
    if (!records)
      continue;  // compressed or control: not compacted
    for (const auto& r : *records)
      if (r.key && !map.put(*r.key, r.offset))
        return false;
  }
}

errc rewrite_segment(int in_fd, int64_t size, const offset_map& map, bool drop_tombstones, int out_fd,
                     int64_t* out_size, bool* changed, compaction_report& report) {
  *out_size = 0;
  *changed = false;
  batch_scanner sc(in_fd, 0, size, scan_chunk);
  std::vector<bool> keep;
  auto write = [&](const char* p, size_t n) {
    auto e = pwrite_full(out_fd, p, n, *out_size);
    *out_size += static_cast<int64_t>(n);
    return e;
  };
  for (;;) {
    auto st = sc.next(true);
    if (st == batch_scanner::status::end)
      return errc::ok;
    if (st != batch_scanner::status::batch)
      return st == batch_scanner::status::io_error ? errc::io_error : errc::corrupt_message;
    const char* p = sc.data();
    const size_t n = sc.header().total_size();
    auto records = raw_records(p, n);
    if (!records) {
      if (auto e = write(p, n); e != errc::ok)
        return e;
      continue;
    }
    keep.assign(records->size(), true);
    size_t kept = 0;
    for (size_t i = 0; i < records->size(); ++i) {
      const auto& r = (*records)[i];
      if (r.key) {
        auto latest = map.latest(*r.key);
        if (latest && *latest > r.offset)
          keep[i] = false;
      }
      if (keep[i] && r.tombstone && drop_tombstones) {
        keep[i] = false;
        ++report.tombstones_removed;
      }
      if (keep[i])
        ++kept;
      else
        ++report.records_removed;
    }
    if (kept == records->size()) {
      if (auto e = write(p, n); e != errc::ok)
        return e;
      continue;
    }
    *changed = true;
    if (kept == 0)
      continue;  // nothing left of the batch
    auto filtered = filter_batch(p, *records, keep);
    if (auto e = write(filtered.data(), filtered.size()); e != errc::ok)
      return e;
  }
}

}  // namespace samsa::persistence
