#pragma once
// samsa's native actor API: the atoms, the plain message structs (with CAF 0.17 inspect()) and the typed
// actor interfaces that another CAF application uses, in-process or from a remote node. Every type here
// that crosses nodes is registered by register_samsa_types() (messages/type_registry.hpp): a type missing
// on one side arrives as an empty message, so never register types anywhere else.
//
// Data operations (produce, fetch, list offsets) answer per partition with an in-band error code, as Kafka
// does, so one bad partition does not fail a whole request; admin operations fail with a caf::error of
// category "samsa" (messages/native_errors.hpp).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/native_errors.hpp"
#include "messages/record_batch.hpp"
#include "messages/replica_api.hpp"

namespace samsa {

// -- atoms (at most 10 characters) -------------------------------------------------------------------
using create_atom = caf::atom_constant<caf::atom("create")>;
using delete_atom = caf::atom_constant<caf::atom("delete")>;
using describe_atom = caf::atom_constant<caf::atom("describe")>;
using produce_atom = caf::atom_constant<caf::atom("produce")>;
using append_atom = caf::atom_constant<caf::atom("append")>;
using fetch_atom = caf::atom_constant<caf::atom("fetch")>;
using offsets_atom = caf::atom_constant<caf::atom("offsets")>;
using partition_atom = caf::atom_constant<caf::atom("partition")>;
using info_atom = caf::atom_constant<caf::atom("info")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using expire_atom = caf::atom_constant<caf::atom("expire")>;
using close_atom = caf::atom_constant<caf::atom("close")>;
using producer_id_atom = caf::atom_constant<caf::atom("pid")>;
using groups_atom = caf::atom_constant<caf::atom("groups")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using reset_atom = caf::atom_constant<caf::atom("reset")>;
using join_atom = caf::atom_constant<caf::atom("join")>;
using sync_atom = caf::atom_constant<caf::atom("sync")>;
using heartbeat_atom = caf::atom_constant<caf::atom("heartbeat")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;
using commit_atom = caf::atom_constant<caf::atom("commit")>;
using committed_atom = caf::atom_constant<caf::atom("committed")>;
using quorum_atom = caf::atom_constant<caf::atom("quorum")>;
using controller_atom = caf::atom_constant<caf::atom("controller")>;
using image_atom = caf::atom_constant<caf::atom("image")>;
using reassign_atom = caf::atom_constant<caf::atom("reassign")>;
using delete_records_atom = caf::atom_constant<caf::atom("delrecs")>; // Kafka's DeleteRecords
using producers_atom = caf::atom_constant<caf::atom("producers")>;    // Kafka's DescribeProducers
using alter_atom = caf::atom_constant<caf::atom("alter")>;
using configs_atom = caf::atom_constant<caf::atom("configs")>;

// Special timestamps of ListOffsets, as in Kafka.
constexpr int64_t latest_timestamp = -1;
constexpr int64_t earliest_timestamp = -2;
constexpr int64_t max_timestamp_spec = -3;  // the record with the largest timestamp (KIP-734)

// acks values, as in Kafka.
constexpr int16_t acks_none = 0;
constexpr int16_t acks_leader = 1;
constexpr int16_t acks_all = -1;

// -- optional fields: CAF 0.17 has no inspect() for std::optional ------------------------------------
namespace detail {
template <class T>
struct opt_ref {
  std::optional<T>& x;
};
template <class T>
struct opt_payload {
  bool& present;
  T& value;
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, opt_payload& p) {
    return p.present ? f(p.value) : f();
  }
};
template <class Inspector, class T>
typename std::enable_if<Inspector::reads_state, typename Inspector::result_type>::type
inspect(Inspector& f, opt_ref<T>& r) {
  return r.x ? f(true, *r.x) : f(false);
}
template <class Inspector, class T>
typename std::enable_if<Inspector::writes_state, typename Inspector::result_type>::type
inspect(Inspector& f, opt_ref<T>& r) {
  bool present = false;
  T tmp{};
  opt_payload<T> payload{present, tmp};
  auto res = f(present, payload);
  if (present)
    r.x = std::move(tmp);
  else
    r.x.reset();
  return res;
}
} // namespace detail

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_header& x) {
  detail::opt_ref<std::string> v{x.value};
  return f(caf::meta::type_name("record_header"), x.key, v);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record& x) {
  detail::opt_ref<std::string> k{x.key};
  detail::opt_ref<std::string> v{x.value};
  return f(caf::meta::type_name("record"), k, v, x.headers, x.timestamp, x.offset);
}

