#pragma once
// One experiment run (docs/experiments.md "Running"): start the scenario's nodes, create its topics, run the
// workload while the fault plan fires (each fault resolved to nodes at that moment), heal, wait until the
// cluster is healthy, write on for the recovery time, stop the clients, read everything back, check the
// history, stop every node. Progress lines on stdout (and OUT/runner.log); the files in OUT:
// history.jsonl, check.txt (the checker's text), summary.json, node<i>/broker.log (+ node<i>/data when kept).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/experiment/scenario.hpp"

namespace samsa::experiment {

struct run_options {
  std::string samsa; // the samsa executable
  std::string out;   // this run's directory
  uint64_t seed = 1;
  std::optional<double> duration_s; // overrides the scenario's
  bool keep_data = false;           // keep node data directories even when the run is valid
};

struct run_result {
  uint64_t seed = 0;
  bool checked = false; // the checker ran
  bool valid = false;   // no anomaly
  std::vector<std::string> errors; // the run itself went wrong (setup, a node crashed, never healthy again)
  std::vector<std::string> anomalies; // "lost-write x3"
  int64_t sends_ok = 0, sends_fail = 0, sends_info = 0;
  int faults_applied = 0, faults_skipped = 0;
  double max_unavailability_ms = 0;
  double seconds = 0;
  std::string out;
  bool passed() const { return checked && valid && errors.empty(); }
};

run_result run_once(const cluster::experiment::scenario& s, const run_options& o);

} // namespace samsa::experiment
