#pragma once
// The partition replica actor: owns one partition's persistence::partition_log and serialises every
// access to it. It runs on CAF's scheduler (never on the multiplexer thread), so CRC checks, encoding and
// file I/O happen here.
//
// Two named behaviours, switched with become() when the metadata image names a new leader epoch
// (leadership_atom from the node's broker; a lower or equal epoch never switches, except that an epoch known
// without its leader, after a leader stepped down on its failing disk, takes the leader the image names):
//   leader   (actors/partition_leader.cpp): appends client batches, tracks its followers with
//            cluster::replica::isr_tracker (HW, ISR shrink/expand proposed to the controller as
//            AlterPartition, acks=all parked until the HW passes the batch), serves replica fetches and
//            OffsetsForLeaderEpoch.
//   follower (actors/partition_follower.cpp): asks the leader where its latest epoch ends, truncates
//            (cluster::replica::plan_truncation, KIP-101/279), then pulls byte-bounded batches with a long
//            poll and appends them with the leader's offsets and epochs; producer state is rebuilt from the
//            same batches. Client requests get NOT_LEADER_OR_FOLLOWER.
// A single node's replicas are leaders of a one-replica ISR from the start: the same code, HW = LEO.
//
// Consumers read below the high watermark only. Long-poll fetches (max_wait_ms, min_bytes) are parked in
// the actor and answered when the HW brings enough bytes, or when their deadline passes.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/actor_clock.hpp" // wall_clock_ms, kept visible to includers of this header
#include "cluster/broker_lease.hpp"
#include "cluster/replica/isr_tracker.hpp"
#include "messages/native_api.hpp"
#include "persistence/append_health.hpp"
#include "persistence/log_config.hpp"
#include "persistence/partition_log.hpp"
#include "persistence/producer_state.hpp"

