// `samsa topics list|describe`: which partitions to show (kafka-topics' --under-replicated-partitions,
// --unavailable-partitions, --topics-with-overrides) and the JSON of --output json. Pure: no broker.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "messages/native_api.hpp"

namespace samsa::cli {

struct topic_filter {
  bool under_replicated = false; // partitions whose ISR is smaller than their replica set
  bool unavailable = false;      // partitions without a leader, or whose log is offline
  bool with_overrides = false;   // topics with at least one config override
  bool any() const { return under_replicated || unavailable || with_overrides; }
};

bool under_replicated(const partition_state& p);
bool unavailable(const partition_state& p);

// The topics and partitions `f` selects: a partition filter keeps only matching partitions and drops a
// topic left with none; --topics-with-overrides keeps whole topics. Several filters: all must hold.
std::vector<topic_description> filter_topics(std::vector<topic_description> ds, const topic_filter& f);

// One object per topic: name, topic_id, partitions, replication_factor, configs (the overrides) and
// partition_states (partition, leader, leader_epoch, replicas, isr, log_start_offset, log_end_offset,
// high_watermark, size_bytes, segments, offline, under_replicated).
nlohmann::json topics_json(const std::vector<topic_description>& ds);

} // namespace samsa::cli
