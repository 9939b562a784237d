#pragma once

// Primitive encoding of the Kafka wire protocol: big-endian integers, varints, strings, bytes,
// arrays and tagged fields, in both the classic (int16/int32 length) and the "compact"
// (unsigned varint length + 1) forms used by flexible versions.
//
// Every decoder in messages/kafka/ is written on top of `reader`, so bounds checking lives in
// exactly one place: a read past the end, a negative length or a count that cannot fit in the
// bytes left sets a sticky `failed` flag and returns a zero value; later reads do nothing.
// Decoders can therefore read a whole message straight-line and check `failed()` once.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace samsa::kafka {

/// A non-owning view of bytes inside a frame (a record batch, an opaque group assignment).
/// Decoding keeps record data as a view so Produce never copies batches; the view is valid only
/// while the buffer it was decoded from lives, and the caller owns that lifetime.
struct byte_span {
  const char* data = nullptr;
  size_t size = 0;

  std::string_view view() const noexcept { return {data, size}; }

  friend bool operator==(byte_span a, byte_span b) noexcept { return a.view() == b.view(); }
  friend bool operator!=(byte_span a, byte_span b) noexcept { return !(a == b); }
};

/// Bounds-checked cursor over one frame (without its int32 size prefix). Not thread-safe; cheap
/// to copy. Invariant: position() <= size; once failed() is true every read returns 0/empty.
class reader {
public:
  reader(const char* data, size_t size) noexcept : data_(data), size_(size) {}

  bool failed() const noexcept { return failed_; }
  void fail() noexcept { failed_ = true; }
  size_t position() const noexcept { return pos_; }
  size_t remaining() const noexcept { return failed_ ? 0 : size_ - pos_; }

  int8_t read_i8() noexcept { return static_cast<int8_t>(read_be<uint8_t>()); }
  int16_t read_i16() noexcept { return static_cast<int16_t>(read_be<uint16_t>()); }
  int32_t read_i32() noexcept { return static_cast<int32_t>(read_be<uint32_t>()); }
  int64_t read_i64() noexcept { return static_cast<int64_t>(read_be<uint64_t>()); }
  bool read_bool() noexcept { return read_i8() != 0; }

