#pragma once

// Per-topic log settings, named after Kafka's topic configs (segment.bytes, segment.ms,
// retention.ms, retention.bytes, flush.messages, flush.ms, index.interval.bytes,
// max.message.bytes, segment.index.bytes, cleanup.policy, delete.retention.ms,
// min.cleanable.dirty.ratio) with Kafka's defaults. Plain value: the owner of a
// partition_log passes a new copy through partition_log::set_config when a topic config changes.

#include <cstdint>

namespace samsa::persistence {

struct log_config {
  int64_t segment_bytes = 1073741824;  // roll the active segment before it would exceed this
  int64_t segment_ms = 604800000;      // roll when the active segment's first append is this old
  int64_t retention_ms = 604800000;    // -1: keep forever
  int64_t retention_bytes = -1;        // -1: no size limit
  int64_t flush_messages = -1;  // -1: never by count (page cache; fsync on roll and clean shutdown)
  int64_t flush_ms = -1;        // -1: never by time
  int32_t index_interval_bytes = 4096;    // log bytes between two sparse index entries
  int32_t max_message_bytes = 1048588;    // largest batch accepted
  int32_t segment_index_bytes = 10485760;  // max bytes of an index file before the segment rolls
  // cleanup.policy: "delete" (retention by time and size), "compact" (persistence/log_cleaner.hpp),
  // or both ("compact,delete").
  bool delete_policy = true;
  bool compact_policy = false;
  int64_t delete_retention_ms = 86400000;  // tombstones of a compacted log stay this long
  double min_cleanable_dirty_ratio = 0.5;  // a compaction pass runs above this dirty share
};

}  // namespace samsa::persistence