namespace samsa::actors {

// A reader of what a replica has committed, on the same node: the group registry materialises the offsets
// log (cluster/offsets_topic.hpp) from the replicas of __consumer_offsets, leaders and followers alike.
// replica_progress goes to the partition config's progress_listener whenever the replica's HW, role or
// leader epoch changes; read_committed reads below the HW in either role.
using read_committed_atom = caf::atom_constant<caf::atom("readcmt")>;
using replica_progress_atom = caf::atom_constant<caf::atom("rprogress")>;

struct committed_read {
  uint8_t error = 0; // api_errc
  std::vector<char> records;
  int64_t high_watermark = 0;
  int64_t log_start_offset = 0;
};

struct replica_progress {
  int32_t partition = 0;
  int32_t leader_epoch = -1;
  bool leader = false;
  int64_t high_watermark = 0;
  int64_t log_end_offset = 0;
  caf::actor replica;
};

struct partition_replica_config {
  std::string topic;
  int32_t partition = 0;
  std::filesystem::path dir;
  persistence::log_config log;
  broker_id_t node_id{1};
  leader_epoch_t leader_epoch{0}; // a single node's epoch (leadership is empty); a cluster's comes with leadership
  int32_t min_insync_replicas = 1;
  // The image's registration at open (cluster); empty replicas: a single node, this node leads alone.
  partition_leadership leadership;
  caf::actor_addr broker;     // the node's broker: peer lookups for a follower (cluster only)
  caf::actor_addr controller; // the node's controller: AlterPartition (cluster only)
  caf::actor progress_listener; // told about HW/role changes (replica_progress); null: nobody
  int64_t replica_lag_time_max_ms = 30000;  // replica.lag.time.max.ms
  int32_t replica_fetch_max_bytes = 1048576; // replica.fetch.max.bytes
  int32_t replica_fetch_wait_max_ms = 500;  // replica.fetch.wait.max.ms
  int64_t retention_check_interval_ms = 300000;
  int64_t producer_id_expiration_ms = 86400000; // producer.id.expiration.ms
  // Producer ids at or above this were never issued (InitProducerId reserves blocks below it); batches
  // carrying one are refused. Shared with the broker, which raises it; null: not checked.
  std::shared_ptr<const std::atomic<int64_t>> producer_id_limit;
  // Cluster: the node's lease (cluster/broker_lease.hpp); a leader serves clients only while it holds.
  // Null: no lease is needed (a single node).
  std::shared_ptr<const cluster::broker_lease> lease;
};

// The scrubber's timer (persistence/scrubber.hpp): one bounded, rate-limited slice per message.
using scrub_atom = caf::atom_constant<caf::atom("scrub")>;
// The leader's replication timer (ISR lag, acks=all deadlines, proposal retries) and a follower's retry
// after a backoff; both carry the role generation they were started in (stale ones are dropped).
using isr_tick_atom = caf::atom_constant<caf::atom("isr_tick")>;
using resume_atom = caf::atom_constant<caf::atom("resume")>;
// Local only, from the node's broker: the topic's configs changed (AlterConfigs): the log settings and
// min.insync.replicas apply from now on (retention runs at once).
using topic_config_atom = caf::atom_constant<caf::atom("topic_cfg")>;

// The actor's full interface: the public partition_actor, replication, and its own timers.
using partition_replica_actor = partition_actor::extend<
  caf::reacts_to<expire_atom, uint64_t>, caf::reacts_to<tick_atom>, caf::reacts_to<scrub_atom>,
  caf::replies_to<replica_fetch_atom, replica_fetch_request>::with<replica_fetch_response>,
  caf::replies_to<epoch_end_atom, epoch_end_request>::with<epoch_end_response>,
  caf::reacts_to<leadership_atom, partition_leadership>, caf::reacts_to<isr_tick_atom, uint64_t>,
  caf::reacts_to<resume_atom, uint64_t>, caf::reacts_to<topic_config_atom, persistence::log_config, int32_t>,
  caf::replies_to<read_committed_atom, int64_t, int32_t>::with<committed_read>>;

struct pending_fetch {
  fetch_request request;
  caf::typed_response_promise<fetch_response> promise;
};

// A follower's fetch parked on the leader until new records arrive or its wait ends.
struct pending_replica_fetch {
  replica_fetch_request request;
  caf::typed_response_promise<replica_fetch_response> promise;
};

// An acks=all produce appended on the leader, waiting for the HW to pass its batch.
struct pending_ack {
  partition_produce_result result;
  caf::typed_response_promise<partition_produce_result> promise;
};

enum class replica_role : uint8_t { leader, follower };

struct partition_replica_state {
  partition_replica_config cfg;
  std::shared_ptr<persistence::partition_log> log;
  persistence::producer_state producers; // idempotent producers' sequences
  bool producers_dirty = false;          // appended since the last producer-state snapshot
  std::unordered_map<uint64_t, pending_fetch> waiting; // parked long-poll fetches by id
  uint64_t next_fetch_id = 1;                          // ids of parked fetches, replica fetches and acks
  // Replication.
  partition_leadership leadership;      // the registration this replica acts on (highest epoch seen)
  replica_role role = replica_role::leader;
  uint64_t generation = 0;              // bumped at every role change: stale timers and answers are dropped
  int64_t high_watermark = 0;           // consumers read below it
  bool hw_dirty = false;                // not yet checkpointed
  std::optional<cluster::replica::isr_tracker> isr; // the leader's follower bookkeeping
  int64_t proposal_refused_ms = -1;     // actor clock: when the controller refused the proposal in flight
  std::unordered_map<uint64_t, pending_replica_fetch> replica_waiting;
  std::unordered_map<uint64_t, pending_ack> acks;
  caf::actor leader_broker;             // follower: the leader node's broker (null: look it up), monitored
  uint64_t request_seq = 0;             // follower: the request to the leader in flight; a newer one, or the
                                        // leader's broker going down, abandons it (its answer is dropped)
  int64_t tick_interval_ms = 1000;      // the housekeeping timer (retention, flush, checkpoints)
  int64_t next_retention_check_ms = 0;  // actor clock: when retention runs next
  persistence::append_health health{""};  // disk-full / I/O failure reported once per change
  // Leader whose appends fail on the disk: it asks the controller to move its leadership to another
  // in-sync replica (partition_leader.cpp), one request at a time, again after a growing pause.
  bool resign_in_flight = false;
  int64_t resign_next_ms = 0;             // actor clock: the earliest time to ask again
  int64_t resign_backoff_ms = 0;          // the pause after the next answer (0: the first)
  int64_t next_scrub_pass_ms = 0;         // actor clock: when the next scrub pass may start
  bool lease_refused = false;             // leader: the last client request was refused for want of a lease
  int64_t records_in = 0;                 // traffic counters reported by info_atom (/metrics)
  int64_t bytes_in = 0;
  int64_t bytes_out = 0;
  replica_progress published;             // what the progress listener was told last
  static inline const char* name = "samsa.partition_replica";
  ~partition_replica_state();
};

// Opens the log synchronously (so a broker learns at once when a directory is unusable) and spawns the
// actor that owns it.
caf::expected<partition_actor> spawn_partition_replica(caf::actor_system& sys, partition_replica_config cfg);

partition_replica_actor::behavior_type
partition_replica(partition_replica_actor::stateful_pointer<partition_replica_state> self,
                  partition_replica_config cfg, std::shared_ptr<persistence::partition_log> log,
                  std::shared_ptr<persistence::producer_state> producers);

// Loads the producer-state snapshot of a partition and replays the log after it (startup recovery).
persistence::producer_state recover_producer_state(const std::filesystem::path& dir,
                                                   const persistence::partition_log& log);

// Maps the storage layer's errors to the API's (the one place that does).
api_errc to_api_errc(persistence::errc e);

// -- shared by the behaviours (partition_replica.cpp, partition_leader.cpp, partition_follower.cpp) ----
using partition_replica_ptr = partition_replica_actor::stateful_pointer<partition_replica_state>;

// Switches to the leader or follower behaviour for `l` (a higher leader epoch than the current one), or
// applies an ISR change of the current epoch.
void on_leadership(partition_replica_ptr self, partition_leadership l);
partition_replica_actor::behavior_type leader_behavior(partition_replica_ptr self);
partition_replica_actor::behavior_type follower_behavior(partition_replica_ptr self);
// Leader side: start (a new isr_tracker from the leadership and the log, taking over the acks=all waiters
// of `previous`, this node's tracker of the epoch before when it leads again), stop (waiters fail; with
// leads_again, the same node leads the next epoch: the tracker is returned, its waiters kept, for start).
void start_leading(partition_replica_ptr self, std::optional<cluster::replica::isr_tracker> previous = std::nullopt);
std::optional<cluster::replica::isr_tracker> stop_leading(partition_replica_ptr self, bool leads_again = false);
// Follower side: (re)start the fetch loop of the current generation.
void start_following(partition_replica_ptr self);
// Follower side: forget the leader's broker (demonitored; the request in flight abandoned).
void forget_leader_broker(partition_replica_ptr self);
// Follower side: a monitored actor went down. The leader's broker going down (its node's connection lost:
// killed, restarted, or cut off while this node was paused) ends the request in flight at once: CAF never
// answers a request whose connection died, so without this the follower waited for the request's timeout
// (max wait + 10 s) before fetching again, and the leader kept writes waiting on it (acks=all) until
// replica.lag.time.max.ms took it out of the ISR.
void on_monitored_down(partition_replica_ptr self, const caf::down_msg& dm);
// Consumer fetches parked here: answer those the HW now satisfies.
void release_waiting(partition_replica_ptr self);
// Fails every parked consumer fetch with `e` (leadership moved, deletion).
void fail_waiting(partition_replica_ptr self, api_errc e);
partition_produce_result produce_failed(int32_t partition, api_errc e, std::string msg);
void save_producers(partition_replica_state& st);
// Tells the progress listener (if any) about a changed HW, role or leader epoch.
void publish_progress(partition_replica_ptr self);

// Leader role logic (partition_leader.cpp), called by the leader behaviour's handlers.
// timeout_ms: how long an acks=all answer may wait for the HW (the client's; <= 0: 30 s).
caf::result<partition_produce_result> leader_append(partition_replica_ptr self, std::vector<char>& batch, int16_t acks,
                                                    int64_t timeout_ms);
caf::result<replica_fetch_response> serve_replica_fetch(partition_replica_ptr self, replica_fetch_request& req);
epoch_end_response answer_epoch_end(partition_replica_ptr self, const epoch_end_request& req);
void on_isr_tick(partition_replica_ptr self);
// Carries out what the ISR tracker decided: publish the HW (wake consumers), answer acks=all produces, send
// an AlterPartition proposal to the controller.
void apply_isr_effects(partition_replica_ptr self, cluster::replica::isr_effects effects);
// A replica fetch parked on the leader: answer it now (new records, its deadline, or a role change).
void release_replica_waiting(partition_replica_ptr self, bool deadline_passed);
// A parked replica fetch's wait ended: answer it (false: no such id).
bool expire_replica_fetch(partition_replica_ptr self, uint64_t id);
// The in-band error of a request naming leader epoch `epoch` (fenced / unknown), ok when it matches.
api_errc check_leader_epoch(const partition_replica_state& st, leader_epoch_t epoch);

} // namespace samsa::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::persistence::log_config)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::actors::committed_read)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(samsa::actors::replica_progress)
