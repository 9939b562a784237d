#pragma once
// Internal to the controller actor (actors/controller.cpp): its partition leadership part, in
// actors/controller_partitions.cpp. The rules are cluster::replication_control's; this is their shell:
// elections proposed with the membership records that call for them and logged once committed,
// AlterPartition answered once the image shows the change, the preferred-leader timer. Called only from
// the controller's own handlers (one actor, no locking).
#include <cstdint>
#include <functional>
#include <vector>

#include <caf/expected.hpp>

#include "actors/controller.hpp"

namespace samsa::actors {

// controller.cpp: proposes one batch through the quorum; `done` gets the committed index or the error (a
// failed proposal lets the rules propose the same change again and fails the AlterPartitions waiting on it).
void propose(controller_ptr self, const std::vector<metadata_record>& records,
             std::function<void(caf::expected<int64_t>)> done);
// controller.cpp: this node's controller is the active one.
bool active(controller_ptr self);

// Proposes a batch of partition changes; its elections are logged once it committed.
void propose_changes(controller_ptr self, const cluster::partition_decision& d,
                     std::function<void(caf::expected<int64_t>)> done = {});
// Proposes a batch of the membership rules (cluster_control) together with the partition changes its
// fences, unfences and registrations call for: one Raft entry, so a fenced leader and its successor commit
// at once.
void propose_membership(controller_ptr self, const std::vector<metadata_record>& records,
                        std::function<void(caf::expected<int64_t>)> done = {});

// AlterPartition on the active controller: refused at once, answered at once when nothing changes, else
// answered when the image shows the partition as the change leaves it (settle_alter_waiters).
caf::result<alter_partition_reply> alter_partition(controller_ptr self, alter_partition_request& req);
// A new image: answers the AlterPartitions whose change it shows (or shows overtaken by another change).
void settle_alter_waiters(controller_ptr self);
// The proposal of `records` failed: the AlterPartitions waiting on a partition it changes get `e`.
void fail_alter_waiters(controller_ptr self, const std::vector<metadata_record>& records, const caf::error& e);
// The timer: AlterPartitions waiting longer than propose_timeout_ms get request_timed_out.
void expire_alter_waiters(controller_ptr self);
// AlterPartitionReassignments on the active controller: refusals at once, the accepted ones proposed in one
// batch and answered once it committed (or all with the proposal's error).
caf::result<std::vector<reassignment_outcome>> alter_reassignments(controller_ptr self,
                                                                   const std::vector<partition_reassignment>& reqs);
// ListPartitionReassignments on the active controller: from its image.
std::vector<reassignment_info> list_reassignments(const controller_state& st, const std::vector<std::string>& topics);
// Runs `fn` once the controller's image has applied `index` (at once if it has): an answer given after a
// commit then reads its own write in every later request to this controller.
void when_applied(controller_ptr self, int64_t index, std::function<void()> fn);
// A new image: runs the when_applied callbacks it reached.
void run_applied_waiters(controller_ptr self);
// A heartbeat of `node` asking for a controlled shutdown: proposes moving its partitions away (once: later
// heartbeats find the change in flight or committed); true once the image shows it may stop.
bool controlled_shutdown(controller_ptr self, int32_t node);
// The timer: leadership back to preferred replicas every leader_imbalance_check_interval_ms.
void rebalance_if_due(controller_ptr self);

// actors/controller_topics.cpp, on the active controller: config changes and partition increases of a
// topic, proposed and answered once the image shows them.
caf::result<topic_description> alter_topic_configs(controller_ptr self, topic_config_change& change);
caf::result<topic_description> create_partitions(controller_ptr self, partition_increase& inc);

} // namespace samsa::actors
