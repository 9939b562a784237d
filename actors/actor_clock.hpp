#pragma once
// Time in actors. Two clocks, each for its own purpose:
//
// - actor_clock_ms(self): the actor system's clock (`self->clock().now()`), monotonic, and virtual under
//   CAF's test coordinator (advance_time / trigger_timeouts move it). Every timeout, deadline and elapsed-
//   time check inside an actor uses it: group session and rebalance deadlines, idle connections, log rate
//   limits, scrub pauses. It is the same clock that fires `delayed_send`, so a deadline computed from it and
//   the timer armed for it agree, in real runs and in tests alike.
// - wall_clock_ms(): the system clock, only where Kafka semantics need wall time: record timestamps and log
//   append time, retention and segment rolls by time (the partition log keeps its own wall-clock
//   bookkeeping), commit timestamps of committed offsets and `offsets.retention.minutes` expiry, topic
//   creation times shown to users.
//
// Request timeouts between actors are named here too, instead of literals scattered through the handlers.
#include <chrono>
#include <cstdint>

namespace samsa::actors {

// Milliseconds on the actor clock: steady time in real runs, virtual time under the test coordinator. Only
// differences between two readings mean anything.
template <class Self>
int64_t actor_clock_ms(Self* self) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(self->clock().now().time_since_epoch()).count();
}

// Steady clock in milliseconds, for the few process-wide limits that no single actor owns (the node-wide
// scrub budget, log rate limits inside connection handlers, which have no actor clock).
inline int64_t steady_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// Wall clock in milliseconds (record timestamps are wall-clock, as in Kafka).
inline int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace timeouts {

// One actor asking another on this node for an answer that needs no waiting (broker, registry, a replica).
constexpr auto request = std::chrono::seconds(30);
// Describing a group: an operator command waits at most this long for each coordinator.
constexpr auto describe = std::chrono::seconds(10);
// Creating or deleting topics: directories are created or removed on disk.
constexpr auto admin = std::chrono::seconds(60);
// A JoinGroup or SyncGroup can wait a whole rebalance in the coordinator.
constexpr auto rebalance = std::chrono::minutes(10);

} // namespace timeouts

} // namespace samsa::actors
