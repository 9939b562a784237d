#pragma once
// The active controller's topic and partition rules (Kafka's ReplicationControlManager +
// PartitionChangeBuilder + ProducerIdControlManager), pure like cluster_control: each handler takes the
// current metadata image and returns the records to propose as one batch plus what to answer once they
// commit. The shell (actors/controller) supplies the random parts (the new topic id, the placement's start
// and shift) so a test can pin them, and which brokers are live.
//
// Rules:
// - Create: the name is valid (cluster::validate_topic_name), partitions in [1, max_partitions], replication
//   factor in [1, live brokers], configs valid (cluster::validate_topic_configs), the name is neither in the
//   image nor being created by a proposal in flight. Records: create_topic, one partition record per
//   partition (replicas from cluster::place_replicas; leader = the first replica, the preferred leader;
//   ISR = every replica, all empty as Kafka does; epochs 0), one topic config record per override.
// - Delete: the topic exists and is not being deleted; one remove_topic record (the image drops its
//   partitions and config overrides with it).
// - Producer ids: a block of `producer_id_block` ids for (node, broker epoch) starting at the image's next
//   free id, or after the blocks in flight, so two allocations proposed before either commits never
//   overlap (a failed proposal leaves a gap, never a reuse).
// - Config changes and partition increases of an existing topic (cluster/topic_alter.hpp's rules, as the
//   single node): config records for the keys whose override changes; partition records for the new
//   partitions (placed like a new topic's with the replication factor of partition 0, or on the manual
//   assignment, leader = its first live replica, ISR = all). Built on the changes in flight for the topic
//   (its overrides and partition count as the proposals will leave them), so two requests proposed before
//   either commits never lose one or place one partition twice.
// Names and ids in flight are soft state: forgotten when they show up in the image, or by
// proposal_failed(), or when this node stops being the active controller (reset()).
//
// Partition leadership and ISR (Kafka before KIP-966's eligible leader replicas). "Live" brokers are the
// ones the caller says will be unfenced once the fences in flight commit (cluster_control::unfenced_brokers).
// - The leader rule, which every change below goes through: the current leader stays when it is live and in
//   the new ISR; else the first replica in assignment order that is live and in the new ISR leads; else,
//   when unclean.leader.election.enable holds for the topic (its override, else the broker's), the first
//   live replica in assignment order leads and the ISR becomes just that replica (an unclean election:
//   acknowledged writes it lacks are lost; reported for a loud log); else no leader (-1: offline). A record
//   names the leader only when it changes (applying a leader bumps the leader epoch) and the ISR only when
//   it changes; a partition nothing changes for gets no record.
// - Fence of node N (a fence_broker record, or a register_broker record of a new incarnation of N whose old
//   registration is live: the restarted process may have lost what it had acknowledged): every partition
//   whose ISR holds N gets the ISR without N, except that its last member is never removed (ISR [N], leader
//   -1: electing a replica that may lack acknowledged writes is left to the unclean rule), then the leader
//   rule.
// - Unfence of N: every partition without a leader that N is a replica of gets the leader rule with its ISR
//   as it is (N leads again if it is in the ISR; with unclean election, if no ISR member is live).
// - Controlled shutdown of N (its heartbeats ask for it; N is no longer live): as a fence of N. N may stop
//   once no partition of the image has it as leader and no ISR names it beside other members (may_stop).
// - Preferred leaders (auto.leader.rebalance.enable): a partition whose first replica is live and in the ISR
//   but does not lead gets it as leader.
// - AlterPartition (the leader replaces the ISR, KIP-497), checked against the partition as it will be
//   once the changes in flight commit, in this order: unknown topic (name, and id when given) or partition
//   -> unknown_topic_or_partition; a request the partition already satisfies (same leader, leader epoch
//   and ISR, a partition epoch not newer than the partition's) -> the partition as it is, no record (a
//   repeat is idempotent); leader epoch newer than the partition's -> not_leader_or_follower, older ->
//   fenced_leader_epoch; sender not the leader -> not_leader_or_follower; partition epoch not the
//   partition's -> invalid_update_version; ISR empty, with duplicates, naming a non-replica or without the
//   leader -> invalid_request; a member added to the ISR that is not live -> ineligible_replica. Else one
//   partition_change record with the new ISR in assignment order (the leader stays).
// - Leader resignation (an AlterPartition with `resign`: the leader's appends fail on its disk, full or
//   broken; Kafka moves leaderships off an offline log dir the same way): unknown topic or partition, a
//   leader epoch newer or older than the partition's, or a sender that does not lead it are refused as
//   above (a repeat after the move is fenced_leader_epoch; the image tells the sender). The request's ISR
//   and partition epoch are not used: the ISR is the partition's without the sender, and the leader rule
//   (without unclean election) picks the first replica in assignment order that is live and in it. None ->
//   no_eligible_leader, nothing changes (the sender stays leader: nothing better exists). Else one
//   partition_change record with the new leader (the leader epoch bumps, so the sender truncates as a
//   follower) and the ISR without the sender, which rejoins through the normal ISR expansion once its disk
//   takes appends again. As safe as a fence of the sender: every ISR member has every acknowledged write.
// - Reassignment (AlterPartitionReassignments): the rules of cluster/controller/reassignment.hpp. An
//   AlterPartition whose new ISR holds every replica of a reassignment's target completes it in the same
//   record (Kafka's PartitionChangeBuilder does the same), so the answer may show another leader.
// A partition change proposed but not in the image yet is remembered (the partition as it will be), so
// decisions before the commit build on it; forgotten once the image reached its partition epoch, or by
// proposal_failed() / reset().
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cluster/controller/reassignment.hpp"
#include "cluster/metadata_image.hpp"
#include "cluster/topic_alter.hpp"
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
  std::optional<std::set<int32_t>> live; // brokers replicas may be placed on (default: the image's unfenced ones)
};