// -- admin -------------------------------------------------------------------------------------------

// What a client asks for when creating a topic; -1 means "the broker's default".
struct topic_spec {
  std::string name;
  int32_t partitions = -1;
  int16_t replication_factor = -1;
  std::map<std::string, std::string> configs;
  bool validate_only = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, topic_spec& x) {
  return f(caf::meta::type_name("topic_spec"), x.name, x.partitions, x.replication_factor, x.configs,
           x.validate_only);
}

// A partition as its leader sees it.
struct partition_state {
  int32_t partition = 0;
  int32_t leader = -1;
  int32_t leader_epoch = 0;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  int64_t log_start_offset = 0;
  int64_t log_end_offset = 0;
  int64_t high_watermark = 0;
  int64_t size_bytes = 0;
  int32_t segments = 0;
  int64_t damaged_regions = 0; // damage found in the log since the node started (open, reads, scrubber)
  bool offline = false;        // the log could not be opened: every request fails with storage_error
  // Traffic since the partition actor started (counters for /metrics; they restart at 0 with the node):
  int64_t records_in = 0; // records appended (retries of stored idempotent batches not counted again)
  int64_t bytes_in = 0;   // bytes of the record batches appended
  int64_t bytes_out = 0;  // bytes of record batches served to fetches (Kafka and native clients)
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_state& x) {
  return f(caf::meta::type_name("partition_state"), x.partition, x.leader, x.leader_epoch, x.replicas, x.isr,
           x.log_start_offset, x.log_end_offset, x.high_watermark, x.size_bytes, x.segments, x.damaged_regions,
           x.offline, x.records_in, x.bytes_in, x.bytes_out);
}

struct topic_description {
  std::string name;
  std::string topic_id;
  int32_t partitions = 0;
  int16_t replication_factor = 1;
  std::map<std::string, std::string> configs; // per-topic overrides
  std::vector<partition_state> partition_states;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, topic_description& x) {
  return f(caf::meta::type_name("topic_description"), x.name, x.topic_id, x.partitions, x.replication_factor,
           x.configs, x.partition_states);
}

struct cluster_info {
  std::string cluster_id;
  int32_t node_id = -1;
  std::string kafka_listener;
  std::string native_listener;
  std::string data_dir;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_info& x) {
  return f(caf::meta::type_name("cluster_info"), x.cluster_id, x.node_id, x.kafka_listener, x.native_listener,
           x.data_dir);
}

// -- changing a topic (rules in cluster/topic_alter.hpp) ----------------------------------------------

// One key of a config change: op is Kafka's AlterConfigOp type (0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT).
struct config_alteration {
  std::string key;
  int8_t op = 0;
  std::optional<std::string> value;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, config_alteration& x) {
  detail::opt_ref<std::string> v{x.value};
  return f(caf::meta::type_name("config_alteration"), x.key, x.op, v);
}

// Changes a topic's config overrides: incremental (IncrementalAlterConfigs) applies `ops` key by key; not
// incremental (AlterConfigs) makes the SETs in `ops` the whole set of overrides. Answered with the topic
// (its overrides after the change) once stored (a cluster: committed), or without change for validate_only.
struct topic_config_change {
  std::string topic;
  std::vector<config_alteration> ops;
  bool incremental = true;
  bool validate_only = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, topic_config_change& x) {
  return f(caf::meta::type_name("topic_config_change"), x.topic, x.ops, x.incremental, x.validate_only);
}

// Grows a topic to `count` partitions (CreatePartitions); `assignments`: the replicas of each new partition
// (empty: placed by the broker or controller). Answered with the topic as it is after the change.
struct partition_increase {
  std::string topic;
  int32_t count = 0;
  std::vector<std::vector<int32_t>> assignments;
  bool validate_only = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_increase& x) {
  return f(caf::meta::type_name("partition_increase"), x.topic, x.count, x.assignments, x.validate_only);
}

