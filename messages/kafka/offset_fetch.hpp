#pragma once

// OffsetFetch (key 9), versions 0-9 (v6+ flexible; v0 is v1's layout: Kafka 3.x answers both from the group
// coordinator). Request v0-7: group_id, topics[name, partition_indexes] (null = all topics, v2+); v8+ several
// groups at once: groups[group_id, member_id and member_epoch (v9+, the new consumer protocol's; a classic
// group ignores them), topics (nullable)]; require_stable (v7+). Response: throttle_time_ms (v3+); v0-7
// topics[name, partitions[partition_index, committed_offset, committed_leader_epoch (v5+), metadata, error]],
// error (v2+, group-level); v8+ groups[group_id, topics (as v7, with the leader epoch), error] (per group).
// An offset of -1 means "nothing committed".

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// Partitions of one topic whose committed offsets are wanted.
struct offset_fetch_topic {
  std::string name;
  std::vector<int32_t> partition_indexes;
};

/// One group's question: `topics` null asks for every topic the group committed.
struct offset_fetch_group {
  std::string group_id;
  std::optional<std::string> member_id; // v9+
  int32_t member_epoch = -1;            // v9+
  std::optional<std::vector<offset_fetch_topic>> topics;
};

/// OffsetFetch request. v0-7 ask for one group (`group_id`, `topics`), v8+ for `groups`; all_groups() gives
/// either as a list. `topics` null (v2+) asks for every topic the group committed.
struct offset_fetch_request {
  std::string group_id;                                   // v0-7
  std::optional<std::vector<offset_fetch_topic>> topics;  // v0-7
  std::vector<offset_fetch_group> groups;                 // v8+
  bool require_stable = false;                            // v7+

  std::vector<offset_fetch_group> all_groups(int16_t version) const {
    if (version >= 8)
      return groups;
    offset_fetch_group g;
    g.group_id = group_id;
    g.topics = topics;
    return {g};
  }
};

/// One partition's committed offset.
struct offset_fetch_partition {
  int32_t partition_index = 0;
  int64_t committed_offset = -1;
  int32_t committed_leader_epoch = -1; // v5+
  std::optional<std::string> metadata;
  error_code error = error_code::none;
};

/// Offsets of one topic.
struct offset_fetch_topic_response {
  std::string name;
  std::vector<offset_fetch_partition> partitions;
};

/// Offsets of one group (v8+), with its own error.
struct offset_fetch_group_response {
  std::string group_id;
  std::vector<offset_fetch_topic_response> topics;
  error_code error = error_code::none;
};

/// OffsetFetch response body.
struct offset_fetch_response {
  int32_t throttle_time_ms = 0; // v3+
  std::vector<offset_fetch_topic_response> topics; // v0-7
  error_code error = error_code::none;             // v2-7
  std::vector<offset_fetch_group_response> groups; // v8+
};

bool decode(reader& r, int16_t version, offset_fetch_request& req);
void encode(writer& w, int16_t version, const offset_fetch_request& req);
void encode(writer& w, int16_t version, const offset_fetch_response& resp);
bool decode(reader& r, int16_t version, offset_fetch_response& resp);

} // namespace samsa::kafka
