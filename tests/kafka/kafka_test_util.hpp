#pragma once

// Helpers shared by the Kafka codec tests: literal byte arrays written by hand from the
// protocol schemas (independent of our writer, so a symmetric encoder/decoder bug cannot hide),
// encode/decode shorthands, and the hostile-input checks every API gets (every truncation of
// a valid message must fail cleanly; random corruption must never crash).

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <random>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include "messages/kafka/wire.hpp"

namespace samsa::kafka::test {

using buffer = std::vector<char>;

/// Bytes from a literal list of values 0..255.
inline buffer bytes(std::initializer_list<int> xs) {
  buffer out;
  for (int x : xs)
    out.push_back(static_cast<char>(static_cast<uint8_t>(x)));
  return out;
}

/// The raw characters of `s` (no length prefix).
inline buffer ascii(std::string_view s) {
  return buffer(s.begin(), s.end());
}

inline buffer operator+(buffer a, const buffer& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// Encodes `msg` at `version`; the writer must not fail.
template <class T>
buffer encode_to_bytes(int16_t version, const T& msg) {
  buffer out;
  writer w(out);
  encode(w, version, msg);
  REQUIRE_FALSE(w.failed());
  return out;
}

/// Decodes a whole buffer; decoding must succeed and consume every byte.
template <class T>
T decode_all(const buffer& bytes, int16_t version) {
  reader r(bytes.data(), bytes.size());
  T msg{};
  REQUIRE(decode(r, version, msg));
  CHECK_FALSE(r.failed());
  CHECK(r.remaining() == 0);
  return msg;
}

/// Decodes, re-encodes and compares bytes: the canonical form must be a fixed point.
template <class T>
T check_reencodes(const buffer& bytes, int16_t version) {
  T msg = decode_all<T>(bytes, version);
  CHECK(encode_to_bytes(version, msg) == bytes);
  return msg;
}

/// Decodes from an exactly sized heap copy, so AddressSanitizer flags any read past the end.
template <class T>
bool decode_exact(const char* data, size_t n, int16_t version, bool& failed_flag) {
  std::unique_ptr<char[]> copy(new char[n == 0 ? 1 : n]);
  if (n > 0)
    std::memcpy(copy.get(), data, n);
  reader r(copy.get(), n);
  T msg{};
  bool ok = decode(r, version, msg);
  failed_flag = r.failed();
  CHECK(ok == !r.failed());
  return ok;
}

/// Every strict prefix of a valid message must fail with the sticky flag set.
template <class T>
void check_every_prefix_fails(const buffer& valid, int16_t version) {
  for (size_t n = 0; n < valid.size(); ++n) {
    bool failed = false;
    bool ok = decode_exact<T>(valid.data(), n, version, failed);
    INFO("prefix length " << n << " of " << valid.size());
    CHECK_FALSE(ok);
    CHECK(failed);
  }
}

/// Random byte corruption of a valid message: decoding may succeed or fail, never crash,
/// never allocate absurdly (AddressSanitizer/UBSan builds catch the rest).
template <class T>
void check_corruption_is_safe(const buffer& valid, int16_t version, int rounds = 500) {
  std::mt19937 rng(12345u + static_cast<unsigned>(valid.size()));
  for (int i = 0; i < rounds && !valid.empty(); ++i) {
    buffer b = valid;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      size_t pos = rng() % b.size();
      switch (rng() % 3) {
        case 0:
          b[pos] = static_cast<char>(rng());
          break;
        case 1:
          b[pos] = static_cast<char>(0xff);
          break;
        default:
          b[pos] = static_cast<char>(0x7f);
          break;
      }
    }
    bool failed = false;
    decode_exact<T>(b.data(), b.size(), version, failed);
  }
}

/// Both hostile checks at once.
template <class T>
void check_hostile(const buffer& valid, int16_t version) {
  check_every_prefix_fails<T>(valid, version);
  check_corruption_is_safe<T>(valid, version);
}

} // namespace samsa::kafka::test
