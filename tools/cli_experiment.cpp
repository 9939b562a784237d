// `samsa experiment check HISTORY.jsonl`: runs the experiments' checker (cluster/checker/queue_checker) over a
// history file and prints the verdict: the anomalies with examples and the availability figures, as text or
// as one JSON object. Needs no broker. Exit 0 only when the history shows no anomaly. (`experiment run` and
// `list` come with the runner, issue 11.)
#include <iostream>

#include "cluster/checker/queue_checker.hpp"
#include "tools/cli_common.hpp"

namespace samsa::cli {

namespace {

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
  return {"experiment", "Failure-injection experiments: check a history.", {check}};
}

} // namespace samsa::cli
