#include "messages/crc32c.hpp"

#include <cstring>
#include <nmmintrin.h>

namespace samsa {

uint32_t crc32c(const void* data, size_t n, uint32_t crc) {
  auto p = static_cast<const unsigned char*>(data);
  // The instruction works on the inverted register; inverting on entry and exit is what makes
  // the function resumable from a previous result.
  uint64_t c = static_cast<uint32_t>(~crc);
  // Four independent-looking steps per iteration let the compiler keep the pipeline busy; the
  // dependency chain stays serial, which is fine for our batch sizes.
  while (n >= 32) {
    uint64_t w[4];
    std::memcpy(w, p, 32);
    c = _mm_crc32_u64(c, w[0]);
    c = _mm_crc32_u64(c, w[1]);
    c = _mm_crc32_u64(c, w[2]);
    c = _mm_crc32_u64(c, w[3]);
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    c = _mm_crc32_u64(c, w);
    p += 8;
    n -= 8;
  }
  auto c32 = static_cast<uint32_t>(c);
  while (n-- > 0)
    c32 = _mm_crc32_u8(c32, *p++);
  return ~c32;
}

}  // namespace samsa
