// `samsa experiment ...`, failure-injection experiments (docs/experiments.md):
//   check HISTORY.jsonl  the checker (cluster/checker/queue_checker) over a history file, no broker
//   list                 the shipped scenarios (config/experiments/*.toml), one line each, no broker
//   run FILE             validates the scenario, then execs `samsa_experiment` (tools/experiment/, built next to
//                        this binary): the runner links librdkafka for its clients, the broker binary does not.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "cluster/checker/queue_checker.hpp"
#include "cluster/experiment/clock_skew.hpp"
#include "cluster/experiment/scenario.hpp"
#include "tools/cli_common.hpp"

namespace samsa::cli {

namespace {

namespace ex = cluster::experiment;
namespace fs = std::filesystem;

int experiment_check(const args& a) {
  auto output = output_format(a);
  std::optional<long long> examples;
  if (!output || !int_option(a, "--examples", 0, examples))
    return exit_usage;
  cluster::checker::check_options opt;
  if (examples)
    opt.max_examples = static_cast<size_t>(*examples);
  try {
    auto r = cluster::checker::check_history_file(a.positional.at(0), opt);
    std::cout << (*output == "json" ? cluster::checker::to_json(r) + "\n" : cluster::checker::to_text(r));
    return r.valid ? exit_ok : exit_failed;
  } catch (const cluster::checker::history_error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return exit_failed;
  }
}

fs::path self_dir() {
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path{"."} : exe.parent_path();
}

// The shipped scenarios: --dir, else $SAMSA_EXPERIMENTS_DIR, else ./config/experiments, else the source tree
// the binary was built from (build/samsa -> config/experiments beside build/).
std::optional<fs::path> scenario_dir(const args& a) {
  if (auto d = a.get("--dir"))
    return fs::path{*d};
  if (const char* env = std::getenv("SAMSA_EXPERIMENTS_DIR"))
    return fs::path{env};
  for (auto d : {fs::path{"config/experiments"}, self_dir().parent_path() / "config" / "experiments"})
    if (fs::is_directory(d))
      return d;
  return std::nullopt;
}

std::string faults_text(const ex::scenario& s) {
  std::string out;
  for (const auto& f : s.faults)
    out += (out.empty() ? "" : ", ") + std::string{ex::to_string(f.kind)} + " " +
           (ex::is_clock_fault(f.kind) ? ex::clock_offset_text(f.offset_ms) + " " : "") + f.target.str() + " @" +
           std::to_string(static_cast<int>(f.at_s)) + "s";
  if (s.random) {
    std::string kinds;
    for (auto k : s.random->kinds)
      kinds += (kinds.empty() ? "" : "/") + std::string{ex::to_string(k)};
    out += (out.empty() ? "" : ", ") + std::string{"random "} + kinds;
  }
  return out.empty() ? "no faults" : out;
}

int experiment_list(const args& a) {
  auto dir = scenario_dir(a);
  if (!dir || !fs::is_directory(*dir)) {
    std::cerr << "error: no scenario directory: give --dir DIR (the source tree's config/experiments)\n";
    return exit_failed;
  }
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(*dir))
    if (e.path().extension() == ".toml")
      files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  int bad = 0;
  for (const auto& f : files) {
    try {
      auto s = ex::load_scenario(f);
      std::cout << s.name << "  (" << s.nodes << " nodes, " << static_cast<int>(s.duration_s) << " s; "
                << faults_text(s) << ")\n    " << s.description << "\n";
    } catch (const ex::scenario_error& e) {
      std::cerr << "error: " << e.what() << "\n";
      ++bad;
    }
  }
  if (files.empty())
    std::cerr << "error: no *.toml scenario in " << dir->string() << "\n";
  return files.empty() || bad > 0 ? exit_failed : exit_ok;
}

int experiment_run(const args& a) {
  std::optional<long long> runs, seed, duration;
  if (!int_option(a, "--runs", 1, runs) || !int_option(a, "--seed", 0, seed) || !int_option(a, "--duration", 1, duration))
    return exit_usage;
  const auto& file = a.positional.at(0);
  try {
    ex::load_scenario(file); // refused here with its line, before anything starts
  } catch (const ex::scenario_error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return exit_usage;
  }
  auto runner = (self_dir() / "samsa_experiment").string();
  if (access(runner.c_str(), X_OK) != 0) {
    std::cerr << "error: " << runner << " not found: build the samsa_experiment target (it needs librdkafka-dev)\n";
    return exit_failed;
  }
  std::vector<std::string> argv{runner, "run", file, "--samsa", (self_dir() / "samsa").string()};
  for (const char* k : {"--runs", "--seed", "--out", "--duration"})
    if (auto v = a.get(k)) {
      argv.push_back(k);
      argv.push_back(*v);
    }
  if (a.has("--keep"))
    argv.push_back("--keep");
  std::vector<char*> c;
  for (auto& s : argv)
    c.push_back(s.data());
  c.push_back(nullptr);
  execv(c[0], c.data());
  std::cerr << "error: exec " << runner << ": " << std::strerror(errno) << "\n";
  return exit_failed;
}

} // namespace

