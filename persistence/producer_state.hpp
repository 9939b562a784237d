#pragma once
// Idempotent-producer state of one partition (Kafka's ProducerStateManager, without transactions yet).
//
// For every producer id it remembers the producer epoch and the metadata of its last 5 appended batches
// (first/last sequence, first/last offset). A leader checks each client batch against it before appending:
//   - a batch equal to one of the last 5 (same epoch, first and last sequence) is a retry: answer success
//     with the original offsets and append nothing;
//   - an older epoch is fenced (invalid_producer_epoch); a newer epoch must start at sequence 0;
//   - otherwise the first sequence must be last_seq + 1 (wrapping at INT32_MAX), else out_of_order.
// State survives restarts through a snapshot file written on clean shutdown and periodically; on open, the
// batches after the snapshot's offset are replayed from the log (a crash loses nothing).
//
// A producer that has not written for producer.id.expiration.ms is forgotten (expire()), as in Kafka, so
// made-up or abandoned producer ids cannot pile up forever; its next write must start a new sequence.
//
// Owned by the partition replica actor; not thread-safe. Snapshot format (all integers big-endian):
//   magic "SPS2" | u32 crc32c of everything after this field | i64 covered_offset (the log end offset the
//   state includes) | u32 producer count | per producer: i64 producer_id, i16 epoch, i64 last_timestamp_ms,
//   u8 batch count, per batch: i32 first_seq, i32 last_seq, i64 first_offset, i64 last_offset.
// "SPS1" (no last_timestamp_ms) is still read; its producers count as last seen at the first expire().
#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "messages/record_batch.hpp"

namespace samsa::persistence {

struct producer_batch {
  int32_t first_seq = -1;
  int32_t last_seq = -1;
  int64_t first_offset = -1;
  int64_t last_offset = -1;
};

struct producer_entry {
  int16_t epoch = -1;
  int64_t last_timestamp_ms = -1; // last write (broker clock; batch max timestamp on replay); -1 unknown
  std::deque<producer_batch> batches; // oldest first, at most max_cached_batches
};

enum class sequence_check : uint8_t { ok, duplicate, out_of_order, invalid_epoch };

class producer_state {
public:
  static constexpr size_t max_cached_batches = 5;

  // Checks a client batch of an idempotent producer (producer_id >= 0). On duplicate, *original holds
  // the offsets the batch got the first time.
  sequence_check check(const batch_header& h, producer_batch* original = nullptr) const;

  // Records an appended batch (leader after a successful append, or replay during recovery). Batches
  // without a producer id are ignored. now_ms is the broker's clock at the append; -1 (replay) takes the
  // batch's max timestamp instead, as Kafka does.
  void record(const batch_header& h, int64_t base_offset, int64_t now_ms = -1);

  // Forgets producers whose last write is expiration_ms or more before now_ms; returns how many went.
  size_t expire(int64_t now_ms, int64_t expiration_ms);

  // Replays every batch in [p, p + n) (whole batches as stored, offsets assigned).
  void replay(const char* p, size_t n);

  // Drops batch metadata at or after `offset` (log truncation); producers left with no batch keep their epoch.
  void truncate_from(int64_t offset);

  size_t producer_count() const { return producers_.size(); }
  // Every producer's id, epoch, last sequence (-1 with no batch left) and last write, by id
  // (Kafka's DescribeProducers).
  struct summary {
    int64_t producer_id = -1;
    int16_t epoch = -1;
    int32_t last_sequence = -1;
    int64_t last_timestamp_ms = -1;
  };
  std::vector<summary> summaries() const;
  const producer_entry* find(int64_t producer_id) const;

  // The log end offset the state includes (set by the owner after replays and appends).
  int64_t covered_offset = 0;

  bool save(const std::filesystem::path& file) const;        // temp file + fsync + rename
  static std::optional<producer_state> load(const std::filesystem::path& file); // nullopt: missing or corrupt

private:
  std::unordered_map<int64_t, producer_entry> producers_;
};

} // namespace samsa::persistence
