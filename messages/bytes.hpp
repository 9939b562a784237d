#pragma once

// Big-endian fixed-width integers and Kafka's zigzag varints.
//
// Every Kafka wire and on-disk integer is big-endian; record fields inside a v2 batch are zigzag
// varints (protobuf style). These helpers are the only place that knows the byte order, so codecs
// never hand-roll shifts. Readers take raw pointers and trust the caller to have checked that the
// fixed width is available; the varint decoders take an end pointer because their width is
// data-dependent and they are fed untrusted client bytes.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "bytes.hpp byte-swaps unconditionally: a big-endian host needs plain loads instead");

namespace samsa {

// --- fixed width, big-endian -------------------------------------------------------------------

inline uint16_t read_u16(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);  // memcpy: p may be unaligned
  return __builtin_bswap16(v);
}
inline uint32_t read_u32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap32(v);
}
inline uint64_t read_u64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap64(v);
}
inline int8_t read_i8(const char* p) { return static_cast<int8_t>(*p); }
inline int16_t read_i16(const char* p) { return static_cast<int16_t>(read_u16(p)); }
inline int32_t read_i32(const char* p) { return static_cast<int32_t>(read_u32(p)); }
inline int64_t read_i64(const char* p) { return static_cast<int64_t>(read_u64(p)); }

inline void write_u16(char* p, uint16_t v) {
  v = __builtin_bswap16(v);
  std::memcpy(p, &v, sizeof v);
}
inline void write_u32(char* p, uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, sizeof v);
}
inline void write_u64(char* p, uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(p, &v, sizeof v);
}
inline void write_i8(char* p, int8_t v) { *p = static_cast<char>(v); }
inline void write_i16(char* p, int16_t v) { write_u16(p, static_cast<uint16_t>(v)); }
inline void write_i32(char* p, int32_t v) { write_u32(p, static_cast<uint32_t>(v)); }
inline void write_i64(char* p, int64_t v) { write_u64(p, static_cast<uint64_t>(v)); }

// --- varints -----------------------------------------------------------------------------------

constexpr size_t max_varint_bytes = 5;    // 32-bit value, 7 bits per byte
constexpr size_t max_varlong_bytes = 10;  // 64-bit value

inline uint32_t zigzag32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
inline uint64_t zigzag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int32_t unzigzag32(uint32_t v) { return static_cast<int32_t>((v >> 1) ^ (0u - (v & 1u))); }
inline int64_t unzigzag64(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (uint64_t{0} - (v & 1u)));
}

// Writes v as an unsigned LEB128 varint into out (room for max_varlong_bytes needed); returns the
// number of bytes written.
inline size_t encode_uvarint(uint64_t v, char* out) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out[n++] = static_cast<char>(v);
  return n;
}
inline size_t encode_varint(int32_t v, char* out) { return encode_uvarint(zigzag32(v), out); }
inline size_t encode_varlong(int64_t v, char* out) { return encode_uvarint(zigzag64(v), out); }

inline size_t uvarint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}
inline size_t varint_size(int32_t v) { return uvarint_size(zigzag32(v)); }
inline size_t varlong_size(int64_t v) { return uvarint_size(zigzag64(v)); }

inline void append_uvarint(std::vector<char>& out, uint64_t v) {
  char tmp[max_varlong_bytes];
  out.insert(out.end(), tmp, tmp + encode_uvarint(v, tmp));
}
inline void append_varint(std::vector<char>& out, int32_t v) { append_uvarint(out, zigzag32(v)); }
inline void append_varlong(std::vector<char>& out, int64_t v) { append_uvarint(out, zigzag64(v)); }

// Decodes an unsigned varint of at most max_bytes bytes from [p, end). On success advances p and
// returns true. Fails (p untouched) when the input ends mid-varint, when the varint is longer than
// max_bytes, or when the last allowed byte carries bits beyond the value width (value_bits): such
// bytes never come from a correct encoder, and accepting them would let two encodings alias.
inline bool decode_uvarint_bits(const char*& p, const char* end, unsigned value_bits,
                                uint64_t& out) {
  const size_t max_bytes = (value_bits + 6) / 7;
  uint64_t v = 0;
  const char* q = p;
  for (size_t i = 0; i < max_bytes; ++i) {
    if (q == end)
      return false;
    const auto b = static_cast<uint8_t>(*q++);
    const unsigned shift = static_cast<unsigned>(7 * i);
    if (i + 1 == max_bytes) {
      // Last permitted byte: no continuation and no bits above value_bits.
      const unsigned room = value_bits - shift;
      if ((b & 0x80) != 0 || (room < 7 && (b >> room) != 0))
        return false;
    }
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      out = v;
      p = q;
      return true;
    }
  }
  return false;  // unreachable: the last iteration either returns or fails above
}

inline bool decode_uvarint32(const char*& p, const char* end, uint32_t& out) {
  uint64_t v;
  if (!decode_uvarint_bits(p, end, 32, v))
    return false;
  out = static_cast<uint32_t>(v);
  return true;
}
inline bool decode_uvarint64(const char*& p, const char* end, uint64_t& out) {
  return decode_uvarint_bits(p, end, 64, out);
}
// Zigzag varint (Kafka "varint", at most 5 bytes).
inline bool decode_varint(const char*& p, const char* end, int32_t& out) {
  uint32_t v;
  if (!decode_uvarint32(p, end, v))
    return false;
  out = unzigzag32(v);
  return true;
}
// Zigzag varlong (Kafka "varlong", at most 10 bytes).
inline bool decode_varlong(const char*& p, const char* end, int64_t& out) {
  uint64_t v;
  if (!decode_uvarint64(p, end, v))
    return false;
  out = unzigzag64(v);
  return true;
}

}  // namespace samsa
