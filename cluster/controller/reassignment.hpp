#pragma once
// Partition reassignment as the KRaft controller does it (KIP-455; Kafka's PartitionReassignmentReplicas,
// PartitionReassignmentRevert and PartitionChangeBuilder's completion): the value types of a request and
// its answer, and the pure rules that read a partition's reassignment state. The decisions themselves are
// replication_control::alter_reassignments (cluster/controller/replication_reassign.cpp), because they build
// on the partition changes in flight like every other partition rule.
//
// State (cluster::partition_registration): while a partition moves from its current replicas C to a target
// T, its replicas are T followed by the members of C outside T (Kafka's merged list), removing = C - T and
// adding = T - C. Every replica of the merged list hosts the partition: the added ones are created on their
// nodes, fetch from the leader as followers and join the ISR like any follower (AlterPartition).
// Rules (each step is one partition_change record that names the leader, so the leader epoch is bumped and
// the leader's ISR bookkeeping restarts with the new replica set; isr_tracker's assignment is fixed):
// - Start: T valid (non-empty, distinct, every id a registered broker, fenced or not: INVALID_REPLICA_ASSIGNMENT
//   otherwise; unknown topic or partition: UNKNOWN_TOPIC_OR_PARTITION); a T equal to the current replicas
//   with nothing in progress changes nothing. A new T while a reassignment is in progress starts from the
//   merged list (Kafka's choice: replicas being added count as current).
// - Completion: as soon as every member of T is in the ISR (checked at the start and at every ISR change,
//   i.e. AlterPartition): replicas = T, ISR = ISR within T, removing = adding = [], and the leader rule over
//   T (the current leader stays when it is in T; else the first in-sync live member of T leads). The removed
//   nodes then stop their replica and delete its directory (actors/broker_cluster).
// - Cancel (a null replica list): refused with NO_REASSIGNMENT_IN_PROGRESS when none is; else replicas = the
//   merged list without `adding` (the original members; their order is the merged list's, as in Kafka),
//   ISR without `adding`, the leader rule over them. Refused (INVALID_REPLICA_ASSIGNMENT) when no original
//   replica is in the ISR: reverting would elect a replica that may lack acknowledged writes.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cluster/metadata_image.hpp"

namespace samsa::cluster {

// One partition of an AlterPartitionReassignments request.
struct reassignment_request {
  std::string topic;
  int32_t partition = 0;
  std::optional<std::vector<int32_t>> replicas; // the target, in assignment order; nullopt: cancel
};

enum class reassign_refusal : uint8_t {
  none,
  unknown_topic_or_partition,
  invalid_replica_assignment,
  no_reassignment_in_progress,
};

struct reassignment_result {
  reassign_refusal refusal = reassign_refusal::none;
  std::string reason; // set when refused
};

// A reassignment in progress, as ListPartitionReassignments reports it.
struct ongoing_reassignment {
  std::string topic;
  int32_t partition = 0;
  std::vector<int32_t> replicas; // the merged list
  std::vector<int32_t> adding;
  std::vector<int32_t> removing;
};

// Small list helpers the partition rules share (replication_control.cpp, replication_reassign.cpp).
bool has_replica(const std::vector<int32_t>& xs, int32_t x);
// The members of `isr` in the order of `replicas` (an ISR is kept in assignment order).
std::vector<int32_t> in_assignment_order(const std::vector<int32_t>& replicas, const std::vector<int32_t>& isr);
// "[1,2,3]"
std::string id_list(const std::vector<int32_t>& xs);

// The replicas a partition is moving to (its replicas without `removing`), or its replicas when none.
std::vector<int32_t> reassignment_target(const partition_registration& p);
// The replicas a cancel reverts to (its replicas without `adding`).
std::vector<int32_t> reassignment_original(const partition_registration& p);
// The merged replica list of a move from `current` to `target`: target, then the current ones outside it.
std::vector<int32_t> merged_replicas(const std::vector<int32_t>& current, const std::vector<int32_t>& target);

// The reassignments in progress of the image, by topic name then partition. `topics`: only these
// (topic, partitions) pairs (an unknown topic or partition is skipped, as Kafka does); nullopt: all.
std::vector<ongoing_reassignment>
list_reassignments(const metadata_image& img,
                   const std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>>& topics);

} // namespace samsa::cluster
