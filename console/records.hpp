#pragma once
// The console's record browser: one page of a partition's records decoded from the whole batches a fetch
// returned, and how each key, value and header shows (text when it is printable UTF-8, else hex, cut at
// max_shown_bytes). Bounded at every step: the fetch asks for records_fetch_bytes (plus at most one larger
// batch, itself bounded by message.max.bytes), a page holds at most `limit` records, and what is shown of
// each field is capped. Compressed batches are not decoded by samsa (it stores them as clients sent them):
// they are listed as skipped with their offsets and codec. Pure, tested in tests/console.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/record_batch.hpp"

namespace samsa::console {

constexpr int32_t records_fetch_bytes = 1 << 20;
constexpr size_t max_shown_bytes = 2048;   // of each key, value and header value
constexpr size_t max_shown_headers = 32;   // per record

// Valid UTF-8 (no overlong forms, surrogates or code points above U+10FFFF) without control characters
// other than tab, newline and carriage return.
bool printable_utf8(std::string_view s);

struct skipped_batch {
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  int codec = 0; // Kafka's compression attribute: 1 gzip, 2 snappy, 3 lz4, 4 zstd
};

struct records_page {
  std::vector<record> records;           // offsets >= from, at most limit
  std::vector<skipped_batch> compressed; // batches in range that were not decoded
  int64_t next_offset = 0;               // where the next page starts
  bool malformed = false;                // a batch could not be decoded: the page stops before it
};

// Decodes the batches in [p, p + n) from offset `from`, at most `limit` records.
records_page decode_page(const char* p, size_t n, int64_t from, int32_t limit);

// Where the records came from, for the JSON answer.
struct records_origin {
  std::string topic;
  int32_t partition = 0;
  int64_t from = 0;
  int64_t log_start_offset = -1;
  int64_t high_watermark = -1;
};

// /api/topics/NAME/partitions/P/records: {"topic","partition","from","next_offset","log_start_offset",
// "high_watermark","records":[{"offset","timestamp","key","value","headers":[{"key","value"}],
// "headers_omitted"}],"compressed_batches":[...],"malformed"}; a key/value is null or {"size","text"|"hex",
// "truncated"}.
std::string records_json(const records_origin& origin, const records_page& page);

} // namespace samsa::console
