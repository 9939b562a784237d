#pragma once
// The cluster's metadata image: what every node knows about brokers, topics, partitions, configs and
// producer-id blocks, as of one offset of the metadata log. It changes only through apply(record), so two
// nodes that applied the same records hold equal images (Kafka's MetadataImage + MetadataDelta, folded).
//
// apply() is total: a record that does not fit the image (a partition of an unknown topic, a fence of an
// unknown broker, an older broker epoch) changes nothing and says why. The log is the truth and must stay
// replayable, so nothing here throws or asserts on record content.
//
// Plain value, copyable, no I/O; owned by whoever applies records (the metadata publisher actor, tests).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "messages/metadata_records.hpp"

namespace samsa::cluster {

struct broker_registration {
  int32_t node_id = -1;
  std::string incarnation_id;
  int64_t broker_epoch = -1;
  std::vector<broker_endpoint> endpoints;
  std::string rack;
  bool fenced = true;
};

struct partition_registration {
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  int32_t leader = -1;
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;
  // A reassignment in progress (cluster/controller/reassignment.hpp): replicas = the target followed by the
  // current replicas outside it; removing = those, adding = the target's replicas that were not current.
  // Both empty when no reassignment is in progress.
  std::vector<int32_t> removing_replicas;
  std::vector<int32_t> adding_replicas;
  bool reassigning() const { return !removing_replicas.empty() || !adding_replicas.empty(); }
};

struct topic_image {
  std::string name;
  std::string topic_id;
  std::vector<partition_registration> partitions; // index = partition id (created densely, 0..n-1)
};

// What apply() did with a record.
struct apply_result {
  bool applied = true;
  std::string ignored_because; // set when !applied
};

class metadata_image {
public:
  // Applies one record committed at `offset` (the Raft log index). Offsets must increase; a record at or
  // below the image's offset is a replay and is ignored.
  apply_result apply(const metadata_record& r, int64_t offset);
  // Applies a batch (one Raft entry) whose records all belong to `offset`: one result per record (one
  // refusal for a replayed offset; one success for an empty batch). A register_broker record with a
  // negative broker epoch gets the offset as its epoch, so a batch holds at most one such record.
  std::vector<apply_result> apply_batch(const std::vector<metadata_record>& batch, int64_t offset);

  int64_t offset() const { return offset_; } // the last applied offset; -1 for an empty image

  const std::map<int32_t, broker_registration>& brokers() const { return brokers_; }
  const broker_registration* broker(int32_t node_id) const;
  // Registered, unfenced brokers in node-id order: where replicas may be placed.
  std::vector<int32_t> live_brokers() const;

  const std::map<std::string, topic_image>& topics_by_id() const { return topics_; }
  const topic_image* topic_by_name(const std::string& name) const;
  const topic_image* topic_by_id(const std::string& id) const;
  const partition_registration* partition(const std::string& topic_id, int32_t p) const;

  // Dynamic config overrides: (resource type, resource name) -> key -> value.
  const std::map<std::string, std::string>* configs(config_resource type, const std::string& name) const;
  using config_map = std::map<std::pair<config_resource, std::string>, std::map<std::string, std::string>>;
  const config_map& all_configs() const { return configs_; } // every override, by (type, name)

  // The first producer id no block has claimed yet.
  int64_t next_producer_id() const { return next_producer_id_; }

  friend bool operator==(const metadata_image& a, const metadata_image& b);
  // cluster/metadata_image_snapshot.hpp: folds a snapshot's records without the offset rule (they all
  // belong to one offset, the image's) and then sets the offset.
  friend bool from_snapshot(std::string_view bytes, metadata_image& out);

private:
  apply_result on(const register_broker_record& r);
  apply_result on(const unregister_broker_record& r);
  apply_result on(const fence_broker_record& r);
  apply_result on(const unfence_broker_record& r);
  apply_result on(const create_topic_record& r);
  apply_result on(const partition_record& r);
  apply_result on(const partition_change_record& r);
  apply_result on(const config_record& r);
  apply_result on(const producer_ids_record& r);
  apply_result on(const remove_topic_record& r);
  apply_result on(const noop_record&) { return {}; }
  broker_registration* registration(int32_t node_id, int64_t broker_epoch);
  // Unregister (fenced < 0), fence (1) or unfence (0) the registration with exactly this epoch.
  apply_result on_registration(int32_t node_id, int64_t broker_epoch, int fenced);

  int64_t offset_ = -1;
  std::map<int32_t, broker_registration> brokers_;
  std::map<std::string, topic_image> topics_;       // by topic id
  std::map<std::string, std::string> topic_ids_;    // name -> topic id
  config_map configs_;
  int64_t next_producer_id_ = 0;
};

// The partition after `change` (Kafka's PartitionRegistration.merge): the fields the change names
// replaced, the leader epoch bumped when it names a leader (any node or -1, even the current one: the
// controller names one only when leadership moves), the partition epoch always. Returns "" and updates `p`,
// or the invariant the result would break (replicas non-empty and distinct, ISR a distinct subset of them,
// the leader in the ISR or none, removing and adding distinct disjoint subsets of the replicas) and leaves
// `p` as it was. What apply() does with a partition_change record.
std::string merge_partition_change(partition_registration& p, const partition_change_record& change);

bool operator==(const broker_registration& a, const broker_registration& b);
bool operator==(const partition_registration& a, const partition_registration& b);
bool operator==(const topic_image& a, const topic_image& b);

} // namespace samsa::cluster
