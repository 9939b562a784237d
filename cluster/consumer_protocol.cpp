#include "cluster/consumer_protocol.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace samsa::cluster {

namespace {

// Big-endian writer into a std::string. A string over 32767 bytes or an array over 2^31
// elements cannot be expressed on the wire; callers never build one (topic names are at most
// 249 bytes), so the writer does not check.
class be_writer {
public:
  void i16(int16_t v) { u(static_cast<uint16_t>(v), 2); }
  void i32(int32_t v) { u(static_cast<uint32_t>(v), 4); }
  void str(const std::string& s) {
    i16(static_cast<int16_t>(s.size()));
    out_ += s;
  }
  void nullable_str(const std::optional<std::string>& s) {
    if (!s)
      i16(-1);
    else
      str(*s);
  }
  void nullable_bytes(const std::optional<std::string>& b) {
    if (!b) {
      i32(-1);
      return;
    }
    i32(static_cast<int32_t>(b->size()));
    out_ += *b;
  }
  void topic_partitions_array(const std::vector<topic_partitions>& tps) {
    i32(static_cast<int32_t>(tps.size()));
    for (const auto& tp : tps) {
      str(tp.topic);
      i32(static_cast<int32_t>(tp.partitions.size()));
      for (int32_t p : tp.partitions)
        i32(p);
    }
  }
  std::string take() { return std::move(out_); }

private:
  void u(uint32_t v, int n) {
    for (int i = n - 1; i >= 0; --i)
      out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

// Bounds-checked big-endian reader. Every read returns false instead of reading past the end;
// the decoders stop at the first false.
class be_reader {
public:
  explicit be_reader(std::string_view b) : b_(b) {}
  bool i16(int16_t& v) {
    uint32_t x;
    if (!u(x, 2))
      return false;
    v = static_cast<int16_t>(static_cast<uint16_t>(x));
    return true;
  }
  bool i32(int32_t& v) {
    uint32_t x;
    if (!u(x, 4))
      return false;
    v = static_cast<int32_t>(x);
    return true;
  }
  bool str(std::string& s) {
    int16_t n;
    return i16(n) && n >= 0 && raw(s, static_cast<size_t>(n));
  }
  bool nullable_str(std::optional<std::string>& s) {
    int16_t n;
    if (!i16(n) || n < -1)
      return false;
    if (n == -1) {
      s.reset();
      return true;
    }
    s.emplace();
    return raw(*s, static_cast<size_t>(n));
  }
  bool nullable_bytes(std::optional<std::string>& b) {
    int32_t n;
    if (!i32(n) || n < -1)
      return false;
    if (n == -1) {
      b.reset();
      return true;
    }
    b.emplace();
    return raw(*b, static_cast<size_t>(n));
  }
  // An array count, checked against the bytes left so a hostile count cannot make us reserve
  // gigabytes: each element takes at least `min_elem` bytes.
  bool count(int32_t& n, size_t min_elem) {
    return i32(n) && n >= 0 && static_cast<size_t>(n) <= remaining() / min_elem;
  }
  bool topic_partitions_array(std::vector<topic_partitions>& out) {
    int32_t n;
    if (!count(n, 6)) // topic length (2) + partition count (4)
      return false;
    out.resize(static_cast<size_t>(n));
    for (auto& tp : out) {
      int32_t m;
      if (!str(tp.topic) || !count(m, 4))
        return false;
      tp.partitions.resize(static_cast<size_t>(m));
      for (auto& p : tp.partitions)
        if (!i32(p))
          return false;
    }
    return true;
  }

private:
  size_t remaining() const { return b_.size() - pos_; }
  bool u(uint32_t& v, int n) {
    if (remaining() < static_cast<size_t>(n))
      return false;
    v = 0;
    for (int i = 0; i < n; ++i)
      v = (v << 8) | static_cast<uint8_t>(b_[pos_ + static_cast<size_t>(i)]);
    pos_ += static_cast<size_t>(n);
    return true;
  }
  bool raw(std::string& s, size_t n) {
    if (remaining() < n)
      return false;
    s.assign(b_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  std::string_view b_;
  size_t pos_ = 0;
};

} // namespace

std::vector<topic_partitions> group_by_topic(const std::vector<topic_partition>& tps) {
  std::vector<topic_partitions> out;
  for (const auto& tp : tps) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const topic_partitions& t) { return t.topic == tp.topic; });
    if (it == out.end()) {
      out.push_back({tp.topic, {}});
      it = out.end() - 1;
    }
    it->partitions.push_back(tp.partition);
  }
  return out;
}

std::vector<topic_partition> flatten(const std::vector<topic_partitions>& tps) {
  std::vector<topic_partition> out;
  for (const auto& t : tps)
    for (int32_t p : t.partitions)
      out.push_back({t.topic, p});
  return out;
}

std::string encode_subscription(const consumer_subscription& s) {
  be_writer w;
  int16_t v = std::max<int16_t>(s.version, 0);
  w.i16(v);
  w.i32(static_cast<int32_t>(s.topics.size()));
  for (const auto& t : s.topics)
    w.str(t);
  w.nullable_bytes(s.user_data);
  if (v >= 1)
    w.topic_partitions_array(s.owned_partitions);
  if (v >= 2)
    w.i32(s.generation_id);
  if (v >= 3)
    w.nullable_str(s.rack_id);
  return w.take();
}

std::optional<consumer_subscription> decode_subscription(std::string_view bytes) {
  be_reader r(bytes);
  consumer_subscription s;
  int16_t v;
  if (!r.i16(v) || v < 0)
    return std::nullopt;
  s.version = std::min(v, consumer_protocol_max_subscription_version);
  int32_t n;
  if (!r.count(n, 2))
    return std::nullopt;
  s.topics.resize(static_cast<size_t>(n));
  for (auto& t : s.topics)
    if (!r.str(t))
      return std::nullopt;
  if (!r.nullable_bytes(s.user_data))
    return std::nullopt;
  if (s.version >= 1 && !r.topic_partitions_array(s.owned_partitions))
    return std::nullopt;
  if (s.version >= 2 && !r.i32(s.generation_id))
    return std::nullopt;
  if (s.version >= 3 && !r.nullable_str(s.rack_id))
    return std::nullopt;
  return s;
}

std::string encode_assignment(const consumer_assignment& a) {
  be_writer w;
  w.i16(std::max<int16_t>(a.version, 0));
  w.topic_partitions_array(a.assigned_partitions);
  w.nullable_bytes(a.user_data);
  return w.take();
}

std::optional<consumer_assignment> decode_assignment(std::string_view bytes) {
  be_reader r(bytes);
  consumer_assignment a;
  int16_t v;
  if (!r.i16(v) || v < 0)
    return std::nullopt;
  a.version = std::min(v, consumer_protocol_max_assignment_version);
  if (!r.topic_partitions_array(a.assigned_partitions) || !r.nullable_bytes(a.user_data))
    return std::nullopt;
  return a;
}

} // namespace samsa::cluster
