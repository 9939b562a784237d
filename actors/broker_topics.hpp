#pragma once
// The broker's topic administration: create (validation, metadata first, then the partition actors),
// delete (metadata first, then each partition's directory through its tombstone) and describe (asks every
// partition actor). Kept out of broker.cpp so the broker stays a router; in the cluster these requests go
// to the controller (the topic frontend of docs/cluster-design.md).
#include <string>
#include <vector>

#include "actors/broker.hpp"
#include "cluster/topic_alter.hpp"

namespace samsa::actors {

// Validates and creates a topic; validate_only stops before any change. Used by auto-creation too.
caf::expected<persistence::topic_record> create_topic(broker_ptr self, topic_spec spec);

caf::result<topic_description> handle_create_topic(broker_ptr self, topic_spec& spec);
caf::result<bool> handle_delete_topic(broker_ptr self, std::string& name);
caf::result<std::vector<topic_description>> handle_describe_topics(broker_ptr self, std::vector<std::string>& names);

// storage_error when a directory of partitions [from, to) of `topic` already holds records (of a topic this
// node does not know); none otherwise.
caf::error check_partition_dirs_free(const broker_state& st, const std::string& topic, int32_t from, int32_t to);

// The native description of a stored topic (partition states not filled in).
topic_description describe_record(const persistence::topic_record& rec);

// actors/broker_topic_changes.cpp: a single node's config changes and partition increases (validated by
// cluster/topic_alter.hpp, stored, then applied to the live partitions), and a topic's effective configs
// (any node: the overrides its topic table holds).
caf::result<topic_description> handle_alter_topic_configs(broker_ptr self, topic_config_change& change);
caf::result<topic_description> handle_create_partitions(broker_ptr self, partition_increase& inc);
caf::result<std::vector<topic_config_info>> handle_describe_topic_configs(broker_ptr self, const std::string& topic);
// The native error of a refused topic change (cluster/topic_alter.hpp), for the broker and the controller.
api_errc to_api_errc(cluster::change_error e);
// The native form of config changes as the rules take them.
std::vector<cluster::config_alter> to_alters(const std::vector<config_alteration>& ops);
// Sends the topic's effective log settings and min.insync.replicas to its local partition actors.
void push_topic_configs(broker_state& st, const topic_entry& entry);

// Stores a versioned Boost snapshot of the metadata image (after every change).
void save_snapshot(broker_state& st);

} // namespace samsa::actors
