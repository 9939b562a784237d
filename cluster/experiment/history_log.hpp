#pragma once
// An experiment's history file (docs/experiments.md "The history format"), written as events happen: one
// JSON line per event, stamped under one mutex so the file's order is the order of the times, with running
// counts for progress lines. Shared by the process runner (tools/experiment) and the in-process engine
// (actors/embedded_experiment). Times are nanoseconds of the steady clock since construction.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "cluster/checker/history.hpp"

namespace samsa::cluster::experiment {

class history_log {
public:
  explicit history_log(const std::string& path); // throws std::runtime_error
  ~history_log();
  history_log(const history_log&) = delete;
  history_log& operator=(const history_log&) = delete;
  int64_t now_ns() const;
  void write(checker::event e); // stamps e.time_ns
  void close();

  std::atomic<int64_t> send_ok{0}, send_fail{0}, send_info{0}, polled{0};

private:
  std::mutex m_;
  std::FILE* f_ = nullptr;
  std::chrono::steady_clock::time_point t0_;
};

} // namespace samsa::cluster::experiment
