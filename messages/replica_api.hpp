#pragma once
// Messages between the replicas of one partition on different nodes (docs/cluster-design.md §4): a
// follower's fetch from its leader (Kafka's Fetch with a replica id) and the leader's answer to
// OffsetsForLeaderEpoch (KIP-101/279), plus the image's word to a local replica about who leads it. They
// travel through the leader node's broker (broker_actor in native_api.hpp, which includes this header), which
// delegates them to its partition replica actor, so the answer comes straight from the replica.
//
// Per-partition outcomes are in-band error codes (api_errc), like the data operations of the native API: a
// follower needs the leader's log start and epoch with an OFFSET_OUT_OF_RANGE, not a bare error.
//
// Offsets, epochs and broker ids are the strong types of messages/ids.hpp (serialized as their integers).
#include <cstdint>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include "messages/ids.hpp"

namespace samsa {

using replica_fetch_atom = caf::atom_constant<caf::atom("rfetch")>;
using epoch_end_atom = caf::atom_constant<caf::atom("epoch_end")>;
using leadership_atom = caf::atom_constant<caf::atom("leadership")>;
using peer_atom = caf::atom_constant<caf::atom("peer")>;

// A follower's fetch: its log end offset is fetch_offset (the leader's ISR tracker learns it from here).
struct replica_fetch_request {
  std::string topic;
  int32_t partition = 0;
  broker_id_t replica_id = no_broker;        // the follower's node
  leader_epoch_t leader_epoch = no_leader_epoch; // the epoch the follower follows: checked (fenced / unknown)
  offset_t fetch_offset{0};                  // the follower's log end offset
  int32_t max_bytes = 1048576;  // replica.fetch.max.bytes: at least one whole batch is always sent
  int32_t max_wait_ms = 500;    // replica.fetch.wait.max.ms: long poll while nothing is new
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replica_fetch_request& x) {
  return f(caf::meta::type_name("replica_fetch_request"), x.topic, x.partition, x.replica_id, x.leader_epoch,
           x.fetch_offset, x.max_bytes, x.max_wait_ms);
}

struct replica_fetch_response {
  uint8_t error = 0;             // api_errc
  leader_epoch_t leader_epoch = no_leader_epoch; // the answering replica's epoch
  offset_t high_watermark{0};
  offset_t log_start_offset{0};
  offset_t log_end_offset{0};
  std::vector<char> records;     // whole batches from fetch_offset, offsets and epochs as the leader stored them
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replica_fetch_response& x) {
  return f(caf::meta::type_name("replica_fetch_response"), x.error, x.leader_epoch, x.high_watermark,
           x.log_start_offset, x.log_end_offset, x.records);
}

// OffsetsForLeaderEpoch from a follower: where does `epoch` (or the largest below it) end in the leader's log?
struct epoch_end_request {
  std::string topic;
  int32_t partition = 0;
  broker_id_t replica_id = no_broker;                    // no_broker: a client (OffsetForLeaderEpoch)
  leader_epoch_t current_leader_epoch = no_leader_epoch; // the epoch the asker follows (checked like a fetch's)
  leader_epoch_t epoch = no_leader_epoch;                // the epoch asked about
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, epoch_end_request& x) {
  return f(caf::meta::type_name("epoch_end_request"), x.topic, x.partition, x.replica_id, x.current_leader_epoch,
           x.epoch);
}

struct epoch_end_response {
  uint8_t error = 0;       // api_errc
  leader_epoch_t epoch = no_leader_epoch; // the largest epoch at or below the one asked that the leader knows
  offset_t end_offset{-1};                // where it ends in the leader's log (-1: undefined)
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, epoch_end_response& x) {
  return f(caf::meta::type_name("epoch_end_response"), x.error, x.epoch, x.end_offset);
}

// The metadata image's registration of a partition, as its local replica needs it (local only: sent by the
// node's broker after each image that changes it; a lower leader epoch than the replica's is ignored).
struct partition_leadership {
  std::string topic_id;
  std::vector<broker_id_t> replicas; // assignment order
  std::vector<broker_id_t> isr;
  broker_id_t leader = no_broker;
  leader_epoch_t leader_epoch{0};
  partition_epoch_t partition_epoch{0};
  int32_t min_insync_replicas = 1; // of the topic, at this image
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_leadership& x) {
  return f(caf::meta::type_name("partition_leadership"), x.topic_id, x.replicas, x.isr, x.leader, x.leader_epoch,
           x.partition_epoch, x.min_insync_replicas);
}

} // namespace samsa
