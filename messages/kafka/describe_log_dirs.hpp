#pragma once

// DescribeLogDirs (key 35), versions 0-4 (v1 = v0; v2 is the first flexible version). Request:
// topics[topic, partitions] or null for every partition the broker holds. Response:
// throttle_time_ms, error (v3+), results[error, log_dir, topics[name, partitions[partition_index,
// partition_size, offset_lag, is_future_key]], total_bytes and usable_bytes (v4+, of the volume)].

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// The partitions of one topic to describe.
struct describe_log_dirs_topic {
  std::string topic;
  std::vector<int32_t> partitions;
};

/// DescribeLogDirs request.
struct describe_log_dirs_request {
  std::optional<std::vector<describe_log_dirs_topic>> topics; // null: everything
};

/// One partition's log in a directory.
struct describe_log_dirs_partition {
  int32_t partition_index = 0;
  int64_t partition_size = 0; // bytes of its segments
  int64_t offset_lag = 0;     // max(high watermark - log end, 0)
  bool is_future_key = false; // samsa never moves logs between directories
};

/// A topic's partitions in a directory.
struct describe_log_dirs_topic_result {
  std::string name;
  std::vector<describe_log_dirs_partition> partitions;
};

/// One log directory.
struct describe_log_dirs_result {
  error_code error = error_code::none;
  std::string log_dir;
  std::vector<describe_log_dirs_topic_result> topics;
  int64_t total_bytes = -1;  // v4+: size of the volume holding it
  int64_t usable_bytes = -1; // v4+: bytes free for the broker on that volume
};

/// DescribeLogDirs response body.
struct describe_log_dirs_response {
  int32_t throttle_time_ms = 0;
  error_code error = error_code::none; // v3+
  std::vector<describe_log_dirs_result> results;
};

bool decode(reader& r, int16_t version, describe_log_dirs_request& req);
void encode(writer& w, int16_t version, const describe_log_dirs_request& req);
void encode(writer& w, int16_t version, const describe_log_dirs_response& resp);
bool decode(reader& r, int16_t version, describe_log_dirs_response& resp);

} // namespace samsa::kafka
