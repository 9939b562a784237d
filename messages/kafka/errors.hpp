#pragma once

// Kafka protocol error codes (the int16 "ErrorCode" fields), numbered as in Apache Kafka's
// org.apache.kafka.common.protocol.Errors. Only the codes samsa may send or must understand are
// listed; a decoded response may still carry any other int16, which the enum can hold.
// Subsystem errors (persistence::errc, cluster::errc) are mapped onto these at the handler
// boundary, never inside the codecs.

#include <cstdint>

namespace samsa::kafka {

enum class error_code : int16_t {
  unknown_server_error = -1,             // unexpected broker failure; the catch-all
  none = 0,                              // success
  offset_out_of_range = 1,               // fetch/list offset outside [log start, log end]
  corrupt_message = 2,                   // CRC mismatch or malformed batch
  unknown_topic_or_partition = 3,        // this broker does not host the partition
  invalid_fetch_size = 4,                // fetch size is invalid
  leader_not_available = 5,              // leader election in progress
  not_leader_or_follower = 6,            // sent to a broker that does not lead/replicate it
  request_timed_out = 7,                 // acks not met within timeout_ms
  broker_not_available = 8,              // the broker is not available
  replica_not_available = 9,             // replica missing for the partition
  message_too_large = 10,                // batch over max.message.bytes (Java: RecordTooLarge)
  offset_metadata_too_large = 12,        // committed offset metadata too long
  network_exception = 13,                // server disconnected before the response
  coordinator_load_in_progress = 14,     // group coordinator still loading its state
  coordinator_not_available = 15,        // no group coordinator yet
  not_coordinator = 16,                  // sent to a broker that is not the group coordinator
  invalid_topic_exception = 17,          // illegal topic name or operation on an internal topic
  record_list_too_large = 18,            // request larger than a segment
  not_enough_replicas = 19,              // ISR below min.insync.replicas; nothing written
  not_enough_replicas_after_append = 20, // written, but ISR shrank below minimum
  invalid_required_acks = 21,            // acks not in {-1, 0, 1}
  illegal_generation = 22,               // stale group generation id
  inconsistent_group_protocol = 23,      // member protocols do not match the group's
  invalid_group_id = 24,                 // empty or illegal group id
  unknown_member_id = 25,                // the coordinator does not know this member
  invalid_session_timeout = 26,          // session timeout outside the broker's bounds
  rebalance_in_progress = 27,            // group is rebalancing; rejoin
  invalid_commit_offset_size = 28,       // committed offset data size is invalid
  topic_authorization_failed = 29,       // not authorized for the topic
  group_authorization_failed = 30,       // not authorized for the group
  cluster_authorization_failed = 31,     // not authorized for the cluster
  invalid_timestamp = 32,                // record timestamp out of the accepted range
  unsupported_version = 35,              // API version not supported
  topic_already_exists = 36,             // CreateTopics on an existing name
  invalid_partitions = 37,               // partition count below 1
  invalid_replication_factor = 38,       // replication factor below 1 or above broker count
  invalid_replica_assignment = 39,       // manual assignment is invalid
  invalid_config = 40,                   // bad topic configuration
  not_controller = 41,                   // sent to a node that is not the controller
  invalid_request = 42,                  // malformed or inconsistent request
  unsupported_for_message_format = 43,   // feature needs a newer record format
  policy_violation = 44,                 // request violates a configured policy
  out_of_order_sequence_number = 45,     // idempotent producer sequence gap
  duplicate_sequence_number = 46,        // idempotent producer resent an old batch
  invalid_producer_epoch = 47,           // producer epoch older than the broker's
  invalid_txn_state = 48,                // transactional operation in the wrong state
  invalid_transaction_timeout = 50,      // transaction timeout above the broker maximum
  concurrent_transactions = 51,          // a previous transaction is still completing
  transactional_id_authorization_failed = 53, // not authorized for the transactional id
  kafka_storage_error = 56,              // disk error on the log directory
  unknown_producer_id = 59,              // producer state expired or unknown
  non_empty_group = 68,                  // deleting a group that still has members
  group_id_not_found = 69,               // the group does not exist
  fetch_session_id_not_found = 70,       // unknown incremental fetch session
  invalid_fetch_session_epoch = 71,      // incremental fetch session epoch mismatch
  topic_deletion_disabled = 73,          // delete.topic.enable is false
  fenced_leader_epoch = 74,              // request's leader epoch older than the broker's
  unknown_leader_epoch = 75,             // request's leader epoch newer than the broker's
  unsupported_compression_type = 76,     // client cannot handle the partition's codec
  offset_not_available = 78,             // high watermark not caught up after election
  member_id_required = 79,               // JoinGroup must be retried with the given member id
  group_max_size_reached = 81,           // group.max.size reached
  fenced_instance_id = 82,               // static member replaced by a newer instance
  no_reassignment_in_progress = 85,     // cancel of a partition reassignment that is not in progress
  group_subscribed_to_topic = 86,        // OffsetDelete of a topic a live group member consumes
  invalid_record = 87,                   // record failed broker-side validation
  unstable_offset_commit = 88,           // pending transactional offsets
  throttling_quota_exceeded = 89,        // topic mutation rate quota hit
  producer_fenced = 90,                  // newer producer with the same transactional id
  invalid_update_version = 95,           // AlterPartition: stale partition epoch
  unknown_topic_id = 100,                // this broker does not host the topic id
  ineligible_replica = 107,              // AlterPartition: a new ISR member is fenced or not a replica
  mismatched_endpoint_type = 114,        // DescribeCluster asked a broker about controllers
  unsupported_endpoint_type = 115,       // DescribeCluster with an endpoint type that does not exist
};

/// Kafka's upper-case name of the code ("NOT_LEADER_OR_FOLLOWER"), or "UNKNOWN_ERROR_CODE".
const char* name(error_code ec) noexcept;

/// True when a Java client treats the error as retriable (its exception extends
/// RetriableException): the client refreshes metadata or backs off and resends on its own.
bool is_retriable(error_code ec) noexcept;

inline int16_t to_int(error_code ec) noexcept { return static_cast<int16_t>(ec); }

} // namespace samsa::kafka
