#pragma once

// Fetch (key 1), versions 0-17. Field history per Kafka's schema: request v3 max_bytes, v4
// isolation_level, v5 log_start_offset per partition, v7 session_id/session_epoch and
// forgotten_topics_data (incremental fetch sessions), v9 current_leader_epoch per partition, v11
// rack_id, v12 flexible (compact encodings, tag sections; cluster_id as tag 0 of the request,
// last_fetched_epoch per partition), v13 topic ids instead of names (topics and forgotten topics),
// v15 replica_id replaced by the tagged replica_state (tag 1: replica id and epoch), v17 the partition's
// tagged replica_directory_id (tag 0, KIP-853; the response is v16's). Response v5
// log_start_offset, v7 top-level error_code and session_id, v11 preferred_read_replica, v12 the
// partition's tagged diverging_epoch (0), current_leader (1) and snapshot_id (2), v13 topic ids,
// v16 the tagged node_endpoints (tag 0 of the body) of the leaders named in current_leader.
// Records are a view: into the response buffer when decoding, and copied from the caller's view
// when encoding.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/uuid.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// One partition to fetch from.
struct fetch_partition {
  int32_t partition = 0;
  int32_t current_leader_epoch = -1; // v9+; -1 = unknown, skip fencing
  int64_t fetch_offset = 0;
  int32_t last_fetched_epoch = -1; // v12+; -1 = unknown
  int64_t log_start_offset = -1; // v5+; only meaningful from followers
  int32_t partition_max_bytes = 0;
  uuid replica_directory_id{}; // v17+, tag 0; the zero uuid (absent) from consumers
};

/// One topic to fetch from.
struct fetch_topic {
  std::string topic;     // v0-12
  uuid topic_id{};       // v13+
  std::vector<fetch_partition> partitions;
};

/// Partitions an incremental fetch session should stop tracking (v7+).
struct fetch_forgotten_topic {
  std::string topic;     // v7-12
  uuid topic_id{};       // v13+
  std::vector<int32_t> partitions;
};

/// Fetch request. Consumers send replica_id -1; followers send their node id.
struct fetch_request {
  std::optional<std::string> cluster_id; // v12+, tag 0; nullopt: absent (or null)
  int32_t replica_id = -1;               // v0-14 a field, v15+ in the tagged replica_state (tag 1)
  int64_t replica_epoch = -1;            // v15+, replica_state (tag 1)
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 0;
  int32_t max_bytes = 0x7fffffff; // v3+
  int8_t isolation_level = 0;     // v4+; 0 read_uncommitted, 1 read_committed
  int32_t session_id = 0;         // v7+
  int32_t session_epoch = -1;     // v7+
  std::vector<fetch_topic> topics;
  std::vector<fetch_forgotten_topic> forgotten_topics_data; // v7+
  std::string rack_id;                                      // v11+
};

/// An aborted transaction overlapping the returned records (read_committed consumers).
struct fetch_aborted_transaction {
  int64_t producer_id = 0;
  int64_t first_offset = 0;
};

/// Data and offsets for one partition.
struct fetch_partition_data {
  int32_t partition_index = 0;
  error_code error = error_code::none;
  int64_t high_watermark = -1;
  int64_t last_stable_offset = -1; // v4+
  int64_t log_start_offset = -1;   // v5+
  std::optional<std::vector<fetch_aborted_transaction>> aborted_transactions; // v4+, nullable
  int32_t preferred_read_replica = -1;                                        // v11+
  // v12+ tagged fields, absent when nullopt:
  std::optional<std::pair<int32_t, int64_t>> diverging_epoch; // tag 0: (epoch, end_offset)
  std::optional<std::pair<int32_t, int32_t>> current_leader;  // tag 1: (leader_id, leader_epoch)
  std::optional<std::pair<int64_t, int32_t>> snapshot_id;     // tag 2: (end_offset, epoch)
  std::optional<byte_span> records; // whole batches; null or empty when nothing to return
};

/// Data for one topic.
struct fetch_topic_response {
  std::string topic;  // v0-12
  uuid topic_id{};    // v13+
  std::vector<fetch_partition_data> partitions;
};

/// A leader named in a partition's current_leader (v16+).
struct fetch_node_endpoint {
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack;
};

/// Fetch response body.
struct fetch_response {
  int32_t throttle_time_ms = 0;       // v1+
  error_code error = error_code::none; // v7+
  int32_t session_id = 0;             // v7+; 0 = no session
  std::vector<fetch_topic_response> responses;
  std::vector<fetch_node_endpoint> node_endpoints; // v16+, tag 0; written only when not empty
};

bool decode(reader& r, int16_t version, fetch_request& req);
void encode(writer& w, int16_t version, const fetch_request& req);
void encode(writer& w, int16_t version, const fetch_response& resp);
bool decode(reader& r, int16_t version, fetch_response& resp);

} // namespace samsa::kafka
