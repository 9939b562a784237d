#include "persistence/leader_epoch_cache.hpp"

#include <cerrno>

#include <algorithm>
#include <sstream>

#include "persistence/file_util.hpp"

namespace samsa::persistence {

leader_epoch_cache::leader_epoch_cache(std::filesystem::path checkpoint_file)
    : file_(std::move(checkpoint_file)) {}

errc leader_epoch_cache::load() {
  entries_.clear();
  std::error_code ec;
  if (!std::filesystem::exists(file_, ec))
    return ec ? errc::io_error : errc::ok;
  auto content = read_small_file(file_);
  if (!content)
    return errno_to_errc(errno);
  std::istringstream in(*content);
  int version = -1;
  long long count = -1;
  if (!(in >> version >> count) || version != 0 || count < 0)
    return errc::corrupt_message;
  std::vector<epoch_entry> loaded;
  for (long long i = 0; i < count; ++i) {
    long long epoch = 0;
    long long offset = 0;
    if (!(in >> epoch >> offset) || epoch < 0 || epoch > INT32_MAX || offset < 0)
      return errc::corrupt_message;
    epoch_entry e{static_cast<int32_t>(epoch), static_cast<int64_t>(offset)};
    if (!loaded.empty() &&
        (e.epoch <= loaded.back().epoch || e.start_offset < loaded.back().start_offset))
      return errc::corrupt_message;
    loaded.push_back(e);
  }
  std::string rest;
  if (in >> rest)
    return errc::corrupt_message;  // more lines than the count says: not a file we wrote
  entries_ = std::move(loaded);
  return errc::ok;
}

errc leader_epoch_cache::checkpoint() const {
  if (file_.empty())
    return errc::ok;  // an in-memory cache (tests, followers' scratch copies)
  std::ostringstream out;
  out << "0\n" << entries_.size() << "\n";
  for (const auto& e : entries_)
    out << e.epoch << ' ' << e.start_offset << "\n";
  return write_file_atomic(file_, out.str());
}

errc leader_epoch_cache::assign(int32_t epoch, int64_t start_offset) {
  if (epoch < 0 || start_offset < 0)
    return errc::ok;
  if (!entries_.empty() && entries_.back().epoch == epoch &&
      entries_.back().start_offset <= start_offset)
    return errc::ok;  // same epoch continuing: nothing new
  const auto before = entries_;
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const epoch_entry& e) {
                                  return e.epoch >= epoch || e.start_offset >= start_offset;
                                }),
                 entries_.end());
  entries_.push_back({epoch, start_offset});
  if (auto e = checkpoint(); e != errc::ok) {
    entries_ = before;  // memory and file must agree
    return e;
  }
  return errc::ok;
}

errc leader_epoch_cache::replace(std::vector<epoch_entry> entries) {
  auto before = std::move(entries_);
  entries_ = std::move(entries);
  if (auto e = checkpoint(); e != errc::ok) {
    entries_ = std::move(before);
    return e;
  }
  return errc::ok;
}

std::pair<int32_t, int64_t> leader_epoch_cache::end_offset_for(int32_t requested_epoch,
                                                               int64_t log_end) const {
  if (requested_epoch < 0)
    return {-1, -1};
  if (!entries_.empty() && entries_.back().epoch == requested_epoch)
    return {requested_epoch, log_end};
  auto higher = std::upper_bound(
    entries_.begin(), entries_.end(), requested_epoch,
    [](int32_t epoch, const epoch_entry& e) { return epoch < e.epoch; });
  if (higher == entries_.end())
    return {-1, -1};
  if (higher == entries_.begin())
    return {requested_epoch, higher->start_offset};
  return {std::prev(higher)->epoch, higher->start_offset};
}

errc leader_epoch_cache::truncate_from_end(int64_t end_offset) {
  const auto before = entries_;
  while (!entries_.empty() && entries_.back().start_offset >= end_offset)
    entries_.pop_back();
  if (entries_.size() == before.size())
    return errc::ok;
  if (auto e = checkpoint(); e != errc::ok) {
    entries_ = before;
    return e;
  }
  return errc::ok;
}

errc leader_epoch_cache::truncate_from_start(int64_t start_offset) {
  if (entries_.empty() || entries_.front().start_offset >= start_offset)
    return errc::ok;
  const auto before = entries_;
  // The last entry starting at or before start_offset covers it and is kept, moved forward.
  auto covering = std::upper_bound(
    entries_.begin(), entries_.end(), start_offset,
    [](int64_t off, const epoch_entry& e) { return off < e.start_offset; });
  --covering;  // exists: front().start_offset < start_offset
  covering->start_offset = start_offset;
  entries_.erase(entries_.begin(), covering);
  if (auto e = checkpoint(); e != errc::ok) {
    entries_ = before;
    return e;
  }
  return errc::ok;
}

}  // namespace samsa::persistence