  /// Unsigned LEB128 varint of at most 5 bytes (Kafka's compact lengths and tag numbers).
  uint32_t read_uvarint() noexcept {
    uint32_t value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (!need(1))
        return 0;
      auto b = static_cast<uint8_t>(data_[pos_++]);
      if (shift == 28 && (b & 0xf0) != 0)
        break; // more than 32 bits
      value |= static_cast<uint32_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0)
        return value;
    }
    fail();
    return 0;
  }

  /// Zigzag-encoded signed varint (record fields; unused by the API bodies themselves).
  int32_t read_varint() noexcept {
    uint32_t u = read_uvarint();
    return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
  }

  /// Non-nullable string: int16 length, or compact (uvarint length + 1). Null fails.
  std::string read_string(bool compact = false) {
    auto s = read_nullable_string(compact);
    if (!s) {
      fail();
      return {};
    }
    return std::move(*s);
  }
  std::string read_compact_string() { return read_string(true); }

  /// Nullable string: length -1 (or compact 0) means null; any other negative length fails.
  std::optional<std::string> read_nullable_string(bool compact = false) {
    int64_t len = compact ? static_cast<int64_t>(read_uvarint()) - 1 : read_i16();
    if (failed_)
      return std::string{};
    if (len == -1)
      return std::nullopt;
    if (len < -1 || !need(static_cast<size_t>(len)))
      return fail_value(std::string{});
    std::string s(data_ + pos_, static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    return s;
  }
  std::optional<std::string> read_compact_nullable_string() { return read_nullable_string(true); }

  /// Nullable bytes: int32 length (or compact), -1 means null. Returns a view into the frame.
  std::optional<byte_span> read_nullable_bytes(bool compact = false) noexcept {
    int64_t len = compact ? static_cast<int64_t>(read_uvarint()) - 1 : read_i32();
    if (failed_)
      return byte_span{};
    if (len == -1)
      return std::nullopt;
    if (len < -1 || !need(static_cast<size_t>(len)))
      return fail_value(byte_span{});
    byte_span b{data_ + pos_, static_cast<size_t>(len)};
    pos_ += b.size;
    return b;
  }
  std::optional<byte_span> read_compact_nullable_bytes() noexcept {
    return read_nullable_bytes(true);
  }

  /// Non-nullable bytes; null fails.
  byte_span read_bytes(bool compact = false) noexcept {
    auto b = read_nullable_bytes(compact);
    if (!b)
      return fail_value(byte_span{});
    return *b;
  }
  byte_span read_compact_bytes() noexcept { return read_bytes(true); }

  /// Array element count: int32 (or compact). Returns -1 for a null array, 0 on failure. Fails
  /// when the count cannot fit: each element takes at least `min_elem_size` bytes, so a count
  /// of 2^31 in a small frame is rejected here, before anyone allocates.
  int32_t read_array_len(bool compact = false, size_t min_elem_size = 1) noexcept {
    int64_t n = compact ? static_cast<int64_t>(read_uvarint()) - 1 : read_i32();
    if (failed_)
      return 0;
    if (n == -1)
      return -1;
    if (n < -1 || static_cast<uint64_t>(n) * std::max<size_t>(min_elem_size, 1) > remaining())
      return fail_value(0);
    return static_cast<int32_t>(n);
  }
  int32_t read_compact_array_len(size_t min_elem_size = 1) noexcept {
    return read_array_len(true, min_elem_size);
  }

  /// Skips a tagged-field section (flexible versions): count, then (tag, size, bytes) each.
  void skip_tagged_fields() noexcept {
    uint32_t n = read_uvarint();
    for (uint32_t i = 0; i < n && !failed_; ++i) {
      read_uvarint(); // tag
      skip(read_uvarint());
    }
  }

  /// Reads a tagged-field section, handing each field to `field(tag, body)` (which returns bool) with `body` a
  /// reader over exactly that field's bytes. The callee returns false for a tag it does not know (the field is
  /// skipped) and true for one it decoded: that value must decode without failure and use every byte of the
  /// field, or this reader fails.
  template <class F>
  void read_tagged_fields(F&& field) {
    uint32_t n = read_uvarint();
    for (uint32_t i = 0; i < n && !failed_; ++i) {
      uint32_t tag = read_uvarint();
      reader body = take(read_uvarint());
      if (failed_)
        return;
      if (field(tag, body) && (body.failed() || body.remaining() != 0))
        return fail();
    }
  }

  void skip(size_t n) noexcept {
    if (need(n))
      pos_ += n;
  }

  /// A reader over the next `n` bytes, which this one steps over (a tagged field's value). A failed reader
  /// when fewer are left.
  reader take(size_t n) noexcept {
    if (!need(n)) {
      reader empty{data_, 0};
      empty.fail();
      return empty;
    }
    reader sub{data_ + pos_, n};
    pos_ += n;
    return sub;
  }

private:
  bool need(size_t n) noexcept {
    if (failed_ || n > size_ - pos_) {
      failed_ = true;
      return false;
    }
    return true;
  }

  template <class T>
  T fail_value(T v) noexcept {
    failed_ = true;
    return v;
  }

  template <class U>
  U read_be() noexcept {
    if (!need(sizeof(U)))
      return 0;
    U v;
    std::memcpy(&v, data_ + pos_, sizeof(U));
    pos_ += sizeof(U);
    return from_be(v);
  }

  static uint8_t from_be(uint8_t v) noexcept { return v; }
  static uint16_t from_be(uint16_t v) noexcept { return __builtin_bswap16(v); }
  static uint32_t from_be(uint32_t v) noexcept { return __builtin_bswap32(v); }
  static uint64_t from_be(uint64_t v) noexcept { return __builtin_bswap64(v); }

  const char* data_;
  size_t size_;
  size_t pos_ = 0;
  bool failed_ = false;
};