command_group experiment_commands() {
  command_spec check{"check", "HISTORY.jsonl", 1, 1, "check an experiment's history for Jepsen's queue anomalies"};
  check.options = {
    output_option("one object (docs/experiments.md)"),
    {"--examples", "N", "examples printed per anomaly (default 8); the counts are always complete"},
  };
  check.examples = {"samsa experiment check run1/history.jsonl", "samsa experiment check h.jsonl --output json"};
  check.details = "Reports lost-write, unseen, duplicate, inconsistent-offsets, G1a, poll-skip, nonmonotonic-poll,\n"
                  "int-poll-skip, int-nonmonotonic-poll, nonmonotonic-send, double-ownership and backwards-commit,\n"
                  "and the availability of writes (max_unavailability overall and per fault). Exit 0 only when no\n"
                  "anomaly was found; 1 for anomalies or a history that cannot be read (the line is named).";
  check.run = experiment_check;

  command_spec list{"list", "", 0, 0, "the shipped scenarios, one line each (no broker needed)"};
  list.options = {{"--dir", "DIR", "scenario directory (default: config/experiments here or beside the build)"}};
  list.examples = {"samsa experiment list"};
  list.run = experiment_list;

  command_spec run{"run", "FILE", 1, 1, "run a scenario: real nodes, a workload, faults, then the checker"};
  run.options = {
    {"--runs", "N", "run N times with seeds S, S+1, ... and print a table (default 1)"},
    {"--seed", "S", "the first run's seed: random faults and role draws (default 1)"},
    {"--out", "DIR", "where history.jsonl, check.txt, summary.json and the node logs go\n"
                     "(default experiment-runs/NAME-seedS; with --runs, one seed-S directory per run)"},
    {"--duration", "SECONDS", "the workload's length instead of the scenario's (later faults are left out)"},
    {"--keep", "", "keep the nodes' data directories of valid runs too"},
  };
  run.examples = {"samsa experiment run config/experiments/leader-kill.toml",
                  "samsa experiment run config/experiments/random-mix.toml --runs 10 --seed 100"};
  run.details = "Starts the scenario's nodes as `samsa broker` processes on free loopback ports, creates its topics,\n"
                "drives librdkafka producers and consumers that record every call, injects the faults (kill -9,\n"
                "SIGSTOP, SIGTERM, rolling restart) on the role each targets at that moment, heals, waits until the\n"
                "cluster is healthy, reads everything back and checks the history. Ctrl-C stops every process it\n"
                "started. Exit 0 only when every run's checker found no anomaly; 2 for a scenario that does not\n"
                "validate (the file and line are named).";
  run.run = experiment_run;
  return {"experiment", "Failure-injection experiments: run scenarios, check histories.", {check, list, run}};
}

} // namespace samsa::cli
