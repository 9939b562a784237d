#pragma once

// Per-topic log settings, named after Kafka's topic configs (segment.bytes, segment.ms,
// retention.ms, retention.bytes, flush.messages, flush.ms, index.interval.bytes,
// max.message.bytes, segment.index.bytes) with Kafka's defaults. Plain value: the owner of a
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
};

}  // namespace samsa::persistence
