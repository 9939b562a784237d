#pragma once
// The replicated offsets log of a cluster: Kafka's internal topic __consumer_offsets. A group belongs to
// partition abs(java_hash(group)) % partitions of it (Kafka's rule, so tools that compute it agree), and the
// leader of that partition is the group's coordinator. Every commit, offset deletion, group deletion and
// group metadata change is appended there as a record in Kafka's own format:
//   key   version 0/1: group string, topic string, partition int32     (an offset)
//         version 2:   group string                                    (a group)
//   value of an offset, version 3 (written; 0-3 read): offset int64, leader epoch int32, metadata string,
//         commit timestamp int64; a null value is a tombstone (the offset, or the whole group, is deleted).
//   value of a group (Kafka's GroupMetadataValue), version 3 (written; 0-3 read): protocol_type string,
//         generation int32, protocol nullable string, leader nullable string, current_state_timestamp int64
//         (v2+), members int32 count, each: member_id string, group_instance_id nullable string (v3+),
//         client_id string, client_host string, rebalance_timeout int32 (v1+), session_timeout int32,
//         subscription bytes, assignment bytes. Written when a generation becomes Stable and when the group
//         becomes Empty (group_effects::store_group); the coordinator that loads the partition next restores
//         the group from its latest one, so generations continue across coordinators. A v4+ value (Kafka's
//         flexible versions) is skipped. A group key with a null value deletes the metadata with the offsets.
// Strings are int16-length-prefixed (null: -1), bytes int32-length-prefixed, integers big-endian. Offsets
// (key v0/1) and group metadata (key v2) never share a key, so compaction keeps the latest of each. A commit
// made outside a live group carries the header "samsa.group.empty" (expiry bookkeeping).
// Pure code: no actors, no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <map>

#include "cluster/group_types.hpp"
#include "cluster/server_config.hpp"
#include "messages/record_batch.hpp"
#include "persistence/log_config.hpp"
#include "persistence/offset_store.hpp"

namespace samsa::cluster {

inline constexpr const char* offsets_topic = "__consumer_offsets";

// Java's String.hashCode over the UTF-16 code units of a UTF-8 string (invalid bytes count as U+FFFD).
int32_t java_string_hash(std::string_view utf8);

// The offsets log partition of a group: Kafka's Utils.abs(groupId.hashCode) % partitions.
int32_t offsets_partition_for(std::string_view group, int32_t partitions);

// The records of these changes, in order (one per offset; a group deletion is one group tombstone).
std::vector<record> encode_offset_changes(const std::vector<persistence::offset_change>& changes);

// The change one record of the log stands for; nullopt for records this node does not materialise (unknown
// key or value versions) and for malformed ones.
std::optional<persistence::offset_change> decode_offset_change(const record& r);

// A group's metadata value (GroupMetadataValue v3) and its decoding (v0-3). An empty protocol or leader is
// written as null; decoding gives null back as empty. Decoding refuses malformed values, other versions, and
// members without a protocol.
struct group_metadata_value {
  group_snapshot snapshot;
  int64_t current_state_timestamp_ms = -1; // -1: not recorded (v0/1)
};
std::string encode_group_metadata(const group_snapshot& g, int64_t current_state_timestamp_ms);
std::optional<group_metadata_value> decode_group_metadata(const std::string& value);

// The log config of a topic's partitions (at open and after a config change): the topic's effective
// config, and for __consumer_offsets always compacted, whatever its overrides say (Kafka's internal topic;
// samsa created it with retention.ms=-1 and the delete policy before it could compact).
persistence::log_config partition_log_config(const server_config& s, const std::string& topic,
                                             const std::map<std::string, std::string>& configs);

} // namespace samsa::cluster
