#pragma once
// The active controller's topic rules (Kafka's ReplicationControlManager + ProducerIdControlManager),
// pure like cluster_control: each handler takes the current metadata image and returns the records to
// propose as one batch plus what to answer once they commit. The shell (actors/controller) supplies the
// random parts (the new topic id, the placement's start and shift) so a test can pin them.
//
// Rules:
// - Create: the name is valid (cluster::validate_topic_name), partitions in [1, max_partitions], replication
//   factor in [1, live brokers], configs valid (cluster::validate_topic_configs), the name is neither in the
//   image nor being created by a proposal in flight. Records: create_topic, one partition record per
//   partition (replicas from cluster::place_replicas; leader = the first replica, the
//   preferred leader; ISR = the leader alone until followers replicate; epochs 0), one topic config record per override.
// - Delete: the topic exists and is not being deleted; one remove_topic record (the image drops its
//   partitions and config overrides with it).
// - Producer ids: a block of `producer_id_block` ids for (node, broker epoch) starting at the image's next
//   free id, or after the blocks in flight, so two allocations proposed before either commits never
//   overlap (a failed proposal leaves a gap, never a reuse).
// Names and ids in flight are soft state: forgotten when they show up in the image, or by
// proposal_failed(), or when this node stops being the active controller (reset()).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/metadata_image.hpp"
#include "messages/metadata_records.hpp"

namespace samsa::cluster {

constexpr int32_t max_partitions_per_topic = 10000;
constexpr int64_t producer_id_block = 1000;

// Why a request was refused, in the terms the Kafka answer needs.
enum class topic_refusal : uint8_t {
  none,
  invalid_topic,
  invalid_partitions,
  invalid_replication_factor,
  invalid_config,
  topic_exists,
  unknown_topic,
};

struct create_topic_request {
  std::string name;
  int32_t partitions = -1;         // -1: num.partitions
  int16_t replication_factor = -1; // -1: default.replication.factor
  std::map<std::string, std::string> configs;
};

// Defaults and choices the shell makes: the broker defaults and the random parts.
struct create_topic_context {
  int32_t default_partitions = 1;
  int16_t default_replication_factor = 1;
  std::string topic_id;            // a fresh 22-character id
  uint32_t start = 0, shift = 0;   // placement's random start and shift
};

struct topic_decision {
  std::vector<metadata_record> records; // one batch; empty when refused (or nothing to do)
  topic_refusal refusal = topic_refusal::none;
  std::string reason;                   // set when refused
};

struct producer_ids_decision {
  std::vector<metadata_record> records;
  int64_t first = -1; // the block is [first, first + producer_id_block)
};

// Owns: the topic names and ids whose creation or deletion is in flight, the producer-id watermark in
// flight. Invariant: a name is in at most one of creating/deleting.
class replication_control {
public:
  topic_decision create_topic(const metadata_image& img, const create_topic_request& req,
                              const create_topic_context& ctx);
  topic_decision delete_topic(const metadata_image& img, const std::string& name);
  producer_ids_decision allocate_producer_ids(const metadata_image& img, int32_t node_id, int64_t broker_epoch);

  // The proposal carrying `records` failed: their names and ids may be proposed again.
  void proposal_failed(const std::vector<metadata_record>& records);
  void reset();

private:
  void forget_settled(const metadata_image& img);

  std::set<std::string> creating_;   // topic names
  std::set<std::string> deleting_;   // topic ids
  int64_t next_producer_id_ = 0;     // past every block proposed by this controller
};

} // namespace samsa::cluster
