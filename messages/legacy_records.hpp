#pragma once

// Kafka's old message formats (magic 0 and 1, "message sets"), which Produce v0-2 carry: what Sarama
// sends with its default Version (0.8.2: Produce v0, magic 0) or any version before 0.11 (Produce v2,
// magic 1). The broker converts them to one v2 record batch on the way in, as Kafka 3.x does
// (LogValidator's convert path), so the log holds v2 batches only.
//
// A message set is a sequence of entries, integers big-endian:
//
//   offset i64          ignored on produce (the broker assigns offsets)
//   message_size i32    bytes after this field
//   crc u32             CRC-32 (IEEE, zlib's) of the bytes from magic to the end of the message
//   magic i8            0 or 1
//   attributes i8       bits 0-2 compression (0 none, 1 gzip, 2 snappy, 3 lz4); bit 3 (magic 1)
//                       timestamp type, 1 = log append time
//   timestamp i64       magic 1 only
//   key i32 length (-1 = null) + bytes
//   value i32 length (-1 = null) + bytes
//
// A compressed message is a wrapper whose value is the compressed bytes of an inner message set
// (magic 1 inner offsets are relative, 0..n-1; no deeper nesting).
//
// Conversion: each (inner) message becomes one v2 record with its key and value and no headers.
// Timestamps: magic 1 keeps the message's CreateTime (a wrapper with the log-append-time bit gives its
// inner messages the broker's time); magic 0 has none, and its records get the broker's receive time
// (Kafka would store -1; samsa's time index and retention need a time, and this is what LogAppendTime
// would give). The batch is uncompressed, base offset 0, no producer id. Compressed input is inflated
// at most to max_bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/record_batch.hpp"

namespace samsa {

// The magic byte of the first entry of a record payload: 0 or 1 for a message set, 2 for a v2 batch;
// nullopt when fewer than 17 bytes.
std::optional<int8_t> payload_magic(const char* p, size_t n);

enum class legacy_error : uint8_t {
  ok,
  corrupt_message,   // framing, a CRC mismatch, an undecodable compressed payload -> CORRUPT_MESSAGE
  invalid_record,    // an empty set, magic other than 0/1, nested compression -> INVALID_RECORD
  unsupported_codec, // a codec id the old formats do not have (zstd needs magic 2)
  too_large,         // inflates beyond max_bytes -> MESSAGE_TOO_LARGE
};
const char* to_string(legacy_error);

struct legacy_conversion {
  legacy_error error = legacy_error::ok;
  std::vector<char> batch; // the v2 batch when ok
  int32_t records = 0;
  int8_t magic = 0;        // the magic of the (first) message
};

// Converts the whole message set [p, p + n) to one v2 batch; now_ms stamps records without a time.
legacy_conversion convert_message_set(const char* p, size_t n, int64_t now_ms, size_t max_bytes);

// Decodes a message set into records (for tests and tools): keys, values, timestamps (-1 for magic 0),
// offsets as stored (inner offsets of a compressed magic 1 wrapper made absolute). Fails like
// convert_message_set; a partial trailing message is corrupt.
legacy_error decode_message_set(const char* p, size_t n, size_t max_bytes, std::vector<record>& out);

// Encodes records as a message set of the given magic, as an old client would: offsets 0..n-1,
// uncompressed, or one wrapper compressed with codec_id (1-3) holding them all.
std::vector<char> encode_message_set(const std::vector<record>& records, int8_t magic, int codec_id = 0);

} // namespace samsa
