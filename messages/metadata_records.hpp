#pragma once
// The cluster's metadata as records: the only way metadata changes (docs/cluster-design.md, section 3.1).
// Plain data in messages/ because every layer handles them: the Raft log carries them between nodes,
// persistence stores them, cluster::metadata_image applies them.
// Kafka's KRaft record set (metadata/src/main/resources/common/metadata/*.json), trimmed to what samsa
// uses; each struct names its Kafka counterpart. The metadata image (cluster/metadata_image.hpp) is
// fold(apply, records); the Raft log carries these records, SQLite and the Boost snapshot hold the image.
//
// Plain values, no behaviour. Add fields at the end only; a record type once shipped keeps its index in
// the `metadata_record` variant (the index is the record's type on the wire and in the log).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace samsa {

// A listener a broker advertises (Kafka's BrokerEndpoint): PLAINTEXT for clients, NATIVE for CAF.
struct broker_endpoint {
  std::string name;
  std::string host;
  uint16_t port = 0;
  friend bool operator==(const broker_endpoint& a, const broker_endpoint& b) {
    return a.name == b.name && a.host == b.host && a.port == b.port;
  }
};

// RegisterBrokerRecord (0). A new incarnation of a node (a restarted process) replaces the old one; the
// broker epoch is the offset of this record, so every registration has its own epoch. A registered broker
// starts fenced and is unfenced once it has caught up with the metadata log.
struct register_broker_record {
  int32_t node_id = -1;
  std::string incarnation_id;  // random per process start
  int64_t broker_epoch = -1;   // -1 (what the controller writes): the record's log offset, set on apply
  std::vector<broker_endpoint> endpoints;
  std::string rack;
  bool fenced = true;
};

// UnregisterBrokerRecord (1): the node leaves the cluster (its replicas stay assigned until reassigned).
struct unregister_broker_record {
  int32_t node_id = -1;
  int64_t broker_epoch = -1;
};

// FenceBrokerRecord (7) / UnfenceBrokerRecord (8): a fenced broker leads nothing and is not in any ISR.
struct fence_broker_record {
  int32_t node_id = -1;
  int64_t broker_epoch = -1;
};
struct unfence_broker_record {
  int32_t node_id = -1;
  int64_t broker_epoch = -1;
};

// TopicRecord (2).
struct create_topic_record {
  std::string name;
  std::string topic_id; // 22-character base64url UUID, never reused
};

// PartitionRecord (3): a partition's full state at creation (or in a snapshot).
struct partition_record {
  std::string topic_id;
  int32_t partition = 0;
  std::vector<int32_t> replicas; // the first is the preferred leader
  std::vector<int32_t> isr;
  int32_t leader = -1;           // -1: none
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;
  // A reassignment in progress (Kafka's RemovingReplicas / AddingReplicas): `replicas` is then the target
  // followed by the current replicas outside it; both empty when none is (metadata codec version 2).
  std::vector<int32_t> removing_replicas;
  std::vector<int32_t> adding_replicas;
};

// PartitionChangeRecord (5): a delta. leader: no_change (-2), none (-1) or a node id. Applying it bumps the
// partition epoch always and the leader epoch when the leader changes (Kafka's PartitionRegistration.merge).
struct partition_change_record {
  static constexpr int32_t no_change = -2;
  std::string topic_id;
  int32_t partition = 0;
  std::optional<std::vector<int32_t>> isr;
  int32_t leader = no_change;
  std::optional<std::vector<int32_t>> replicas;
  // A reassignment's start, completion or cancellation (metadata codec version 2); nullopt: unchanged.
  std::optional<std::vector<int32_t>> removing_replicas;
  std::optional<std::vector<int32_t>> adding_replicas;
};

// ConfigRecord (4): a dynamic config override; no value removes the override.
enum class config_resource : uint8_t { topic = 2, broker = 4 }; // Kafka's ConfigResource types
struct config_record {
  config_resource resource_type = config_resource::topic;
  std::string resource_name; // topic name, or node id ("" for the cluster-wide default)
  std::string key;
  std::optional<std::string> value;
};

// ProducerIdsRecord (15): the block [next_producer_id - block, next_producer_id) now belongs to node_id;
// ids below next_producer_id are never handed out again by anyone.
struct producer_ids_record {
  int32_t node_id = -1;
  int64_t broker_epoch = -1;
  int64_t next_producer_id = 0;
};

// RemoveTopicRecord (9): the topic and all its partitions go.
struct remove_topic_record {
  std::string topic_id;
};

// NoOpRecord (20): written by a new Raft leader (commit of the current term) and when idle.
struct noop_record {};

// The index of an alternative is its type id in the log and on the wire: append only.
using metadata_record
  = std::variant<register_broker_record, unregister_broker_record, fence_broker_record, unfence_broker_record,
                 create_topic_record, partition_record, partition_change_record, config_record, producer_ids_record,
                 remove_topic_record, noop_record>;

// A short human-readable name for logs ("partition_change", ...).
const char* record_name(const metadata_record& r);

} // namespace samsa