// One effective config of a topic as DescribeConfigs reports it (cluster/config_describe.hpp); source is
// Kafka's name (DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG).
struct topic_config_info {
  std::string name;
  std::optional<std::string> value;
  std::string source;
  bool read_only = false;
  bool sensitive = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, topic_config_info& x) {
  detail::opt_ref<std::string> v{x.value};
  return f(caf::meta::type_name("topic_config_info"), x.name, v, x.source, x.read_only, x.sensitive);
}

// -- partition reassignment (cluster nodes; rules in cluster/controller/reassignment.hpp) --------------

// Move one partition to `replicas` (assignment order, the first is the preferred leader), or, with
// `cancel`, revert the reassignment in progress (replicas ignored).
struct partition_reassignment {
  std::string topic;
  int32_t partition = 0;
  std::vector<int32_t> replicas;
  bool cancel = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_reassignment& x) {
  return f(caf::meta::type_name("partition_reassignment"), x.topic, x.partition, x.replicas, x.cancel);
}

// The answer for one partition_reassignment: ok once committed, or why not (unknown_topic_or_partition,
// invalid_replica_assignment, no_reassignment_in_progress), in request order.
struct reassignment_outcome {
  std::string topic;
  int32_t partition = 0;
  uint8_t error = 0; // api_errc
  std::string message;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reassignment_outcome& x) {
  return f(caf::meta::type_name("reassignment_outcome"), x.topic, x.partition, x.error, x.message);
}

// A reassignment in progress: the replicas now (target first, then those being removed), the ones being
// added and removed.
struct reassignment_info {
  std::string topic;
  int32_t partition = 0;
  std::vector<int32_t> replicas;
  std::vector<int32_t> adding;
  std::vector<int32_t> removing;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reassignment_info& x) {
  return f(caf::meta::type_name("reassignment_info"), x.topic, x.partition, x.replicas, x.adding, x.removing);
}

// -- produce -----------------------------------------------------------------------------------------

// partition -1: each record goes to murmur2(key) % partitions (Java-compatible); records with a null key
// are spread round-robin, one partition per request.
// compression: the codec of the batches the partitions store (messages/compression.hpp: 0 none, 1 gzip,
// 2 snappy, 3 lz4, 4 zstd), as a Kafka producer's compression.type; anything else is invalid_request.
struct produce_request {
  std::string topic;
  int32_t partition = -1;
  std::vector<record> records;
  int16_t acks = acks_leader;
  int8_t compression = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, produce_request& x) {
  return f(caf::meta::type_name("produce_request"), x.topic, x.partition, x.records, x.acks, x.compression);
}

// A record that made the partition refuse its whole batch (Kafka's KIP-467 RecordError): its index in the
// batch and why (a keyless record on a compacted topic).
struct record_error {
  int32_t batch_index = 0;
  std::string message;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_error& x) {
  return f(caf::meta::type_name("record_error"), x.batch_index, x.message);
}

struct partition_produce_result {
  int32_t partition = -1;
  int64_t base_offset = -1; // -1 for acks=0
  int32_t record_count = 0;
  int64_t log_append_time = -1;
  int64_t log_start_offset = -1;
  uint8_t error = 0;        // api_errc
  std::string error_message;
  std::vector<record_error> record_errors; // with invalid_batch: the records at fault
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_produce_result& x) {
  return f(caf::meta::type_name("partition_produce_result"), x.partition, x.base_offset, x.record_count,
           x.log_append_time, x.log_start_offset, x.error, x.error_message, x.record_errors);
}

struct produce_response {
  std::string topic;
  std::vector<partition_produce_result> partitions;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, produce_response& x) {
  return f(caf::meta::type_name("produce_response"), x.topic, x.partitions);
}

// -- fetch -------------------------------------------------------------------------------------------

