#pragma once

// Decompression of the codecs Kafka clients use, for the two places the broker must look inside a
// compressed payload: old message sets (magic 0/1) converted to record batches on Produce v0-2
// (messages/legacy_records.hpp), and nothing else yet (v2 batches are stored as the client sent them).
//
// Codec ids are Kafka's (attributes bits 0-2): 1 gzip (RFC 1952, zlib), 2 snappy (the xerial framing
// Java's snappy-java writes, "\x82SNAPPY\0" + version + compat + [i32 length, block]..., or a bare
// snappy block as some clients send), 3 lz4 (LZ4 frame format), 4 zstd (zstd frame).
// Output is bounded by max_out: a payload that inflates beyond it fails (a decompression bomb must
// not take the broker's memory).

#include <cstddef>
#include <optional>
#include <string>

namespace samsa {

enum class codec : int { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };

// The codec of a Kafka compression.type name ("none", "gzip", "snappy", "lz4", "zstd"); nullopt otherwise.
std::optional<codec> codec_by_name(const std::string& name);

// The decompressed bytes, or nullopt for an unknown codec, malformed input or output above max_out.
// *over_limit (when given) tells the last case apart.
std::optional<std::string> decompress(int codec_id, const char* p, size_t n, size_t max_out,
                                      bool* over_limit = nullptr);

// Compresses with the codec (for tests and tools that build compressed payloads like a client does);
// snappy is written in the xerial framing. nullopt for an unknown codec.
std::optional<std::string> compress(int codec_id, const char* p, size_t n);

} // namespace samsa
