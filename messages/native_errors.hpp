#pragma once
// Errors of samsa's native actor API. They travel inside caf::error (category atom "samsa") so a remote
// CAF node sees the same code; the Kafka listener maps them to Kafka error codes in one place
// (see actors/kafka_errors). Values are part of the cross-node contract: append only, never renumber.
#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>

namespace samsa {

enum class api_errc : uint8_t {
  ok = 0,
  unknown_topic_or_partition = 1, // topic or partition does not exist (and was not auto-created)
  offset_out_of_range = 2,        // fetch/list below the log start or past the log end
  corrupt_message = 3,            // batch failed CRC or structural validation
  record_too_large = 4,           // batch larger than max.message.bytes
  invalid_batch = 5,              // well-formed bytes that a broker must refuse (control batch, base offset...)
  storage_error = 6,              // I/O error on the log or the metadata database
  disk_full = 7,                  // ENOSPC: nothing was written
  topic_already_exists = 8,
  invalid_partitions = 9,         // partition count <= 0 or absurd
  invalid_replication_factor = 10,// more replicas than brokers
  invalid_config = 11,            // unknown or bad topic config
  invalid_topic = 12,             // illegal topic name
  invalid_required_acks = 13,     // acks not in {-1, 0, 1}
  not_enough_replicas = 14,       // acks=all and fewer in-sync replicas than min.insync.replicas
  invalid_request = 15,           // malformed arguments (negative max bytes, ...)
  request_timed_out = 16,
  broker_shutting_down = 17,
  out_of_order_sequence = 18,     // idempotent producer: a sequence gap
  invalid_producer_epoch = 19,    // idempotent producer: an epoch older than the partition has seen
  non_empty_group = 20,           // the operation needs a consumer group without members
  unknown_group = 21,             // no such consumer group
  unknown_producer_id = 22,       // idempotent producer id this cluster never issued
  not_leader = 23,                // controller quorum: this node is not the Raft leader (context: detail, leader id)
  not_leader_or_follower = 24,    // a partition this node does not lead (cluster)
  leader_not_available = 25,      // a partition without a live leader, or metadata not known yet (cluster)
  not_enough_replicas_after_append = 26, // acks=all: appended, but the ISR fell below min.insync.replicas
  fenced_leader_epoch = 27,       // the request's leader epoch is older than the replica's (a stale sender)
  unknown_leader_epoch = 28,      // the request's leader epoch is newer than the replica knows yet
  invalid_update_version = 29,    // AlterPartition: a partition epoch that is not the committed one
  ineligible_replica = 30,        // AlterPartition: a new ISR member whose broker is fenced or not registered
  not_coordinator = 31,           // a consumer group this node does not coordinate (cluster: offsets log leader)
  coordinator_load_in_progress = 32, // the node coordinates the group but is still reading its offsets log
  invalid_replica_assignment = 33,  // reassignment: an empty or repeating replica list, an unknown broker
  no_reassignment_in_progress = 34, // reassignment: a cancel of a partition that is not moving
};

const char* to_string(api_errc x);

constexpr caf::atom_value api_error_category = caf::atom("samsa");

inline caf::error make_error(api_errc x) {
  return caf::error{static_cast<uint8_t>(x), api_error_category};
}

inline caf::error make_error(api_errc x, std::string detail) {
  return caf::error{static_cast<uint8_t>(x), api_error_category, caf::make_message(std::move(detail))};
}

// Returns the api_errc carried by e, or nullopt-like ok when e is from another category.
api_errc api_code(const caf::error& e);

// Human-readable text of any error, with the samsa code name and detail when present.
std::string describe(const caf::error& e);

} // namespace samsa
