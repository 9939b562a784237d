#include "persistence/producer_state.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "messages/bytes.hpp"
#include "messages/crc32c.hpp"

namespace samsa::persistence {

namespace {

int32_t next_seq(int32_t last) {
  return last == INT32_MAX ? 0 : last + 1;
}

template <class T>
void put(std::vector<char>& out, T v) {
  using U = std::make_unsigned_t<T>;
  auto u = static_cast<U>(v);
  for (int i = sizeof(T) - 1; i >= 0; --i)
    out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}

struct cursor {
  const char* p;
  size_t n;
  size_t pos = 0;
  bool ok = true;
  template <class T>
  T get() {
    using U = std::make_unsigned_t<T>;
    if (n - pos < sizeof(T)) {
      ok = false;
      return 0;
    }
    U u = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
      u = static_cast<U>((u << 8) | static_cast<uint8_t>(p[pos + i]));
    pos += sizeof(T);
    return static_cast<T>(u);
  }
};

} // namespace

sequence_check producer_state::check(const batch_header& h, producer_batch* original) const {
  if (h.producer_id < 0)
    return sequence_check::ok;
  auto last_seq = h.base_sequence + h.last_offset_delta; // wraps like Kafka's sequences
  auto i = producers_.find(h.producer_id);
  if (i == producers_.end())
    return h.base_sequence == 0 ? sequence_check::ok : sequence_check::out_of_order;
  auto& e = i->second;
  if (h.producer_epoch < e.epoch)
    return sequence_check::invalid_epoch;
  if (h.producer_epoch > e.epoch)
    return h.base_sequence == 0 ? sequence_check::ok : sequence_check::out_of_order;
  for (auto& b : e.batches) {
    if (b.first_seq == h.base_sequence && b.last_seq == last_seq) {
      if (original)
        *original = b;
      return sequence_check::duplicate;
    }
  }
  if (e.batches.empty())
    return sequence_check::ok; // epoch known, history truncated away: accept and restart tracking
  return h.base_sequence == next_seq(e.batches.back().last_seq) ? sequence_check::ok : sequence_check::out_of_order;
}

void producer_state::record(const batch_header& h, int64_t base_offset, int64_t now_ms) {
  if (h.producer_id < 0)
    return;
  auto& e = producers_[h.producer_id];
  e.last_timestamp_ms = std::max(e.last_timestamp_ms, now_ms >= 0 ? now_ms : h.max_timestamp);
  if (h.producer_epoch != e.epoch) {
    e.epoch = h.producer_epoch;
    e.batches.clear();
  }
  producer_batch b;
  b.first_seq = h.base_sequence;
  b.last_seq = h.base_sequence + h.last_offset_delta;
  b.first_offset = base_offset;
  b.last_offset = base_offset + h.last_offset_delta;
  e.batches.push_back(b);
  while (e.batches.size() > max_cached_batches)
    e.batches.pop_front();
}

void producer_state::replay(const char* p, size_t n) {
  size_t pos = 0;
  while (auto h = read_batch_header(p + pos, n - pos)) {
    if (h->total_size() > n - pos)
      break;
    if (h->last_offset() >= covered_offset) { // batches the state already includes are skipped
      record(*h, h->base_offset);
      covered_offset = h->last_offset() + 1;
    }
    pos += h->total_size();
  }
}

void producer_state::truncate_from(int64_t offset) {
  for (auto& [id, e] : producers_)
    while (!e.batches.empty() && e.batches.back().last_offset >= offset)
      e.batches.pop_back();
  covered_offset = std::min(covered_offset, offset);
}

size_t producer_state::expire(int64_t now_ms, int64_t expiration_ms) {
  size_t removed = 0;
  for (auto i = producers_.begin(); i != producers_.end();) {
    auto& e = i->second;
    if (e.last_timestamp_ms < 0)
      e.last_timestamp_ms = now_ms; // unknown (old snapshot): the clock starts now
    if (now_ms - e.last_timestamp_ms >= expiration_ms) {
      i = producers_.erase(i);
      ++removed;
    } else {
      ++i;
    }
  }
  return removed;
}

std::vector<producer_state::summary> producer_state::summaries() const {
  std::vector<summary> out;
  out.reserve(producers_.size());
  for (const auto& [id, e] : producers_)
    out.push_back({id, e.epoch, e.batches.empty() ? -1 : e.batches.back().last_seq, e.last_timestamp_ms});
  std::sort(out.begin(), out.end(), [](const summary& a, const summary& b) { return a.producer_id < b.producer_id; });
  return out;
}

const producer_entry* producer_state::find(int64_t producer_id) const {
  auto i = producers_.find(producer_id);
  return i == producers_.end() ? nullptr : &i->second;
}

bool producer_state::save(const std::filesystem::path& file) const {
  std::vector<char> body;
  put<int64_t>(body, covered_offset);
  put<uint32_t>(body, static_cast<uint32_t>(producers_.size()));
  for (auto& [id, e] : producers_) {
    put<int64_t>(body, id);
    put<int16_t>(body, e.epoch);
    put<int64_t>(body, e.last_timestamp_ms);
    put<uint8_t>(body, static_cast<uint8_t>(e.batches.size()));
    for (auto& b : e.batches) {
      put<int32_t>(body, b.first_seq);
      put<int32_t>(body, b.last_seq);
      put<int64_t>(body, b.first_offset);
      put<int64_t>(body, b.last_offset);
    }
  }
  std::vector<char> out{'S', 'P', 'S', '2'};
  put<uint32_t>(out, crc32c(body.data(), body.size()));
  out.insert(out.end(), body.begin(), body.end());
  auto tmp = file;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return false;
  size_t done = 0;
  while (done < out.size()) {
    auto w = ::write(fd, out.data() + done, out.size() - done);
    if (w <= 0) {
      ::close(fd);
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return false;
    }
    done += static_cast<size_t>(w);
  }
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  std::error_code ec;
  if (ok)
    std::filesystem::rename(tmp, file, ec);
  return ok && !ec;
}

std::optional<producer_state> producer_state::load(const std::filesystem::path& file) {
  std::ifstream in{file, std::ios::binary};
  if (!in)
    return std::nullopt;
  std::vector<char> data{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  if (data.size() < 8 || (std::memcmp(data.data(), "SPS1", 4) != 0 && std::memcmp(data.data(), "SPS2", 4) != 0))
    return std::nullopt;
  const bool has_timestamps = data[3] == '2';
  cursor head{data.data() + 4, 4};
  auto crc = head.get<uint32_t>();
  if (crc32c(data.data() + 8, data.size() - 8) != crc)
    return std::nullopt;
  cursor c{data.data() + 8, data.size() - 8};
  producer_state st;
  st.covered_offset = c.get<int64_t>();
  auto count = c.get<uint32_t>();
  for (uint32_t i = 0; i < count && c.ok; ++i) {
    auto id = c.get<int64_t>();
    producer_entry e;
    e.epoch = c.get<int16_t>();
    if (has_timestamps)
      e.last_timestamp_ms = c.get<int64_t>();
    auto nb = c.get<uint8_t>();
    for (uint8_t j = 0; j < nb && c.ok; ++j) {
      producer_batch b;
      b.first_seq = c.get<int32_t>();
      b.last_seq = c.get<int32_t>();
      b.first_offset = c.get<int64_t>();
      b.last_offset = c.get<int64_t>();
      e.batches.push_back(b);
    }
    st.producers_.emplace(id, std::move(e));
  }
  if (!c.ok || c.pos != c.n)
    return std::nullopt;
  return st;
}

} // namespace samsa::persistence
