#pragma once
// The replicated offsets log of a cluster: Kafka's internal topic __consumer_offsets. A group belongs to
// partition abs(java_hash(group)) % partitions of it (Kafka's rule, so tools that compute it agree), and the
// leader of that partition is the group's coordinator. Every commit, offset deletion and group deletion is
// appended there as a record in Kafka's own format:
//   key   version 0/1: group string, topic string, partition int32     (an offset)
//         version 2:   group string                                    (a group)
//   value of an offset, version 3 (written; 0-3 read): offset int64, leader epoch int32, metadata string,
//         commit timestamp int64; a null value is a tombstone (the offset, or the whole group, is deleted).
// Strings are int16-length-prefixed, integers big-endian. A commit made outside a live group carries the
// header "samsa.group.empty" (the expiry bookkeeping Kafka keeps in its group metadata records).
// Pure code: no actors, no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <map>

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

// The change one record of the log stands for; nullopt for records this node does not materialise (group
// metadata values, unknown key versions) and for malformed ones.
std::optional<persistence::offset_change> decode_offset_change(const record& r);

// The log config of a topic's partitions (at open and after a config change): the topic's effective
// config, and for __consumer_offsets always compacted, whatever its overrides say (Kafka's internal topic;
// samsa created it with retention.ms=-1 and the delete policy before it could compact).
persistence::log_config partition_log_config(const server_config& s, const std::string& topic,
                                             const std::map<std::string, std::string>& configs);

} // namespace samsa::cluster
