#pragma once

// Produce (key 0), versions 0-11 (v9+ flexible). v0-2 carry old message sets (magic 0/1,
// messages/legacy_records.hpp) and have no transactional_id; v3+ carry v2 record batches.
// Request: transactional_id, acks, timeout_ms, topics[name, partitions[index, records]].
// Response: topics[name, partitions[index, error, base_offset, log_append_time_ms (v2+),
// log_start_offset (v5+), record_errors[batch_index, message] and error_message (v8+, KIP-467),
// current_leader (v10+, tag 0)]], throttle_time_ms (v1+), node_endpoints (v10+, tag 0; KIP-951).
// Versions 3-11 otherwise differ only in which errors and compression codecs a client accepts.
//
// Records stay a view into the request frame: the broker checks a v2 batch's header and CRC and
// appends the bytes as they are, never decoding individual records here (a v0-2 message set is
// converted to one v2 batch by the handler first).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// Data for one partition: the raw record batch(es), null when the client sent none.
struct produce_partition_data {
  int32_t index = 0;
  std::optional<byte_span> records;
};

/// Data for one topic.
struct produce_topic_data {
  std::string name;
  std::vector<produce_partition_data> partitions;
};

/// Produce request. acks: 0 = no response at all, 1 = leader, -1 = all in-sync replicas.
struct produce_request {
  std::optional<std::string> transactional_id; // v3+
  int16_t acks = -1;
  int32_t timeout_ms = 0;
  std::vector<produce_topic_data> topics;
};

/// A record that made the broker drop its batch (KIP-467): its index within the batch and why.
struct produce_record_error {
  int32_t batch_index = 0;
  std::optional<std::string> message;
};

/// KIP-951: the partition's leader as the broker knows it, sent with NOT_LEADER_OR_FOLLOWER.
struct produce_leader {
  int32_t leader_id = -1;
  int32_t leader_epoch = -1;
};

/// KIP-951: how to reach a leader named in a partition's current_leader.
struct produce_node_endpoint {
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack;
};

/// Result for one partition.
struct produce_partition_response {
  int32_t index = 0;
  error_code error = error_code::none;
  int64_t base_offset = -1;
  int64_t log_append_time_ms = -1; // v2+; -1 unless the topic uses LogAppendTime
  int64_t log_start_offset = -1;   // v5+
  std::vector<produce_record_error> record_errors; // v8+
  std::optional<std::string> error_message;        // v8+
  std::optional<produce_leader> current_leader;    // v10+, tagged (absent: not sent)
};

/// Results for one topic.
struct produce_topic_response {
  std::string name;
  std::vector<produce_partition_response> partitions;
};

/// Produce response body (never sent for acks = 0).
struct produce_response {
  std::vector<produce_topic_response> topics;
  int32_t throttle_time_ms = 0; // v1+
  std::vector<produce_node_endpoint> node_endpoints; // v10+, tagged (empty: not sent)
};

bool decode(reader& r, int16_t version, produce_request& req);
void encode(writer& w, int16_t version, const produce_request& req);
void encode(writer& w, int16_t version, const produce_response& resp);
bool decode(reader& r, int16_t version, produce_response& resp);

} // namespace samsa::kafka
