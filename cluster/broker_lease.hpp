#pragma once
// A cluster node's lease on the leaderships its metadata image gives it.
//
// The active controller fences a broker whose heartbeats stopped for broker.session.timeout.ms and elects
// other leaders for its partitions. A broker that was frozen (SIGSTOP, a long GC-like stall) or cut off
// learns that only when a newer image reaches it; until then its image still names it leader. Clients
// without KIP-320 (librdkafka before 2.1, the Debian one) take that broker's stale Metadata answer as the
// truth and send it their next batches: an idempotent producer whose later sequences the new leader
// already acknowledged then gets OUT_OF_ORDER_SEQUENCE from the stale leader, which librdkafka treats as a
// fatal "sequence desynchronization" (seen in the leader-pause experiment).
//
// The lease closes that window: it runs from when a heartbeat was *sent* (the controller saw it then or
// later, so it fences no earlier than that plus the session timeout) until the session timeout after it,
// and only heartbeats the controller answered "registered, unfenced" renew it. A partition leader serves
// produce, fetch, ListOffsets and DeleteRecords only while its node's lease holds (and the lifecycle
// revokes it when it sees its process was frozen: its own controller may be the stale one answering); otherwise it answers
// NOT_LEADER_OR_FOLLOWER, which every client retries after a metadata refresh. A node that was frozen
// past its session holds no lease when it resumes, and a restarted node holds none until its first
// unfenced heartbeat answer.
//
// Written by the lifecycle actor, read by the node's partition replicas: both on the actor system's clock
// (actor_clock_ms), so the test coordinator's virtual time drives it too. Kafka's brokers keep no such
// lease (its Java clients check leader epochs instead); it costs nothing while heartbeats flow.
#include <algorithm>
#include <atomic>
#include <cstdint>

namespace samsa::cluster {

class broker_lease {
public:
  explicit broker_lease(int64_t session_timeout_ms) : session_timeout_ms_(session_timeout_ms) {}

  // A heartbeat sent at sent_ms was answered "registered, unfenced": the lease holds until sent_ms plus
  // the session timeout (never shortened by a late answer to an older heartbeat).
  void renew(int64_t sent_ms) {
    const int64_t until = sent_ms + session_timeout_ms_;
    int64_t cur = until_.load(std::memory_order_relaxed);
    while (cur < until && !until_.compare_exchange_weak(cur, until, std::memory_order_relaxed)) {
    }
  }

  // The controller answered "fenced" or no longer knows the registration: no lease until renewed.
  void revoke() { until_.store(0, std::memory_order_relaxed); }

  bool holds(int64_t now_ms) const { return now_ms < until_.load(std::memory_order_relaxed); }

  // 0: never held (or revoked).
  int64_t until_ms() const { return until_.load(std::memory_order_relaxed); }

private:
  int64_t session_timeout_ms_;
  std::atomic<int64_t> until_{0};
};

} // namespace samsa::cluster
