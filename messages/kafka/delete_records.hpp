#pragma once

// DeleteRecords (key 21), versions 0-2 (v1 = v0; v2 is the first flexible version). Request:
// topics[name, partitions[partition_index, offset]], timeout_ms. Offset -1 means the high watermark.
// Response: throttle_time_ms, topics[name, partitions[partition_index, low_watermark, error]]: the
// partition's log start offset after the deletion; OFFSET_OUT_OF_RANGE beyond the high watermark.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

struct delete_records_partition {
  int32_t partition_index = 0;
  int64_t offset = -1;
};

struct delete_records_topic {
  std::string name;
  std::vector<delete_records_partition> partitions;
};

struct delete_records_request {
  std::vector<delete_records_topic> topics;
  int32_t timeout_ms = 0;
};

struct delete_records_partition_result {
  int32_t partition_index = 0;
  int64_t low_watermark = -1;
  error_code error = error_code::none;
};

struct delete_records_topic_result {
  std::string name;
  std::vector<delete_records_partition_result> partitions;
};

struct delete_records_response {
  int32_t throttle_time_ms = 0;
  std::vector<delete_records_topic_result> topics;
};

bool decode(reader& r, int16_t version, delete_records_request& req);
void encode(writer& w, int16_t version, const delete_records_request& req);
void encode(writer& w, int16_t version, const delete_records_response& resp);
bool decode(reader& r, int16_t version, delete_records_response& resp);

} // namespace samsa::kafka
