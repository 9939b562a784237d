#include "messages/murmur2.hpp"

namespace samsa {

int32_t murmur2(const void* data, size_t n) {
  // Unsigned arithmetic gives the same bits as Java's wrapping int arithmetic; >>> is a logical
  // shift on the unsigned value.
  constexpr uint32_t seed = 0x9747b28c;
  constexpr uint32_t m = 0x5bd1e995;
  constexpr int r = 24;
  auto p = static_cast<const unsigned char*>(data);
  const auto length = static_cast<uint32_t>(n);  // Java takes an int length
  uint32_t h = seed ^ length;
  const size_t blocks = n / 4;
  for (size_t i = 0; i < blocks; ++i) {
    const unsigned char* b = p + 4 * i;
    uint32_t k = uint32_t(b[0]) | (uint32_t(b[1]) << 8) | (uint32_t(b[2]) << 16) |
                 (uint32_t(b[3]) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const unsigned char* tail = p + 4 * blocks;
  switch (n % 4) {
    case 3:
      h ^= uint32_t(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= uint32_t(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= uint32_t(tail[0]);
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

int32_t partition_for_key(const void* key, size_t n, int32_t num_partitions) {
  if (num_partitions <= 0)
    return 0;
  return to_positive(murmur2(key, n)) % num_partitions;
}

}  // namespace samsa
