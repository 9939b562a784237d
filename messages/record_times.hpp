#pragma once

// Record timestamps inside one stored v2 batch: what ListOffsets by timestamp and the leader's
// max-timestamp check need, without decoding keys, values or headers into strings.
//
// A batch's max_timestamp (bytes 35-42) is what the time index and retention trust. Some clients
// leave it wrong (Sarama 1.22 never sets it: -1); Kafka's log validator recomputes it from the
// records on every append and rewrites it. normalize_max_timestamp() does the same for samsa's
// leader append, and the lookup path uses batch_max_timestamp() for batches stored before that.
//
// Compressed batches are not decompressed here (samsa stores them as the client sent them and
// has no codecs): their record timestamps are unknown, so the functions answer nullopt/false and
// callers fall back to batch granularity.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "messages/record_batch.hpp"

namespace samsa {

// One record's place and time in a batch.
struct record_time {
  int32_t offset_delta = 0;
  int64_t timestamp = -1;
};

// The (offset delta, timestamp) of every record of the uncompressed, non-control batch whose
// bytes are [p, p + n) (n >= the batch's total size), in stored order. Log-append-time batches
// give every record the batch's max_timestamp, as clients see it. nullopt for a compressed
// batch or malformed record framing. No CRC check: the caller reads stored, checked batches.
std::optional<std::vector<record_time>> record_times(const char* p, size_t n);

// The first record at or after ts, in offset order (Kafka's ListOffsets answer within a batch).
std::optional<record_time> first_record_at_or_after(const std::vector<record_time>& times,
                                                   int64_t ts);

// The first record with the largest timestamp (ListOffsets max timestamp, KIP-734).
std::optional<record_time> record_with_max_timestamp(const std::vector<record_time>& times);

// Whether the header's max_timestamp can be trusted without looking at the records: a
// log-append-time batch, or a create-time batch with max_timestamp >= base_timestamp >= 0
// (a record's timestamp may precede the base, so this is a cheap plausibility test only; the
// leader append checks the records themselves).
bool header_max_timestamp_plausible(const batch_header& h);

// The batch's real max timestamp: the header's for log-append-time and compressed batches (all
// there is), else the largest record timestamp (-1 for no records or bad framing).
int64_t batch_max_timestamp(const char* p, size_t n);

// The leader's append check (Kafka's LogValidator): for an uncompressed create-time batch whose
// header max_timestamp differs from its records' largest timestamp, rewrites bytes 35-42 and
// recomputes the CRC. Returns true when it changed the batch. The batch must be whole and
// already validated (CRC, framing).
bool normalize_max_timestamp(char* p, size_t n);

}  // namespace samsa
