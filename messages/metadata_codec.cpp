#include "messages/metadata_codec.hpp"

#include <limits>
#include <stdexcept>
#include <type_traits>

#include "messages/bytes.hpp"

namespace samsa::metadata_codec {

namespace {

template <class T>
inline constexpr bool always_false = false;

// The one list of every struct's fields, in wire order (the header's table). Used by the writer (const
// structs) and the reader (mutable ones), so the two can never disagree on the layout. f.version is the
// batch's format version: fields added by a later version are read and written only from that version on.
template <class F, class X>
void fields(F& f, X& x) {
  using T = std::remove_const_t<X>;
  if constexpr (std::is_same_v<T, broker_endpoint>)
    f(x.name, x.host, x.port);
  else if constexpr (std::is_same_v<T, register_broker_record>)
    f(x.node_id, x.incarnation_id, x.broker_epoch, x.endpoints, x.rack, x.fenced);
  else if constexpr (std::is_same_v<T, unregister_broker_record> || std::is_same_v<T, fence_broker_record>
                     || std::is_same_v<T, unfence_broker_record>)
    f(x.node_id, x.broker_epoch);
  else if constexpr (std::is_same_v<T, create_topic_record>)
    f(x.name, x.topic_id);
  else if constexpr (std::is_same_v<T, partition_record>)
  {
    f(x.topic_id, x.partition, x.replicas, x.isr, x.leader, x.leader_epoch, x.partition_epoch);
    if (f.version >= 2)
      f(x.removing_replicas, x.adding_replicas);
  } else if constexpr (std::is_same_v<T, partition_change_record>) {
    f(x.topic_id, x.partition, x.isr, x.leader, x.replicas);
    if (f.version >= 2)
      f(x.removing_replicas, x.adding_replicas);
  }
  else if constexpr (std::is_same_v<T, config_record>)
    f(x.resource_type, x.resource_name, x.key, x.value);
  else if constexpr (std::is_same_v<T, producer_ids_record>)
    f(x.node_id, x.broker_epoch, x.next_producer_id);
  else if constexpr (std::is_same_v<T, remove_topic_record>)
    f(x.topic_id);
  else if constexpr (std::is_same_v<T, noop_record>)
    f();
  else
    static_assert(always_false<T>, "metadata_codec: no field list for this type");
}

class writer {
public:
  explicit writer(uint8_t v) : version(v) {}
  std::string out;
  uint8_t version;

  template <class... Ts>
  void operator()(const Ts&... xs) {
    (put(xs), ...);
  }

  void put(bool v) { out.push_back(v ? 1 : 0); }
  void put(uint8_t v) { out.push_back(static_cast<char>(v)); }
  void put(uint16_t v) { fixed<2>([&](char* p) { write_u16(p, v); }); }
  void put(int32_t v) { fixed<4>([&](char* p) { write_i32(p, v); }); }
  void put(int64_t v) { fixed<8>([&](char* p) { write_i64(p, v); }); }
  void put(config_resource v) { put(static_cast<uint8_t>(v)); }
  void put(const std::string& s) {
    length(s.size());
    out.append(s);
  }
  template <class T>
  void put(const std::vector<T>& xs) {
    length(xs.size());
    for (const auto& x : xs)
      put(x);
  }
  template <class T>
  void put(const std::optional<T>& x) {
    put(x.has_value());
    if (x)
      put(*x);
  }
  template <class T>
  void put(const T& x) { // a struct: its fields
    fields(*this, x);
  }

  void length(size_t n) {
    if (n > std::numeric_limits<uint32_t>::max())
      throw std::length_error("metadata_codec: string or list longer than 4 GiB");
    fixed<4>([&](char* p) { write_u32(p, static_cast<uint32_t>(n)); });
  }

private:
  template <size_t N, class W>
  void fixed(W w) {
    char buf[N];
    w(buf);
    out.append(buf, N);
  }
};

// Reads from untrusted bytes. Every read checks the bytes left first; the first failure sticks (ok turns
// false and stays false) so the field lists need no error plumbing: the caller checks ok once at the end.
class reader {
public:
  reader(const char* p, const char* end) : p_(p), end_(end) {}
  bool ok = true;
  uint8_t version = 1; // the batch's, once read

  template <class... Ts>
  void operator()(Ts&... xs) {
    (get(xs), ...);
  }

  size_t left() const { return static_cast<size_t>(end_ - p_); }
  bool at_end() const { return p_ == end_; }