// A config change or a partition increase of an existing topic.
struct topic_change_decision {
  std::vector<metadata_record> records; // one batch; empty when refused or when nothing changes
  change_error error = change_error::none;
  std::string reason;                   // set with error
  std::map<std::string, std::string> configs; // the topic's overrides once `records` commit
  int32_t partitions = 0;                     // its partition count then
  static topic_change_decision refused(change_error e, std::string why) {
    topic_change_decision d;
    d.error = e;
    d.reason = std::move(why);
    return d;
  }
};

struct topic_decision {
  std::vector<metadata_record> records; // one batch; empty when refused (or nothing to do)
  topic_refusal refusal = topic_refusal::none;
  std::string reason;                   // set when refused
};

// A partition whose leader changes in a decision (for the shell's log: loudly when unclean).
struct leader_election {
  std::string topic;
  int32_t partition = 0;
  int32_t old_leader = -1;
  int32_t new_leader = -1;      // -1: none, the partition is offline
  std::vector<int32_t> isr;     // after the change
  int32_t leader_epoch = 0;     // after the change
  bool unclean = false;         // the new leader was not in the ISR
};

struct partition_decision {
  std::vector<metadata_record> records; // partition_change records, to go into the same batch
  std::vector<leader_election> elections;
  std::vector<std::string> reassignments; // one line per reassignment started, completed or cancelled (the log)
};

enum class alter_refusal : uint8_t {
  none,
  unknown_topic_or_partition,
  not_leader_or_follower,
  fenced_leader_epoch,
  invalid_update_version,
  invalid_request,
  ineligible_replica,
  no_eligible_leader, // a resignation with no other live in-sync replica to take over
};

// AlterPartition as the rules see it (the message is messages/cluster_api.hpp's alter_partition_request).
struct alter_isr_request {
  int32_t leader_id = -1;
  std::string topic;
  std::string topic_id; // "": not checked
  int32_t partition = 0;
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;
  std::vector<int32_t> isr;
  bool resign = false; // the leader cannot append: elect another in-sync replica, drop the sender from the ISR
};

struct alter_isr_decision {
  std::vector<metadata_record> records; // one partition_change, or none
  alter_refusal refusal = alter_refusal::none;
  std::string reason;                   // set when refused
  std::string topic_id;
  partition_registration state;         // the partition once the changes in flight and `records` commit
  bool committed = false;               // `state` is the image's already: answer at once
  std::vector<leader_election> elections;  // a completed reassignment may move the leader
  std::vector<std::string> reassignments;  // a reassignment it completes (for the log)
};

// AlterPartitionReassignments: one result per request, in order; the records of every accepted one go into
// one batch (refused ones add nothing).
struct reassign_decision {
  partition_decision changes;
  std::vector<reassignment_result> results;
};

struct producer_ids_decision {
  std::vector<metadata_record> records;
  int64_t first = -1; // the block is [first, first + producer_id_block)
};

// Owns: the topic names and ids whose creation or deletion is in flight, the producer-id watermark in
// flight, the partition changes in flight. Invariant: a name is in at most one of creating/deleting.
class replication_control {
public:
  // The broker's unclean.leader.election.enable (a topic's override wins).
  explicit replication_control(bool unclean_leader_election = false) : unclean_default_(unclean_leader_election) {}

  topic_decision create_topic(const metadata_image& img, const create_topic_request& req,
                              const create_topic_context& ctx);
  topic_decision delete_topic(const metadata_image& img, const std::string& name);
  // controller/topic_changes.cpp. validate_only: decided as for real, but nothing is remembered as in flight
  // (so a validation never disturbs a real change proposed before it).
  topic_change_decision alter_configs(const metadata_image& img, const std::string& topic,
                                      const std::vector<config_alter>& ops, bool incremental,
                                      bool validate_only = false);
  topic_change_decision create_partitions(const metadata_image& img, const std::string& topic, int32_t count,
                                          const std::vector<std::vector<int32_t>>& assignments,
                                          const create_topic_context& ctx, bool validate_only = false);
  producer_ids_decision allocate_producer_ids(const metadata_image& img, int32_t node_id, int64_t broker_epoch);

