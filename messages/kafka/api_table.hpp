#pragma once

// The one table of Kafka APIs samsa knows: it drives request-header parsing (which header
// version a request uses), the per-API codecs' version checks, dispatch in the client session,
// and the ApiVersions answer. Change a supported range here and nowhere else.

#include <cstddef>
#include <cstdint>

namespace samsa::kafka {

/// Kafka API keys (the request header's api_key) of the APIs in the table.
enum class api_key : int16_t {
  produce = 0,
  fetch = 1,
  list_offsets = 2,
  metadata = 3,
  offset_commit = 8,
  offset_fetch = 9,
  find_coordinator = 10,
  join_group = 11,
  heartbeat = 12,
  leave_group = 13,
  sync_group = 14,
  describe_groups = 15,
  list_groups = 16,
  api_versions = 18,
  create_topics = 19,
  delete_topics = 20,
  delete_records = 21,
  init_producer_id = 22,
  offset_for_leader_epoch = 23,
  describe_configs = 32,
  alter_configs = 33,
  describe_log_dirs = 35,
  create_partitions = 37,
  delete_groups = 42,
  incremental_alter_configs = 44,
  alter_partition_reassignments = 45,
  list_partition_reassignments = 46,
  offset_delete = 47,
  describe_cluster = 60,
  describe_producers = 61,
};

/// first_flexible of an API whose every version is classic (OffsetDelete).
inline constexpr int16_t never_flexible = 0x7fff;

/// One row of the table. `min_version`..`max_version` is the range the codec implements and
/// the broker may advertise. `first_flexible` is Kafka's own first flexible version of the API
/// (from the protocol schema, even when we do not support it; `never_flexible` for an API that has
/// none): header parsing needs it to know whether a request carries header v2, including requests
/// for versions we will refuse.
/// `implemented` says whether the broker handles the API yet; only those are advertised.
struct api_info {
  api_key key;
  const char* name;
  int16_t min_version;
  int16_t max_version;
  int16_t first_flexible;
  bool implemented;
  // The lowest version put in the ApiVersions answer when it differs from min_version (-1: min_version).
  // No row uses it today. (Produce did, advertising 0-7 while serving 3-7: librdkafka 2.0.2 turns gzip,
  // snappy and lz4 on only when the broker's Produce range includes v0. Produce v0-2 are served now,
  // message sets converted on the way in: messages/legacy_records.hpp.)
  int16_t advertised_min = -1;
};

/// All rows, sorted by key. The storage is static and immutable.
struct api_rows {
  const api_info* data;
  size_t size;
  const api_info* begin() const noexcept { return data; }
  const api_info* end() const noexcept { return data + size; }
};
api_rows api_table() noexcept;

/// The row for a raw api_key from a request header, or nullptr for an API we do not know.
const api_info* find_api(int16_t key) noexcept;
inline const api_info* find_api(api_key key) noexcept {
  return find_api(static_cast<int16_t>(key));
}

/// True when `version` of `key` is within the table's range (whether implemented or not).
bool is_supported(api_key key, int16_t version) noexcept;

/// True when `version` of `key` is flexible per the Kafka schema (compact encodings, tagged
/// fields, request header v2). Unknown keys are never flexible.
bool is_flexible(int16_t key, int16_t version) noexcept;

} // namespace samsa::kafka
