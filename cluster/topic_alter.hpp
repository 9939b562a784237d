#pragma once
// Changing an existing topic (Kafka's AlterConfigs, IncrementalAlterConfigs and CreatePartitions rules),
// pure: the single node's broker and the active controller both call these, so both refuse alike.
//
// Configs. A change is a list of (key, operation, value) for one topic:
// - incremental (IncrementalAlterConfigs): SET replaces the key's override, DELETE removes it (a key
//   without an override is fine: nothing to do), APPEND adds the value's list items missing from the
//   key's current list, SUBTRACT removes them; APPEND and SUBTRACT only for list-typed keys
//   (cleanup.policy), else INVALID_CONFIG. The current list is the override, else the key's default
//   (Kafka takes LogConfig's default, not the broker's value: for cleanup.policy both are "delete").
// - full (AlterConfigs): the SETs given become the topic's whole set of overrides; every key not named
//   loses its override (Kafka's legacy semantics). A null value is INVALID_REQUEST.
// A key named twice is INVALID_REQUEST, an unknown operation INVALID_REQUEST, and the resulting overrides
// must pass validate_topic_configs (INVALID_CONFIG otherwise), the very check CreateTopics makes.
//
// Partitions. A topic grows to `count` partitions, never shrinks: count equal to the current one or below
// it is INVALID_PARTITIONS (Kafka: "Topic currently has N partitions, which is higher than the requested
// M" / "... equal ..."), and the count stays within max_partitions_per_topic. Manual assignments: one per
// new partition, each with the topic's replication factor of distinct brokers from `known` (else
// INVALID_REPLICA_ASSIGNMENT).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "messages/metadata_records.hpp"

namespace samsa::cluster {

// Why a change is refused, in the terms of the Kafka answer (the actors map it to api_errc).
enum class change_error : uint8_t {
  none,
  unknown_topic,              // UNKNOWN_TOPIC_OR_PARTITION
  invalid_request,            // INVALID_REQUEST
  invalid_config,             // INVALID_CONFIG
  invalid_partitions,         // INVALID_PARTITIONS
  invalid_replica_assignment, // INVALID_REPLICA_ASSIGNMENT
  invalid_replication_factor, // INVALID_REPLICATION_FACTOR
};

// Kafka's AlterConfigOp.OpType numbers.
enum class alter_op : int8_t { set = 0, remove = 1, append = 2, subtract = 3 };

struct config_alter {
  std::string key;
  int8_t op = 0; // alter_op, as sent (checked here)
  std::optional<std::string> value;
};

struct config_alter_result {
  change_error error = change_error::none;
  std::string reason;                          // set with error
  std::map<std::string, std::string> configs;  // the topic's overrides after the change (error: unchanged)
};

// The overrides after applying `ops` to `current` (see above); `incremental` false: AlterConfigs.
config_alter_result alter_topic_configs(const std::map<std::string, std::string>& current,
                                        const std::vector<config_alter>& ops, bool incremental);

// Whether a topic key holds a comma-separated list (APPEND and SUBTRACT apply).
bool list_typed_topic_key(const std::string& key);

// The config records that turn `before` into `after` for `topic`: a value per new or changed key, no
// value (removal) per key gone. Empty when equal.
std::vector<config_record> config_changes(const std::string& topic, const std::map<std::string, std::string>& before,
                                          const std::map<std::string, std::string>& after);

// "" when a topic of `current` partitions may grow to `requested`, else why (INVALID_PARTITIONS).
std::string check_partition_increase(int32_t current, int32_t requested);

// "" when `assignments` fit `new_partitions` new partitions of `replication_factor` replicas on brokers of
// `known`, else why (INVALID_REPLICA_ASSIGNMENT). No assignments at all is fine (the placer decides).
std::string check_new_assignments(const std::vector<std::vector<int32_t>>& assignments, int32_t new_partitions,
                                  size_t replication_factor, const std::set<int32_t>& known);

} // namespace samsa::cluster