// Long-poll: the answer comes as soon as min_bytes are available or after max_wait_ms.
struct fetch_request {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int32_t max_bytes = 1048576;
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 1;
  // At least one whole batch even above max_bytes (Kafka's rule for the first partition with data, so a
  // batch larger than the limits cannot stall a consumer); false: only batches that fit in max_bytes.
  bool min_one_batch = true;
  // The leader epoch the client knows (KIP-320): an older one is answered fenced_leader_epoch, a newer one
  // unknown_leader_epoch, so a client notices a leadership change it missed; -1: not checked.
  int32_t current_leader_epoch = -1;
  // The epoch of the last record the client fetched (Fetch v12+, KIP-320): when the log ends that epoch before
  // `offset`, the answer carries no records but the diverging epoch (cluster/replica/fetch_divergence.hpp);
  // -1: not checked.
  int32_t last_fetched_epoch = -1;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fetch_request& x) {
  return f(caf::meta::type_name("fetch_request"), x.topic, x.partition, x.offset, x.max_bytes, x.max_wait_ms,
           x.min_bytes, x.min_one_batch, x.current_leader_epoch, x.last_fetched_epoch);
}

// records holds whole v2 batches as stored (decode with decode_batches); the first batch may start before
// the requested offset, as in Kafka.
struct fetch_response {
  int32_t partition = 0;
  uint8_t error = 0; // api_errc
  int64_t high_watermark = -1;
  int64_t last_stable_offset = -1;
  int64_t log_start_offset = -1;
  std::vector<char> records;
  // Set (epoch >= 0) when the request's last_fetched_epoch diverges from the log: where the log ends the
  // largest epoch at or below it. No records then.
  int32_t diverging_epoch = -1;
  int64_t diverging_end_offset = -1;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fetch_response& x) {
  return f(caf::meta::type_name("fetch_response"), x.partition, x.error, x.high_watermark, x.last_stable_offset,
           x.log_start_offset, x.records, x.diverging_epoch, x.diverging_end_offset);
}

// ListOffsets answer: offset -1 when no record has a timestamp >= the one asked for.
// leader_epoch: the epoch of the batch holding the offset (latest: the current epoch; earliest: the
// epoch at the log start), -1 when unknown; current_leader_epoch: the partition's epoch now (for the
// fencing of a request that names one).
struct offset_answer {
  uint8_t error = 0; // api_errc
  int64_t offset = -1;
  int64_t timestamp = -1;
  int32_t leader_epoch = -1;
  int32_t current_leader_epoch = -1;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offset_answer& x) {
  return f(caf::meta::type_name("offset_answer"), x.error, x.offset, x.timestamp, x.leader_epoch,
           x.current_leader_epoch);
}

// One idempotent producer a partition knows (DescribeProducers): its epoch, last sequence (-1: no batch
// kept) and last write time.
struct producer_info {
  int64_t producer_id = -1;
  int16_t epoch = -1;
  int32_t last_sequence = -1;
  int64_t last_timestamp = -1;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, producer_info& x) {
  return f(caf::meta::type_name("producer_info"), x.producer_id, x.epoch, x.last_sequence, x.last_timestamp);
}

struct producers_answer {
  uint8_t error = 0; // api_errc
  std::vector<producer_info> producers;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, producers_answer& x) {
  return f(caf::meta::type_name("producers_answer"), x.error, x.producers);
}

// -- consumer groups ----------------------------------------------------------------------------------

struct partition_offset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_offset& x) {
  return f(caf::meta::type_name("partition_offset"), x.topic, x.partition, x.offset);
}

struct group_member_info {
  std::string member_id;
  std::string group_instance_id; // empty: dynamic member
  std::string client_id;
  std::string client_host;
  std::vector<partition_offset> assignment; // offset unused (-1)
  int32_t session_timeout_ms = 0;           // a member that stops heartbeating is removed after this
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, group_member_info& x) {
  return f(caf::meta::type_name("group_member_info"), x.member_id, x.group_instance_id, x.client_id, x.client_host,
           x.assignment, x.session_timeout_ms);
}

// A consumer group as `samsa groups describe` shows it; committed holds the committed offsets.
struct group_info {
  std::string group_id;
  std::string state;
  std::string protocol_type;
  std::string protocol;
  int32_t generation_id = 0;
  int32_t coordinator = -1; // the node id of the group's coordinator (the answering node), -1 unknown
  std::vector<group_member_info> members;
  std::vector<partition_offset> committed;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, group_info& x) {
  return f(caf::meta::type_name("group_info"), x.group_id, x.state, x.protocol_type, x.protocol, x.generation_id,
           x.coordinator, x.members, x.committed);
}

