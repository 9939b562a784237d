#pragma once
// The clients of an experiment run, librdkafka's C API as the benchmark uses it (bench/rdkafka_clients):
// producers and assign consumers on threads of their own, and the final reads. Every client call is written
// to the run's history (cluster/checker/history, docs/experiments.md) as an invoke and its completion:
//   send   ok with the acknowledged offset; fail when librdkafka says the record was NOT_PERSISTED (refused
//          before it was written, or never sent); info for anything that may have been written (timeouts,
//          disconnects, NOT_LEADER_OR_FOLLOWER: rd_kafka_message_status POSSIBLY_PERSISTED)
//   poll   ok with the records returned
//   group members (a [[consumer]] with a group): subscribe; each assignment a `rebalance` line (generation,
//          member id, partitions, the committed offsets fetched for them, from which it starts); after its
//          polls, at most every 200 ms, a synchronous `commit` of the offsets after what it read
// and, at the end, each group's committed offsets as a `rebalance` line of member "final" (generation -1,
// no partitions), so that the checker compares them with every commit acknowledged before.
// A producer with max_in_flight M is M history processes (one per slot): each slot has one record out at a
// time, so every process's calls are sequential as the history requires.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/checker/history.hpp"
#include "cluster/experiment/history_log.hpp"
#include "cluster/experiment/scenario.hpp"

namespace samsa::experiment {

namespace checker = samsa::cluster::checker;

// The history file (cluster/experiment/history_log, shared with the in-process engine).
using cluster::experiment::history_log;

class workload {
public:
  workload(const cluster::experiment::scenario& s, std::string bootstrap, history_log& h);
  ~workload(); // stop()
  void start();
  // Stops the producers (records still out get up to `drain_s` to complete; the rest stay open, which the
  // checker counts as indeterminate) and the consumers.
  void stop(double drain_s);
  // Each consumer group's committed offsets of its topics' partitions, fetched once and written as a
  // rebalance line of member "final" (after stop(): no member is left in the group).
  void final_commits();
  // Reads every partition of every topic from the beginning up to its high watermark as one more history
  // process; false and `why` when that did not finish within timeout_s.
  bool final_reads(double timeout_s, std::string& why);
  // Errors clients hit that the history does not show (a fatal producer error, a failed assign).
  std::vector<std::string> notes();

private:
  void run_producer(size_t index, int64_t first_process);
  void run_consumer(size_t index, int64_t process);
  void run_group_member(size_t index, int64_t process);
  void note(const std::string& s);

  const cluster::experiment::scenario& s_;
  std::string bootstrap_;
  history_log& h_;
  std::atomic<bool> stop_producers_{false}, stop_consumers_{false};
  std::atomic<double> drain_s_{10};
  std::vector<std::thread> threads_;
  int64_t next_process_ = 0;
  std::mutex notes_m_;
  std::vector<std::string> notes_;
};

} // namespace samsa::experiment
