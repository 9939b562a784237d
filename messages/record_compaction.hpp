#pragma once
// Record-level access to one stored, uncompressed v2 batch, the one record walker (log compaction in
// persistence/log_cleaner.hpp, record timestamps in record_times.hpp): where each record's bytes are,
// its offset, key and whether it is a tombstone, and a copy of the batch that keeps only some records.
//
// A filtered batch keeps what the original's header says about the whole batch (base offset,
// last_offset_delta, base and max timestamp, producer id, epoch and base sequence, attributes,
// partition leader epoch); only batch_length, records_count and the CRC change. Kept records are
// copied byte for byte: their offset and timestamp deltas stay relative to the unchanged base, so
// a compacted batch has records_count <= last_offset_delta + 1 with gaps between offsets, as
// Kafka's cleaner writes them and as Kafka clients read them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "messages/record_batch.hpp"

namespace samsa {

struct raw_record {
  int64_t offset = -1;          // base offset + offset delta
  int64_t timestamp = -1;       // as clients see it (log-append-time: the batch's max timestamp)
  std::optional<std::string_view> key;  // a view into the batch bytes; nullopt: null key
  bool tombstone = false;       // null value
  size_t position = 0;          // first byte of the record (its length varint) within the batch
  size_t size = 0;              // bytes of the record, length varint included
};

// The records of the uncompressed, non-control batch [p, p + n) (n >= its total size) in stored
// order. nullopt for a compressed or control batch, or malformed record framing (no CRC check: the
// caller reads stored batches, whose CRCs the log checks on its own paths).
std::optional<std::vector<raw_record>> raw_records(const char* p, size_t n);

// The indexes within the batch of the records with a null key in the client batch [p, p + n), looking
// inside a compressed batch (inflated up to max_out bytes): what a compacted topic must refuse. nullopt
// when the records cannot be read (malformed framing, a control batch, a payload that does not inflate
// or inflates beyond max_out).
std::optional<std::vector<int32_t>> keyless_records(const char* p, size_t n, size_t max_out);

// The batch [p, p + n) with only the records whose keep flag is set (records as raw_records gave
// them, keep.size() == records.size()); the header as described above, CRC recomputed. With no
// record kept the result is a header-only batch (records_count 0), which callers drop.
std::vector<char> filter_batch(const char* p, const std::vector<raw_record>& records,
                               const std::vector<bool>& keep);

}  // namespace samsa
