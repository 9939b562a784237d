#pragma once

// OffsetForLeaderEpoch (key 23), versions 0-4 (v4 is the first flexible version). A client (KIP-320)
// or a follower asks where a leader epoch ends in the leader's log: the end offset of the largest epoch
// at or below the one asked, so it can tell whether its own position was truncated away.
// Request: replica_id (v3+), topics[topic, partitions[partition, current_leader_epoch (v2+),
// leader_epoch]]. Response: throttle_time_ms (v2+), topics[topic, partitions[error_code, partition,
// leader_epoch (v1+), end_offset]].

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

struct offset_for_leader_epoch_partition {
  int32_t partition = 0;
  int32_t current_leader_epoch = -1; // v2+; -1: not checked
  int32_t leader_epoch = -1;         // the epoch asked about
};

struct offset_for_leader_epoch_topic {
  std::string topic;
  std::vector<offset_for_leader_epoch_partition> partitions;
};

struct offset_for_leader_epoch_request {
  int32_t replica_id = -2; // v3+; -1: a consumer, -2: debugging (Kafka's defaults)
  std::vector<offset_for_leader_epoch_topic> topics;
};

struct offset_for_leader_epoch_partition_response {
  error_code error = error_code::none;
  int32_t partition = 0;
  int32_t leader_epoch = -1; // v1+
  int64_t end_offset = -1;
};

struct offset_for_leader_epoch_topic_response {
  std::string topic;
  std::vector<offset_for_leader_epoch_partition_response> partitions;
};

struct offset_for_leader_epoch_response {
  int32_t throttle_time_ms = 0; // v2+
  std::vector<offset_for_leader_epoch_topic_response> topics;
};

bool decode(reader& r, int16_t version, offset_for_leader_epoch_request& req);
void encode(writer& w, int16_t version, const offset_for_leader_epoch_request& req);
void encode(writer& w, int16_t version, const offset_for_leader_epoch_response& resp);
bool decode(reader& r, int16_t version, offset_for_leader_epoch_response& resp);

} // namespace samsa::kafka
