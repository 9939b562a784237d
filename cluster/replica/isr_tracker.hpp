#pragma once
// The partition leader's replication bookkeeping for one partition (Kafka's Partition + Replica state on
// the leader, KRaft era, with KIP-966's rule for the high watermark), as a pure class: inputs are calls
// with the current time, outputs are isr_effects values for the shell (the partition actor) to carry out.
// No clock, no I/O, no actors.
//
// Rules:
// - Follower state (Kafka's Replica.updateFetchStateOrThrow): a fetch at fetch_offset is the follower's
//   log end offset (LEO). At fetch time t with the leader's LEO L:
//     fetch_offset >= L                              -> last_caught_up = max(last_caught_up, t)
//     fetch_offset >= L as of the previous fetch     -> last_caught_up = max(last_caught_up, previous fetch time)
//   then the fetch's L and t are remembered for the next fetch. A new leader starts every follower with an
//   unknown LEO (-1) and last_caught_up = now for ISR members, 0 for the others (Kafka's resetReplicaState).
// - Shrink: an ISR follower is out of sync when its LEO != the leader's LEO and it has not caught up for
//   more than replica_lag_time_max_ms (Kafka's isCaughtUp). tick() proposes the ISR without them.
// - Expand: a follower outside the ISR whose LEO >= HW and >= the start offset of this leader epoch
//   (Kafka's isFollowerInSync) is proposed into the ISR at its fetch.
// - Proposals: an ISR change is only proposed (alter_partition_proposal, Kafka's AlterPartition with the
//   leader and partition epochs it is based on); at most one is in flight. It takes effect when the
//   controller's committed change comes back through apply_partition_change() with a higher partition
//   epoch; an older or equal partition epoch is stale and ignored. The proposal stays in flight until then:
//   tick() sends it again every proposal_retry_ms (a lost request or answer), and only proposal_failed(), a
//   definite "not applied" from the controller, forgets it. Never forget it on a timeout: the controller may
//   have committed an expansion the leader has not heard of, and a HW that stopped waiting for the new
//   member could pass records that member lacks while the controller may elect it (the simulation found
//   exactly this with a forgetting timeout).
// - Maximal ISR (Kafka's maximalIsr): the committed ISR plus the members of the proposal in flight. The HW
//   waits for every member of it, so a follower being added counts at once and one being removed counts
//   until the removal commits. (Kafka also waits for an unfenced follower outside it that is caught up,
//   shouldWaitForReplicaToJoinIsr; without fencing information here a dead one would hold acks=all for
//   replica_lag_time_max_ms, so samsa does not: such a follower is proposed at its next fetch instead.)
// - High watermark: min(leader LEO, LEO of every replica the HW waits for); a follower whose LEO is unknown
//   holds it where it is. It is advanced only while the committed ISR has at least min_insync_replicas
//   members (KIP-966: a write is acknowledged only when min ISR replicas have it) and never moves
//   backwards; it starts at the HW the new leader knew as a follower.
// - acks=all: accept_acks_all() is false (NOT_ENOUGH_REPLICAS, before the append) while the committed ISR is
//   smaller than min ISR. A waiter (produce request id, last offset of its batch, deadline) completes:
//     ok                                 once HW > last offset (every member of the maximal ISR has it)
//     not_enough_replicas_after_append   when a committed change leaves the ISR below min ISR (Kafka would
//                                        let it wait for the timeout; the HW cannot pass it before the ISR
//                                        grows again, so it is answered at once and the client retries)
//     request_timed_out                  at its deadline (tick)
//     not_leader_or_follower             on resign() (a higher leader epoch names another leader)
//   Completions come out in the order of the waiters' offsets. When the same node leads the next leader
//   epoch too (a reassignment names the leader anew, which bumps the epoch), the new tracker takes the old
//   one's waiters over (take_waiters) instead: the log was not cut, so the batch is still there and the new
//   epoch's HW commits it. Kafka's makeLeader for a leader that stays leaves its DelayedProduce waiting
//   too. Failing them would answer NOT_LEADER_OR_FOLLOWER ("not persisted") for a stored batch while a
//   later batch of the same producer, sent before the answer came, succeeds here; librdkafka then counts
//   the first batch as implicitly acknowledged and reports it without an offset.
//
// Owns: the follower states, the committed ISR and its epochs, the proposal in flight, the HW, the waiters.
// The assignment (replicas) is fixed for the tracker's life: a reassignment starts a new one.
// Called by: the leader's partition actor (single-threaded): on_leader_append() after each local append,
//   on_follower_fetch() for each replica fetch of this leader epoch, tick() periodically (often enough for
//   the produce deadlines and proposal retries; Kafka checks the ISR every replica.lag.time.max.ms / 2),
//   apply_partition_change() for each partition change of the image with this leader epoch, resign() when
//   leadership moves (take_waiters() on the next tracker instead when the node leads again), add_waiter()
//   for each acks=all append.
// Invariants: the leader is always in the ISR and never in a proposal's removals; high_watermark() never
//   decreases and never exceeds the leader's LEO; it advances only while |committed ISR| >= min ISR, and
//   only to a point every member of the maximal ISR had reported reaching.
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace samsa::cluster::replica {

struct isr_config {
  int64_t replica_lag_time_max_ms = 30000; // Kafka's replica.lag.time.max.ms
  int32_t min_insync_replicas = 1;         // min.insync.replicas of the topic
  int64_t proposal_retry_ms = 5000;        // a proposal without outcome is sent again after this long
};

// What the leader knows of the partition when it takes over (from the image's partition registration).
struct leader_start {
  int32_t self = -1;
  std::vector<int32_t> replicas;      // assignment order
  std::vector<int32_t> isr;           // committed, contains self
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;
  int64_t log_end = 0;                // the leader's LEO now, which is also where its epoch starts
  int64_t high_watermark = 0;         // what it knew as a follower (its checkpoint), <= log_end
};

// AlterPartition: replace the ISR, valid only against exactly these epochs.
struct alter_partition_proposal {
  std::vector<int32_t> isr; // in assignment order, contains the leader
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0; // the committed partition epoch the proposal is based on
};

enum class ack_result : uint8_t {
  ok,
  not_enough_replicas_after_append,
  request_timed_out,
  not_leader_or_follower,
};

struct ack_completion {
  uint64_t id = 0;
  ack_result result = ack_result::ok;
};

// What the shell does after a call, in this order: checkpoint and publish the new HW (wake consumers'
// long polls), answer the completed produce requests, send the proposal to the controller.
struct isr_effects {
  std::optional<int64_t> high_watermark; // set when the HW advanced
  std::vector<ack_completion> acks;
  std::optional<alter_partition_proposal> proposal;
};

enum class change_outcome : uint8_t {
  applied,        // the ISR and partition epoch changed
  stale,          // an older or equal partition epoch, or an older leader epoch: ignored
  leader_changed, // a higher leader epoch: this tracker is done, resign()
};

class isr_tracker {
public:
  isr_tracker(leader_start start, isr_config cfg, int64_t now_ms);

  // The leader appended locally; log_end is its new LEO (never smaller than before).
  isr_effects on_leader_append(int64_t log_end, int64_t now_ms);
  // A replica fetch of this leader epoch from `follower` at fetch_offset (its LEO). Ignored (empty effects)
  // for an unknown replica, the leader itself, or fetch_offset beyond the leader's LEO (the shell answers
  // OFFSET_OUT_OF_RANGE).
  isr_effects on_follower_fetch(int32_t follower, int64_t fetch_offset, int64_t now_ms);
  // Shrink proposals, the retry of the proposal in flight, waiter deadlines.
  isr_effects tick(int64_t now_ms);
  // A committed partition change as the image shows it.
  change_outcome apply_partition_change(const std::vector<int32_t>& isr, int32_t leader_epoch,
                                        int32_t partition_epoch, isr_effects& out);
  // The controller answered that it did not apply the proposal in flight (Kafka's OPERATION_NOT_ATTEMPTED,
  // INELIGIBLE_REPLICA) and no copy of it can reach the controller any more (one ordered channel): forget
  // it. Not for a timeout, a lost answer, or INVALID_UPDATE_VERSION / FENCED_LEADER_EPOCH (the image will
  // bring the newer partition epoch that settles it).
  void proposal_failed();
  // Leadership moved: every waiter fails with not_leader_or_follower; the tracker must not be used again.
  isr_effects resign();
  // This node leads the next leader epoch too, and `previous` was its tracker of the epoch before (the log
  // unchanged since): its acks=all waiters move here, deadlines kept, and wait for this tracker's HW (those
  // it already passed complete in the effects; below min ISR all fail not_enough_replicas_after_append, as
  // after apply_partition_change). `previous` is left without waiters, not to be used again.
  isr_effects take_waiters(isr_tracker& previous);

  // The topic's min.insync.replicas changed (AlterConfigs): the HW may advance now that a lower minimum
  // lets it (its effects), or holds from now on below a higher one.
  isr_effects set_min_insync_replicas(int32_t n);

  // acks=all pre-check (false: NOT_ENOUGH_REPLICAS, nothing appended).
  bool accept_acks_all() const;
  // Parks an acks=all produce whose batch ends at last_offset. Completes at once (in the effects) when the
  // HW already passed it.
  isr_effects add_waiter(uint64_t id, int64_t last_offset, int64_t deadline_ms);

  int64_t high_watermark() const { return hw_; }
  int64_t log_end() const { return leo_; }
  const std::vector<int32_t>& isr() const { return isr_; }
  std::vector<int32_t> maximal_isr() const;
  int32_t leader_epoch() const { return leader_epoch_; }
  int32_t partition_epoch() const { return partition_epoch_; }
  bool proposal_in_flight() const { return pending_.has_value(); }
  size_t waiters() const { return waiters_.size(); }
  // -1 when unknown (no fetch in this leader epoch yet).
  int64_t follower_log_end(int32_t follower) const;

private:
  struct follower_state {
    int64_t leo = -1;
    int64_t last_fetch_leader_leo = -1;
    int64_t last_fetch_ms = 0;
    int64_t last_caught_up_ms = 0;
  };
  struct pending_change {
    alter_partition_proposal proposal;
    int64_t sent_ms = 0;
  };
  struct waiter {
    uint64_t id;
    int64_t last_offset;
    int64_t deadline_ms;
  };

  bool in_isr(int32_t id) const;
  // A replica outside the assignment (a change naming one) is an unknown LEO, never caught up.
  const follower_state& state(int32_t id) const;
  bool caught_up(const follower_state& f, int64_t now_ms) const;
  // Recomputes the HW and completes the waiters it passed.
  void advance(isr_effects& out);
  void propose(std::vector<int32_t> isr, int64_t now_ms, isr_effects& out);
  void fail_all(ack_result why, isr_effects& out);

  int32_t self_;
  std::vector<int32_t> replicas_;
  std::vector<int32_t> isr_;
  int32_t leader_epoch_;
  int32_t partition_epoch_;
  int64_t epoch_start_;
  int64_t leo_;
  int64_t hw_;
  isr_config cfg_;
  std::map<int32_t, follower_state> followers_;
  std::optional<pending_change> pending_;
  std::multimap<int64_t, waiter> waiters_; // by last offset
};

} // namespace samsa::cluster::replica
