#pragma once

// CRC-32C (Castagnoli), the checksum of Kafka record batch v2.
//
// The produce hot path checks one CRC per batch and never decodes records, so this runs in
// hardware (SSE4.2 crc32 instruction, several GB/s); the project is compiled with -msse4.2.

#include <cstddef>
#include <cstdint>

namespace samsa {

// Standard CRC-32C (reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF):
// crc32c("123456789", 9) == 0xE3069283. Incremental: crc32c(b, nb, crc32c(a, na)) equals the CRC of
// a followed by b, so a batch split across buffers can be checked piecewise.
uint32_t crc32c(const void* data, size_t n, uint32_t crc = 0);

}  // namespace samsa