/// Appends wire-encoded values to a caller-owned buffer (so a session can reuse one buffer per
/// connection). A value that cannot be represented (a string over 32767 bytes, an array over
/// 2^31-1 elements) sets the sticky `failed` flag; the caller must then drop the output.
class writer {
public:
  explicit writer(std::vector<char>& out) noexcept : out_(out) {}

  bool failed() const noexcept { return failed_; }
  void fail() noexcept { failed_ = true; }
  size_t size() const noexcept { return out_.size(); }

  void write_i8(int8_t v) { out_.push_back(static_cast<char>(v)); }
  void write_i16(int16_t v) { write_be(__builtin_bswap16(static_cast<uint16_t>(v))); }
  void write_i32(int32_t v) { write_be(__builtin_bswap32(static_cast<uint32_t>(v))); }
  void write_i64(int64_t v) { write_be(__builtin_bswap64(static_cast<uint64_t>(v))); }
  void write_bool(bool v) { write_i8(v ? 1 : 0); }

  void write_uvarint(uint32_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void write_varint(int32_t v) {
    write_uvarint((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
  }

  void write_string(std::string_view s, bool compact = false) {
    if (compact) {
      write_compact_len(s.size());
    } else {
      if (s.size() > 0x7fff)
        return fail();
      write_i16(static_cast<int16_t>(s.size()));
    }
    out_.insert(out_.end(), s.begin(), s.end());
  }
  void write_compact_string(std::string_view s) { write_string(s, true); }

  void write_nullable_string(const std::optional<std::string>& s, bool compact = false) {
    if (s)
      write_string(*s, compact);
    else if (compact)
      write_uvarint(0);
    else
      write_i16(-1);
  }

  void write_bytes(byte_span b, bool compact = false) {
    if (compact) {
      write_compact_len(b.size);
    } else {
      if (b.size > 0x7fffffff)
        return fail();
      write_i32(static_cast<int32_t>(b.size));
    }
    if (b.size > 0)
      out_.insert(out_.end(), b.data, b.data + b.size);
  }
  void write_compact_bytes(byte_span b) { write_bytes(b, true); }

  void write_nullable_bytes(const std::optional<byte_span>& b, bool compact = false) {
    if (b)
      write_bytes(*b, compact);
    else if (compact)
      write_uvarint(0);
    else
      write_i32(-1);
  }

  /// Array count; -1 writes a null array.
  void write_array_len(int64_t n, bool compact = false) {
    if (n < -1 || n > 0x7fffffff)
      return fail();
    if (compact)
      write_uvarint(static_cast<uint32_t>(n + 1));
    else
      write_i32(static_cast<int32_t>(n));
  }
  void write_compact_array_len(int64_t n) { write_array_len(n, true); }

  /// An empty tagged-field section.
  void write_empty_tagged_fields() { write_uvarint(0); }

  /// One field of a tagged-field section: its tag, the size of its body, the body `body(writer&)` writes.
  /// A section is write_uvarint(count) followed by count of these in ascending tag order. (The one way to
  /// write a tagged field; reader::read_tagged_fields is the one way to read a section with known tags.)
  template <class F>
  void write_tagged_field(uint32_t tag, F&& body) {
    std::vector<char> bytes;
    writer bw(bytes);
    body(bw);
    if (bw.failed() || bytes.size() >= 0xffffffffu)
      return fail();
    write_uvarint(tag);
    write_uvarint(static_cast<uint32_t>(bytes.size()));
    out_.insert(out_.end(), bytes.begin(), bytes.end());
  }

  /// Raw bytes, no length (a tagged field's value encoded apart).
  void write_raw(const char* data, size_t n) { out_.insert(out_.end(), data, data + n); }

  /// Reserves an int32 (the frame size prefix) and returns its position for patch_i32().
  size_t reserve_size() {
    size_t pos = out_.size();
    write_i32(0);
    return pos;
  }
  void patch_i32(size_t pos, int32_t v) {
    auto u = __builtin_bswap32(static_cast<uint32_t>(v));
    std::memcpy(out_.data() + pos, &u, sizeof(u));
  }
  /// Patches the prefix reserved at `pos` with the number of bytes written after it.
  void finish_size(size_t pos) {
    size_t n = out_.size() - pos - sizeof(int32_t);
    if (n > 0x7fffffff)
      return fail();
    patch_i32(pos, static_cast<int32_t>(n));
  }

private:
  template <class U>
  void write_be(U v) {
    size_t at = out_.size();
    out_.resize(at + sizeof(U));
    std::memcpy(out_.data() + at, &v, sizeof(U));
  }

  void write_compact_len(size_t n) {
    if (n >= 0xffffffffu)
      return fail();
    write_uvarint(static_cast<uint32_t>(n + 1));
  }

  std::vector<char>& out_;
  bool failed_ = false;
};

// ---- helpers shared by the per-API codecs ----------------------------------------------------

/// Ends a struct: in flexible versions every struct closes with a tagged-field section (skipped on
/// the way in, written empty on the way out); in classic versions there is nothing.
inline void end_struct(reader& r, bool flexible) {
  if (flexible)
    r.skip_tagged_fields();
}
inline void end_struct(writer& w, bool flexible) {
  if (flexible)
    w.write_empty_tagged_fields();
}

/// Owned opaque bytes (group protocol metadata and assignments outlive their request frame).
using owned_bytes = std::vector<char>;

inline owned_bytes to_owned(byte_span b) {
  return owned_bytes(b.data, b.data + b.size);
}

inline byte_span as_span(const owned_bytes& b) noexcept {
  return byte_span{b.data(), b.size()};
}

/// Reads a non-nullable array, decoding each element with `elem(reader&, T&)`. A null array
/// fails. Elements are appended as they decode, so memory grows with bytes actually present.
template <class T, class F>
void read_array(reader& r, bool compact, std::vector<T>& out, F&& elem, size_t min_elem_size = 1) {
  out.clear();
  int32_t n = r.read_array_len(compact, min_elem_size);
  if (n < 0)
    return r.fail();
  out.reserve(std::min<size_t>(static_cast<size_t>(n), 256));
  for (int32_t i = 0; i < n && !r.failed(); ++i) {
    out.emplace_back();
    elem(r, out.back());
  }
}

/// Reads a nullable array: -1 (compact 0) yields std::nullopt.
template <class T, class F>
void read_nullable_array(reader& r, bool compact, std::optional<std::vector<T>>& out, F&& elem,
                         size_t min_elem_size = 1) {
  reader probe = r;
  if (probe.read_array_len(compact, min_elem_size) == -1 && !probe.failed()) {
    r = probe;
    out.reset();
    return;
  }
  out.emplace();
  read_array(r, compact, *out, std::forward<F>(elem), min_elem_size);
}

inline void read_i32_array(reader& r, bool compact, std::vector<int32_t>& out) {
  read_array(r, compact, out, [](reader& rr, int32_t& v) { v = rr.read_i32(); }, 4);
}

inline void read_string_array(reader& r, bool compact, std::vector<std::string>& out) {
  read_array(r, compact, out, [compact](reader& rr, std::string& s) { s = rr.read_string(compact); },
             compact ? 1 : 2);
}

template <class T, class F>
void write_array(writer& w, bool compact, const std::vector<T>& v, F&& elem) {
  w.write_array_len(static_cast<int64_t>(v.size()), compact);
  for (const auto& x : v)
    elem(w, x);
}

template <class T, class F>
void write_nullable_array(writer& w, bool compact, const std::optional<std::vector<T>>& v,
                          F&& elem) {
  if (!v)
    return w.write_array_len(-1, compact);
  write_array(w, compact, *v, std::forward<F>(elem));
}

inline void write_i32_array(writer& w, bool compact, const std::vector<int32_t>& v) {
  write_array(w, compact, v, [](writer& ww, int32_t x) { ww.write_i32(x); });
}

inline void write_string_array(writer& w, bool compact, const std::vector<std::string>& v) {
  write_array(w, compact, v, [compact](writer& ww, const std::string& s) {
    ww.write_string(s, compact);
  });
}

} // namespace samsa::kafka
