// The API table: versions per docs (shared notes "API versions to advertise"); first flexible
// versions from the Kafka 3.8 message schemas ("flexibleVersions").

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

// Kept sorted by key. `implemented`: the broker handles the API (every row here does).
constexpr api_info rows[] = {
  {api_key::produce, "Produce", 0, 11, 9, true},
  {api_key::fetch, "Fetch", 0, 17, 12, true},
  {api_key::list_offsets, "ListOffsets", 0, 9, 6, true},
  {api_key::metadata, "Metadata", 0, 12, 9, true},
  {api_key::offset_commit, "OffsetCommit", 0, 9, 8, true},
  {api_key::offset_fetch, "OffsetFetch", 0, 9, 6, true},
  {api_key::find_coordinator, "FindCoordinator", 0, 6, 3, true},
  {api_key::join_group, "JoinGroup", 0, 9, 6, true},
  {api_key::heartbeat, "Heartbeat", 0, 4, 4, true},
  {api_key::leave_group, "LeaveGroup", 0, 5, 4, true},
  {api_key::sync_group, "SyncGroup", 0, 5, 4, true},
  {api_key::describe_groups, "DescribeGroups", 0, 5, 5, true},
  {api_key::list_groups, "ListGroups", 0, 5, 3, true},
  {api_key::api_versions, "ApiVersions", 0, 4, 3, true},
  {api_key::create_topics, "CreateTopics", 0, 7, 5, true},
  {api_key::delete_topics, "DeleteTopics", 0, 6, 4, true},
  {api_key::delete_records, "DeleteRecords", 0, 2, 2, true},
  {api_key::init_producer_id, "InitProducerId", 0, 5, 2, true},
  {api_key::offset_for_leader_epoch, "OffsetForLeaderEpoch", 0, 4, 4, true},
  {api_key::describe_configs, "DescribeConfigs", 0, 4, 4, true},
  {api_key::alter_configs, "AlterConfigs", 0, 2, 2, true},
  {api_key::describe_log_dirs, "DescribeLogDirs", 0, 4, 2, true},
  {api_key::create_partitions, "CreatePartitions", 0, 3, 2, true},
  {api_key::delete_groups, "DeleteGroups", 0, 2, 2, true},
  {api_key::incremental_alter_configs, "IncrementalAlterConfigs", 0, 1, 1, true},
  {api_key::alter_partition_reassignments, "AlterPartitionReassignments", 0, 0, 0, true},
  {api_key::list_partition_reassignments, "ListPartitionReassignments", 0, 0, 0, true},
  {api_key::offset_delete, "OffsetDelete", 0, 0, never_flexible, true},
  {api_key::describe_cluster, "DescribeCluster", 0, 1, 0, true},
  {api_key::describe_producers, "DescribeProducers", 0, 0, 0, true},
};

} // namespace

api_rows api_table() noexcept {
  return {rows, sizeof(rows) / sizeof(rows[0])};
}

const api_info* find_api(int16_t key) noexcept {
  for (const auto& row : rows)
    if (static_cast<int16_t>(row.key) == key)
      return &row;
  return nullptr;
}

bool is_supported(api_key key, int16_t version) noexcept {
  const api_info* row = find_api(key);
  return row != nullptr && version >= row->min_version && version <= row->max_version;
}

bool is_flexible(int16_t key, int16_t version) noexcept {
  const api_info* row = find_api(key);
  return row != nullptr && version >= row->first_flexible;
}

} // namespace samsa::kafka