  void get(uint8_t& v) {
    if (need(1))
      v = static_cast<uint8_t>(*p_++);
  }
  void get(bool& v) {
    uint8_t b = 0;
    get(b);
    if (b > 1)
      ok = false;
    v = b == 1;
  }
  void get(uint16_t& v) { fixed(2, [&] { v = read_u16(p_); }); }
  void get(int32_t& v) { fixed(4, [&] { v = read_i32(p_); }); }
  void get(int64_t& v) { fixed(8, [&] { v = read_i64(p_); }); }
  void get(config_resource& v) {
    uint8_t b = 0;
    get(b);
    if (b != static_cast<uint8_t>(config_resource::topic) && b != static_cast<uint8_t>(config_resource::broker))
      ok = false;
    v = static_cast<config_resource>(b);
  }
  void get(std::string& s) {
    size_t n = length();
    if (ok && need(n)) {
      s.assign(p_, n);
      p_ += n;
    }
  }
  template <class T>
  void get(std::vector<T>& xs) {
    size_t n = length();
    xs.clear(); // no reserve(n): every element consumes at least one byte, so n is bounded by left()
    for (size_t i = 0; ok && i < n; ++i) {
      T x{};
      get(x);
      xs.push_back(std::move(x));
    }
  }
  template <class T>
  void get(std::optional<T>& x) {
    bool present = false;
    get(present);
    x.reset();
    if (ok && present) {
      T v{};
      get(v);
      x = std::move(v);
    }
  }
  template <class T>
  void get(T& x) {
    fields(*this, x);
  }

  // A u32 length or count; fails when it exceeds the bytes left (no element or character is smaller than
  // a byte), so a hostile length never allocates more than the input's size.
  size_t length() {
    uint32_t n = 0;
    fixed(4, [&] { n = read_u32(p_); });
    if (ok && n > left())
      ok = false;
    return ok ? n : 0;
  }

private:
  bool need(size_t n) {
    if (!ok || left() < n)
      ok = false;
    return ok;
  }
  template <class R>
  void fixed(size_t n, R r) {
    if (need(n)) {
      r();
      p_ += n;
    }
  }

  const char* p_;
  const char* end_;
};

// Builds alternative `I` of the variant when it is `type`, reads its body; false for an unknown type.
template <size_t I = 0>
bool read_record(reader& in, size_t type, metadata_record& out) {
  if constexpr (I == std::variant_size_v<metadata_record>) {
    return false;
  } else {
    if (type != I)
      return read_record<I + 1>(in, type, out);
    std::variant_alternative_t<I, metadata_record> rec{};
    in.get(rec);
    out = std::move(rec);
    return in.ok;
  }
}

// Version 2 only for a batch that carries reassignment state (see the header's Evolution).
uint8_t version_for(const std::vector<metadata_record>& batch) {
  for (const auto& r : batch) {
    if (auto p = std::get_if<partition_record>(&r); p && (!p->removing_replicas.empty() || !p->adding_replicas.empty()))
      return 2;
    if (auto c = std::get_if<partition_change_record>(&r); c && (c->removing_replicas || c->adding_replicas))
      return 2;
  }
  return 1;
}

} // namespace

std::string encode(const std::vector<metadata_record>& batch) {
  writer w(version_for(batch));
  w.put(w.version);
  w.length(batch.size());
  for (const auto& r : batch) {
    w.put(static_cast<uint8_t>(r.index()));
    std::visit([&](const auto& rec) { w.put(rec); }, r);
  }
  return std::move(w.out);
}

std::optional<std::vector<metadata_record>> decode(std::string_view bytes) {
  try {
    reader in(bytes.data(), bytes.data() + bytes.size());
    uint8_t version = 0;
    in.get(version);
    if (!in.ok || version < 1 || version > format_version)
      return std::nullopt;
    in.version = version;
    size_t n = in.length(); // every record is at least its type byte: bounded by the input
    std::vector<metadata_record> out;
    for (size_t i = 0; in.ok && i < n; ++i) {
      uint8_t type = 0;
      in.get(type);
      metadata_record rec;
      if (!in.ok || !read_record(in, type, rec))
        return std::nullopt;
      out.push_back(std::move(rec));
    }
    if (!in.ok || !in.at_end())
      return std::nullopt;
    return out;
  } catch (...) { // bad_alloc is the only thing that can get here; garbage is never a crash
    return std::nullopt;
  }
}

} // namespace samsa::metadata_codec
