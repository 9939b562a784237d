#include "persistence/offset_index.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "messages/bytes.hpp"

namespace samsa::persistence {

void offset_entry::encode(char* p) const {
  write_u32(p, relative_offset);
  write_u32(p + 4, position);
}

offset_entry offset_entry::decode(const char* p) { return {read_u32(p), read_u32(p + 4)}; }

void time_entry::encode(char* p) const {
  write_i64(p, timestamp);
  write_u32(p + 8, relative_offset);
}

time_entry time_entry::decode(const char* p) { return {read_i64(p), read_u32(p + 8)}; }

template <class Entry>
errc index_file<Entry>::open(const std::filesystem::path& path) {
  fd_.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd_.valid())
    return errno_to_errc(errno);
  entries_.clear();
  written_ = 0;
  shrunk_ = true;  // what the file holds is unknown until load(): cut it at the first write
  return errc::ok;
}

template <class Entry>
bool index_file<Entry>::load() {
  entries_.clear();
  written_ = 0;
  const int64_t size = file_size(fd_.get());
  bool ok = size >= 0 && size % static_cast<int64_t>(Entry::size) == 0;
  std::vector<char> buf;
  if (ok) {
    buf.resize(static_cast<size_t>(size));
    ok = pread_full(fd_.get(), buf.data(), buf.size(), 0) == static_cast<ssize_t>(buf.size());
  }
  if (ok) {
    entries_.reserve(buf.size() / Entry::size);
    for (size_t off = 0; off < buf.size(); off += Entry::size) {
      auto e = Entry::decode(buf.data() + off);
      if (!entries_.empty() && !Entry::ordered(entries_.back(), e)) {
        ok = false;
        break;
      }
      entries_.push_back(e);
    }
  }
  if (!ok) {
    entries_.clear();
    shrunk_ = true;  // whatever is in the file is garbage: cut it at the next write
    return false;
  }
  written_ = entries_.size();
  return true;
}

template <class Entry>
void index_file<Entry>::truncate(size_t n) {
  if (n >= entries_.size())
    return;
  entries_.resize(n);
  if (written_ > n) {
    written_ = n;
    shrunk_ = true;
  }
}

template <class Entry>
errc index_file<Entry>::write() {
  if (shrunk_) {
    if (::ftruncate(fd_.get(), static_cast<off_t>(written_ * Entry::size)) != 0)
      return errno_to_errc(errno);
    shrunk_ = false;
  }
  if (written_ == entries_.size())
    return errc::ok;
  std::vector<char> buf((entries_.size() - written_) * Entry::size);
  for (size_t i = written_; i < entries_.size(); ++i)
    entries_[i].encode(buf.data() + (i - written_) * Entry::size);
  if (auto e = pwrite_full(fd_.get(), buf.data(), buf.size(),
                           static_cast<int64_t>(written_ * Entry::size));
      e != errc::ok) {
    // Part of the tail may be in the file: cut back to what is known good before a retry.
    shrunk_ = true;
    return e;
  }
  written_ = entries_.size();
  return errc::ok;
}

template class index_file<offset_entry>;
template class index_file<time_entry>;

std::optional<offset_entry> offset_index::floor(uint32_t relative_offset) const {
  auto it = std::upper_bound(
    entries_.begin(), entries_.end(), relative_offset,
    [](uint32_t rel, const offset_entry& e) { return rel < e.relative_offset; });
  if (it == entries_.begin())
    return std::nullopt;
  return *std::prev(it);
}

void offset_index::truncate_from(uint32_t relative_offset) {
  auto it = std::lower_bound(
    entries_.begin(), entries_.end(), relative_offset,
    [](const offset_entry& e, uint32_t rel) { return e.relative_offset < rel; });
  truncate(static_cast<size_t>(it - entries_.begin()));
}

std::optional<time_entry> time_index::last_before(int64_t ts) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), ts,
                             [](const time_entry& e, int64_t t) { return e.timestamp < t; });
  if (it == entries_.begin())
    return std::nullopt;
  return *std::prev(it);
}

void time_index::truncate_from(uint32_t relative_offset) {
  // Relative offsets are non-decreasing, so the entries to drop form a suffix.
  auto it = std::lower_bound(
    entries_.begin(), entries_.end(), relative_offset,
    [](const time_entry& e, uint32_t rel) { return e.relative_offset < rel; });
  truncate(static_cast<size_t>(it - entries_.begin()));
}

}  // namespace samsa::persistence