// The group membership protocol for native consumers (the same one Kafka clients speak; error codes are
// Kafka's error code numbers, 0 = none). A named blob: a protocol (name, metadata) or, in sync, a member's
// assignment (name = member id).
struct named_bytes {
  std::string name;
  std::string bytes;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, named_bytes& x) {
  return f(caf::meta::type_name("named_bytes"), x.name, x.bytes);
}

struct group_join_request {
  std::string group_id;
  std::string member_id; // empty on the first join
  std::string group_instance_id; // empty: dynamic membership
  std::string client_id;
  int32_t session_timeout_ms = 10000;
  int32_t rebalance_timeout_ms = 30000;
  std::string protocol_type = "consumer";
  std::vector<named_bytes> protocols;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, group_join_request& x) {
  return f(caf::meta::type_name("group_join_request"), x.group_id, x.member_id, x.group_instance_id, x.client_id,
           x.session_timeout_ms, x.rebalance_timeout_ms, x.protocol_type, x.protocols);
}

struct group_join_response {
  int16_t error = 0;
  int32_t generation_id = -1;
  std::string protocol;
  std::string leader_id;
  std::string member_id;
  std::vector<named_bytes> members; // leader only: member id -> subscription metadata
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, group_join_response& x) {
  return f(caf::meta::type_name("group_join_response"), x.error, x.generation_id, x.protocol, x.leader_id,
           x.member_id, x.members);
}

struct group_sync_request {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::string group_instance_id;
  std::vector<named_bytes> assignments; // leader only
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, group_sync_request& x) {
  return f(caf::meta::type_name("group_sync_request"), x.group_id, x.generation_id, x.member_id,
           x.group_instance_id, x.assignments);
}

struct group_sync_response {
  int16_t error = 0;
  std::string assignment;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, group_sync_response& x) {
  return f(caf::meta::type_name("group_sync_response"), x.error, x.assignment);
}

// -- typed interfaces ----------------------------------------------------------------------------------

} // namespace samsa

namespace samsa::cluster {
class metadata_image;
} // namespace samsa::cluster

namespace samsa {

// A published metadata image (cluster/metadata_image.hpp): immutable, shared between the actors of one
// node, never sent to another node.
using image_ptr = std::shared_ptr<const cluster::metadata_image>;

} // namespace samsa

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::image_ptr)

