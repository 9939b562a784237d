#pragma once
// The web console's shell (pages, JSON endpoints and history: console/), on the node's HTTP listener.
// Everything here runs on HTTP listener threads or on the console's own sampler thread, never on CAF's
// threads: like a /metrics scrape, a request asks the node's actors through a scoped_actor, every question
// of one request sharing one deadline (collect_deadline, 3 s), so a request always answers; an actor that
// did not answer in time gives a 503 naming it (or, for the overview, figures marked incomplete).
//
// The sampler thread reads the topics' traffic counters and the groups' lag every sample_interval and keeps
// them in memory (console::rate_tracker, console::lag_history; bounded), for the overview's rates and the
// group page's lag chart. Owned by the node (node_handle::console): created and started by start_node with
// the HTTP listener, stopped by stop_node after the listener (it joins the sampler).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/http_listener.hpp"
#include "cluster/server_config.hpp"
#include "console/history.hpp"
#include "console/console_request.hpp"
#include "messages/native_api.hpp"

namespace samsa::actors {

constexpr auto console_sample_interval = std::chrono::seconds(5);
// The lag history: 120 samples of 5 s (10 minutes) per (group, partition), at most 4,096 series; a series
// not sampled for console_history_span belongs to a group or partition that is gone.
constexpr size_t console_history_samples = 120;
constexpr size_t console_history_series = 4096;
constexpr auto console_history_span = console_sample_interval * console_history_samples;
// Groups described per overview or sample (their committed offsets); further groups are listed without lag.
constexpr size_t console_max_described_groups = 256;

class node_console {
public:
  // quorum and controller: the node's control plane (null on a single node).
  node_console(caf::actor_system& sys, broker_actor broker, cluster::server_config cfg, caf::actor quorum,
               caf::actor controller);
  ~node_console();
  node_console(const node_console&) = delete;
  node_console& operator=(const node_console&) = delete;

  // One GET (decoded path, query parameters). Blocks the calling (non-CAF) thread for at most about
  // collect_budget.
  http_response handle(const std::string& path, const std::multimap<std::string, std::string>& query);

  void start_sampler();
  // Stops and joins the sampler. Idempotent.
  void stop();

private:
  http_response answer(const console::console_request& req);
  // /api/reports and a run's report.html: files under ./experiment-runs (console/reports.hpp).
  http_response reports(const console::console_request& req);
  void sample_once();

  caf::actor_system& sys_;
  broker_actor broker_;
  cluster::server_config cfg_;
  caf::actor quorum_;
  caf::actor controller_;

  std::mutex history_mutex_; // guards rates_ and lags_
  console::rate_tracker rates_;
  console::lag_history lags_;

  std::mutex sampler_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread sampler_;
};

} // namespace samsa::actors
