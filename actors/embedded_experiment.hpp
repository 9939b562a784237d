#pragma once
// The experiment engine as a library, in one process (docs/experiments.md "Embedding the engine"): a
// scenario (cluster/experiment/scenario, the same struct the `samsa experiment` runner reads from TOML, or
// built in C++) runs on an embedded_cluster (N nodes as N actor systems), with the workload of
// embedded_workload (samsa's native API), its faults injected at the CAF level and its history checked by
// the same checker (cluster/checker) as the process runner's.
//
// Faults: kill (crash: every link of the node cut, its actors stopped without a controlled shutdown, its
// actor system destroyed; restarted on the same data and ports at the heal), stop (controlled shutdown,
// restart), rolling_restart, and the partitions isolate, split, one_way, ring as link cuts of the guarded
// transport (actors/link_faults); plus link delays (embedded_delay). pause has no in-process equivalent and
// is skipped (counted). Targets are resolved when a fault fires, as the runner does (cluster/experiment/roles).
//
// Seeded: the schedule (cluster/experiment/fault_plan) and every role draw come from the seed. The run is
// not deterministic: the nodes run on real threads, sockets and clocks, so the same seed gives the same
// faults at the same times but not the same interleaving of messages.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cluster/checker/queue_checker.hpp"
#include "cluster/experiment/scenario.hpp"

namespace samsa::actors {

// Bytes between the target nodes and every other node arrive `delay_ms` late, both ways, from `at_s` for
// `duration_s` seconds of the workload.
struct embedded_delay {
  cluster::experiment::target_spec target;
  double at_s = 0;
  double duration_s = 5;
  int64_t delay_ms = 100;
};

struct embedded_run_options {
  uint64_t seed = 1;
  std::string out_dir;               // history.jsonl and check.txt; the nodes' data in out_dir/data
  std::optional<double> duration_s;  // overrides the scenario's
  std::vector<embedded_delay> delays;
  bool keep_data = false;            // keep out_dir/data after a run that passed
  std::function<void(const std::string&)> say; // progress lines; none when empty
};

struct embedded_run_result {
  std::vector<std::string> errors; // the run could not be completed as planned (setup, recovery, final reads)
  cluster::checker::check_result check;
  bool checked = false;
  std::string history_path;
  int faults_applied = 0;
  int faults_skipped = 0;
  int64_t sends_ok = 0, sends_info = 0, sends_fail = 0, records_read = 0;
  double seconds = 0; // wall time of the whole run
  bool passed() const { return errors.empty() && checked && check.valid; }
};

embedded_run_result run_embedded_experiment(const cluster::experiment::scenario& s, const embedded_run_options& o);

} // namespace samsa::actors
