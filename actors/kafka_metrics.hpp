#pragma once
// Live counters of a node's Kafka listener for /metrics: requests, errors and latency per API key, and
// connections. Written by the acceptor and the sessions (CAF's multiplexer thread), read by scrapes on
// the HTTP listener's threads: atomics only, never a lock, nothing that can block either side. One per
// node, shared through kafka_listener_config (null there: nothing is counted).
#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "messages/prometheus.hpp"

namespace samsa::actors {

struct kafka_api_stats {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> errors{0}; // answers carrying an error code, or a closed connection
  prometheus::histogram duration{prometheus::latency_buckets_seconds()};
};

class kafka_metrics {
public:
  // API keys 0..max_api_key-1 have their own stats; any other key (a client sending garbage) is counted
  // under other_apis().
  static constexpr int16_t max_api_key = 72;

  // One request answered (or failed) after `seconds` in the broker.
  void record(int16_t api_key, double seconds, bool error) {
    auto& s = stats_for(api_key);
    s.requests.fetch_add(1, std::memory_order_relaxed);
    if (error)
      s.errors.fetch_add(1, std::memory_order_relaxed);
    s.duration.observe(seconds);
  }
  const kafka_api_stats& api(int16_t api_key) const { return const_cast<kafka_metrics*>(this)->stats_for(api_key); }
  const kafka_api_stats& other_apis() const { return other_; }

  std::atomic<int64_t> connections_open{0};
  std::atomic<uint64_t> connections_accepted{0};

  // Incremental fetch sessions (KIP-227, actors/fetch_sessions.hpp): opened by full fetches, incremental
  // fetches answered, FETCH_SESSION_ID_NOT_FOUND / INVALID_FETCH_SESSION_EPOCH answers, sessions cached now.
  std::atomic<uint64_t> fetch_sessions_created{0};
  std::atomic<uint64_t> fetch_sessions_incremental{0};
  std::atomic<uint64_t> fetch_session_errors{0};
  std::atomic<int64_t> fetch_sessions_open{0};

private:
  kafka_api_stats& stats_for(int16_t api_key) {
    return api_key >= 0 && api_key < max_api_key ? per_api_[static_cast<size_t>(api_key)] : other_;
  }
  std::array<kafka_api_stats, max_api_key> per_api_;
  kafka_api_stats other_;
};

} // namespace samsa::actors