  // The partition changes that go with the broker records of `batch` (fence_broker, unfence_broker,
  // register_broker), taken in order; `live` as before the batch. Every election in it sees the brokers
  // as the whole batch leaves them.
  partition_decision elections_for(const metadata_image& img, const std::vector<metadata_record>& batch,
                                   std::set<int32_t> live);
  partition_decision preferred_leaders(const metadata_image& img, const std::set<int32_t>& live);
  partition_decision controlled_shutdown(const metadata_image& img, int32_t node, const std::set<int32_t>& live);
  // The image has moved every leadership and every shared ISR place away from `node`.
  static bool may_stop(const metadata_image& img, int32_t node);
  alter_isr_decision alter_isr(const metadata_image& img, const alter_isr_request& req, const std::set<int32_t>& live);
  // Starts, changes or cancels reassignments (cluster/controller/reassignment.hpp); `live` as for elections.
  reassign_decision alter_reassignments(const metadata_image& img, const std::vector<reassignment_request>& reqs,
                                        const std::set<int32_t>& live);

  // The partition as this controller's proposals will leave it: a change in flight, else the image's.
  const partition_registration* partition(const metadata_image& img, const std::string& topic_id, int32_t p) const;

  // The proposal carrying `records` failed: their names and ids may be proposed again.
  void proposal_failed(const std::vector<metadata_record>& records);
  void reset();

private:
  using partition_key = std::pair<std::string, int32_t>; // (topic id, partition)
  struct leader_choice {
    int32_t leader = -1;
    std::vector<int32_t> isr;
    bool unclean = false;
  };

  void forget_settled(const metadata_image& img);
  bool unclean_for(const metadata_image& img, const std::string& topic) const;
  leader_choice choose_leader(const partition_registration& p, std::vector<int32_t> isr, const std::set<int32_t>& live,
                              bool unclean) const;
  // Records the change from `cur` to `to` (if any) and remembers the partition as it will be.
  void change(const topic_image& t, int32_t p, const partition_registration& cur, const leader_choice& to,
              partition_decision& out);
  // Records `r` (a change of `cur`) and remembers the partition as it will be; an election when it moves the
  // leader. "" or the invariant `r` would break (then nothing is recorded).
  std::string record_change(const topic_image& t, int32_t p, const partition_registration& cur,
                            const partition_change_record& r, bool unclean, partition_decision& out);
  // replication_reassign.cpp: the partition `moving` becomes (and its leader) once its reassignment completes
  // with ISR `isr`; nullopt when none is in progress or a member of the target is not in `isr`.
  std::optional<std::pair<partition_registration, int32_t>> completed(const partition_registration& moving,
                                                                       const std::vector<int32_t>& isr,
                                                                       const std::set<int32_t>& live) const;
  // Completes the reassignment of `cur` when `isr` (its ISR to be) holds its whole target; false (nothing
  // recorded) otherwise.
  bool complete_reassignment(const topic_image& t, int32_t p, const partition_registration& cur,
                             const std::vector<int32_t>& isr, const std::set<int32_t>& live, partition_decision& out);
  reassignment_result reassign(const metadata_image& img, const reassignment_request& req,
                               const std::set<int32_t>& live, partition_decision& out);
  reassignment_result cancel_reassignment(const topic_image& t, int32_t p, const partition_registration& cur,
                                          const std::set<int32_t>& live, partition_decision& out);
  // f(topic, partition, the partition as it will be, unclean election for the topic) for every partition.
  template <class F>
  void for_each_partition(const metadata_image& img, F&& f) const;
  void on_fence(const metadata_image& img, int32_t node, const std::set<int32_t>& live, partition_decision& out);
  void on_unfence(const metadata_image& img, int32_t node, const std::set<int32_t>& live, partition_decision& out);
  alter_isr_decision resign(const metadata_image& img, const topic_image& t, const alter_isr_request& req,
                            const partition_registration& cur, const std::set<int32_t>& live);

  bool unclean_default_;
  std::set<std::string> creating_;   // topic names
  std::set<std::string> deleting_;   // topic ids
  int64_t next_producer_id_ = 0;     // past every block proposed by this controller
  std::map<partition_key, partition_registration> pending_; // partitions as the changes in flight leave them
  std::map<std::string, std::map<std::string, std::string>> configs_in_flight_; // topic name -> overrides
  std::map<std::string, int32_t> growing_;  // topic id -> partition count the increases in flight leave
};

} // namespace samsa::cluster
