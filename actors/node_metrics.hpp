#pragma once
// What /metrics shows for a node, gathered on an HTTP listener thread (never on CAF's threads):
// - per topic and partition: the partition actors' traffic counters and log offsets and size, through the
//   broker's describe (one request, bounded by a timeout);
// - per consumer group: members, committed offsets and lag (log end offset - committed), through the
//   broker's group list and describe;
// - per Kafka API: requests, errors and latency, and connections, from the atomics of kafka_metrics and
//   native_transport;
// - the process: CPU time, resident memory, open descriptors, from /proc/self.
// Every question to an actor shares one deadline (collect_budget), so a scrape answers within it even when
// an actor is stuck; what did not arrive in time is missing and samsa_metrics_collection_complete is 0.
// Scrapes are serialised (one collection at a time per node), so a burst of scrapers cannot multiply the
// load on the actors. Metric names: docs/operations.md.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>

#include "actors/kafka_metrics.hpp"
#include "messages/native_api.hpp"

namespace samsa::actors {

constexpr auto collect_budget = std::chrono::seconds(3);

// The one deadline shared by every question of a collection (a scrape, a console request), on the actor
// system's clock (the one that times the requests out; actors/actor_clock.hpp).
struct collect_deadline {
  explicit collect_deadline(const caf::actor_clock& c) : clock(&c), at(c.now() + collect_budget) {}
  const caf::actor_clock* clock;
  caf::actor_clock::time_point at;
  // What is left of the budget, or nullopt when it is spent (then nothing more is asked).
  std::optional<std::chrono::milliseconds> left() const {
    auto rest = std::chrono::duration_cast<std::chrono::milliseconds>(at - clock->now());
    if (rest.count() <= 0)
      return std::nullopt;
    return rest;
  }
};

class node_metrics {
public:
  node_metrics(caf::actor_system& sys, broker_actor broker, std::shared_ptr<kafka_metrics> kafka)
    : sys_(sys), broker_(std::move(broker)), kafka_(std::move(kafka)) {}

  // One scrape in Prometheus text format. Blocks the calling (non-CAF) thread for at most about
  // collect_budget.
  std::string render();

private:
  caf::actor_system& sys_;
  broker_actor broker_;
  std::shared_ptr<kafka_metrics> kafka_;
  std::mutex one_at_a_time_;
};

// The process's own numbers, as Prometheus' client libraries export them (process_* names).
struct process_stats {
  double cpu_seconds = 0;      // user + system
  int64_t resident_bytes = 0;
  int64_t virtual_bytes = 0;
  int64_t open_fds = -1;       // -1: unknown
  int64_t max_fds = -1;        // RLIMIT_NOFILE soft limit
};

// Parses /proc/self/stat (fields after the parenthesised command, which may itself hold spaces and
// parentheses). nullopt for text that does not have the fields.
std::optional<process_stats> parse_proc_stat(std::string_view text, long ticks_per_second, long page_size);

// Reads /proc/self/stat, /proc/self/fd and the descriptor limit; fields it cannot read stay at their defaults.
process_stats read_process_stats();

} // namespace samsa::actors
