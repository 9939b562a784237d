#pragma once
// The node's local partitions and its data directory at start: takes the directory lock, refuses a data
// directory whose metadata is lost, opens the metadata store and every topic's partition actors (an
// offline stand-in for a partition whose log cannot be opened), and reports what it does not own. Plain
// functions used by the broker today; in the cluster (docs/cluster-design.md) this becomes the
// partition_manager actor that reconciles local replicas with the metadata image.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "cluster/broker_lease.hpp"
#include "cluster/server_config.hpp"
#include "messages/native_api.hpp"
#include "persistence/data_dir.hpp"
#include "persistence/metadata_store.hpp"

namespace samsa::actors {

// One topic's partition actors, as the broker routes to them. On a cluster node only the partitions it
// holds a replica of have an actor; the others are null.
struct topic_entry {
  persistence::topic_record record;
  std::vector<partition_actor> partitions;
  std::vector<int32_t> inflight; // appends in flight per partition (credit)
  // Cluster: the (leader epoch, partition epoch) each local replica was last told (broker_replication).
  std::vector<std::pair<int32_t, int32_t>> published;
};

// The first directory of log.dirs (samsa uses one today) and a partition's directory in it.
std::filesystem::path data_dir(const cluster::server_config& cfg);
std::filesystem::path partition_dir(const cluster::server_config& cfg, const std::string& topic, int32_t p);

// A cluster replica's place: what the image says of its partition, and the node's broker and controller.
struct replica_wiring {
  partition_leadership leadership;
  caf::actor_addr broker;
  caf::actor_addr controller;
  caf::actor progress_listener; // the group registry, for the offsets log's replicas
  std::shared_ptr<const cluster::broker_lease> lease; // the node's lease (cluster/broker_lease.hpp)
};

// Spawns partition p's actor (an offline stand-in when its log cannot be opened; *offline counts those).
// Without wiring the replica leads alone (a single node).
partition_actor open_partition(caf::actor_system& sys, const cluster::server_config& cfg,
                               const persistence::topic_record& rec, int32_t p,
                               std::shared_ptr<std::atomic<int64_t>> producer_id_limit, size_t* offline = nullptr,
                               const replica_wiring* wiring = nullptr);

// Spawns the topic's partition actors; *offline counts the partitions that got an offline stand-in.
topic_entry open_topic(caf::actor_system& sys, const cluster::server_config& cfg, const persistence::topic_record& rec,
                       std::shared_ptr<std::atomic<int64_t>> producer_id_limit, size_t* offline = nullptr);

// Stops every partition actor of the map (they close their logs cleanly).
void stop_partitions(const std::map<std::string, topic_entry>& topics);

// Everything a node opens in its data directory before its broker actor runs.
struct node_data {
  std::shared_ptr<persistence::data_dir_lock> lock;       // held while the node runs
  std::shared_ptr<persistence::metadata_store> store;
  std::map<std::string, topic_entry> topics;
  std::shared_ptr<std::atomic<int64_t>> producer_id_limit; // first never-reserved producer id
  // A cluster node's lease on its leaderships (cluster/broker_lease.hpp), renewed by its lifecycle; null on
  // a single node.
  std::shared_ptr<cluster::broker_lease> lease;
};

// Synchronous, so a bad data directory fails the start with a clear error. Logs what it found.
caf::expected<node_data> open_node_data(caf::actor_system& sys, const cluster::server_config& cfg);

} // namespace samsa::actors