namespace samsa {

// One partition replica (actors/partition_replica.hpp: leader or follower behaviour; a follower answers
// client requests with not_leader_or_follower).
using partition_actor = caf::typed_actor<
  // Kafka path: one client batch as received; validated (CRC, size, structure) by the partition actor.
  // (batch, acks, timeout_ms): an acks=all answer waits at most timeout_ms for the in-sync replicas
  // (REQUEST_TIMED_OUT after it; <= 0: 30 s).
  caf::replies_to<append_atom, std::vector<char>, int16_t, int32_t>::with<partition_produce_result>,
  // Native path: records are encoded into one batch by the partition actor, (acks, compression codec).
  caf::replies_to<produce_atom, std::vector<record>, int16_t, int8_t>::with<partition_produce_result>,
  caf::replies_to<fetch_atom, fetch_request>::with<fetch_response>,
  caf::replies_to<offsets_atom, int64_t>::with<offset_answer>,
  // DeleteRecords on the leader: the log start moves to the offset (-1: the high watermark; beyond it
  // offset_out_of_range); answers the new log start in `offset`.
  caf::replies_to<delete_records_atom, int64_t>::with<offset_answer>,
  caf::replies_to<producers_atom>::with<producers_answer>,
  caf::replies_to<info_atom>::with<partition_state>,
  // Closes the log and deletes its files (topic deletion); the actor quits afterwards.
  caf::replies_to<delete_atom>::with<bool>>;

// The node's broker: routing, topic administration, metadata. Published on samsa.native.listener.
using broker_actor = caf::typed_actor<
  caf::replies_to<create_atom, topic_spec>::with<topic_description>,
  caf::replies_to<delete_atom, std::string>::with<bool>,
  // An empty list describes every topic.
  caf::replies_to<describe_atom, std::vector<std::string>>::with<std::vector<topic_description>>,
  // Every effective config of a topic with its source (`samsa topics describe --all-configs`).
  caf::replies_to<describe_atom, configs_atom, std::string>::with<std::vector<topic_config_info>>,
  // Config changes and partition increases of a topic (a cluster node: through the controller).
  caf::replies_to<alter_atom, topic_config_change>::with<topic_description>,
  caf::replies_to<create_atom, partition_increase>::with<topic_description>,
  caf::replies_to<produce_atom, produce_request>::with<produce_response>,
  caf::replies_to<fetch_atom, fetch_request>::with<fetch_response>,
  caf::replies_to<offsets_atom, std::string, int32_t, int64_t>::with<offset_answer>,
  caf::replies_to<delete_records_atom, std::string, int32_t, int64_t>::with<offset_answer>,
  caf::replies_to<partition_atom, std::string, int32_t>::with<partition_actor>,
  caf::replies_to<info_atom>::with<cluster_info>,
  // A fresh producer id for an idempotent producer; never repeats on this node.
  caf::replies_to<producer_id_atom>::with<producer_id_t>,
  // Consumer groups: the node's group registry (local use), listing, describing, resetting offsets
  // (refused with non_empty_group while the group has members).
  caf::replies_to<groups_atom>::with<caf::actor>,
  caf::replies_to<groups_atom, list_atom>::with<std::vector<group_info>>,
  caf::replies_to<groups_atom, describe_atom, std::string>::with<group_info>,
  caf::replies_to<groups_atom, reset_atom, std::string, std::vector<partition_offset>>::with<bool>,
  // Group membership and offsets for native consumers (actors/group_consumer.hpp).
  caf::replies_to<groups_atom, join_atom, group_join_request>::with<group_join_response>,
  caf::replies_to<groups_atom, sync_atom, group_sync_request>::with<group_sync_response>,
  // (group, generation, member) -> Kafka error code
  caf::replies_to<groups_atom, heartbeat_atom, std::string, int32_t, std::string>::with<int16_t>,
  caf::replies_to<groups_atom, leave_atom, std::string, std::string>::with<int16_t>,
  // (group, generation, member, offsets) -> Kafka error code
  caf::replies_to<groups_atom, commit_atom, std::string, int32_t, std::string, std::vector<partition_offset>>::with<int16_t>,
  caf::replies_to<groups_atom, committed_atom, std::string>::with<std::vector<partition_offset>>,
  // The node's controller quorum member (a samsa::quorum_actor, messages/cluster_api.hpp): how quorum
  // members find each other through the native listener. invalid_request when the node runs no quorum.
  caf::replies_to<quorum_atom>::with<caf::actor>,
  // The node's controller actor (a samsa::controller_actor, messages/cluster_api.hpp): how broker
  // lifecycles reach the active controller, and `samsa cluster status` the membership. invalid_request when
  // the node runs no quorum.
  caf::replies_to<controller_atom>::with<caf::actor>,
  // Local only, on a cluster node: a new metadata image from the node's controller (subscribe_atom).
  caf::reacts_to<image_atom, image_ptr>,
  // Replication between nodes (messages/replica_api.hpp): a follower's fetch and OffsetsForLeaderEpoch,
  // delegated to the local replica (unknown_topic_or_partition in-band when this node has none).
  caf::replies_to<replica_fetch_atom, replica_fetch_request>::with<replica_fetch_response>,
  caf::replies_to<epoch_end_atom, epoch_end_request>::with<epoch_end_response>,
  // Local only: the broker of node `id` (a broker_actor), looked up through its native listener and kept
  // while the connection lives; an error when the node is unknown or unreachable.
  caf::replies_to<peer_atom, int32_t>::with<caf::actor>,
  // Partition reassignment (a cluster node; a single node answers invalid_request): through the node's
  // controller to the active one, answered once committed (one outcome per request, in order); and the
  // reassignments in progress of the given topics (all when empty) as the active controller knows them.
  caf::replies_to<reassign_atom, std::vector<partition_reassignment>>::with<std::vector<reassignment_outcome>>,
  caf::replies_to<reassign_atom, list_atom, std::vector<std::string>>::with<std::vector<reassignment_info>>>;

} // namespace samsa
