// samsa_experiment: the process side of `samsa experiment run` (which execs it, so the broker binary does not
// link librdkafka). Usage: samsa_experiment run FILE [--runs N] [--seed S] [--out DIR] [--duration SECONDS]
// [--samsa PATH] [--keep]. Exit 0 only when every run finished and its checker found no anomaly; 1
// otherwise; 2 for a usage error or a scenario that does not validate.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "cluster/experiment/scenario.hpp"
#include "tools/experiment/processes.hpp"
#include "tools/experiment/runner.hpp"

namespace {

namespace ex = samsa::cluster::experiment;
namespace fs = std::filesystem;
using namespace samsa::experiment;

int usage(const std::string& why) {
  std::cerr << "error: " << why << "\n"
            << "usage: samsa_experiment run FILE [--runs N] [--seed S] [--out DIR] [--duration SECONDS] "
               "[--samsa PATH] [--keep]\n";
  return 2;
}

bool number(const std::string& text, double lo, double hi, double& out) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && *end == '\0' && out >= lo && out <= hi;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] != "run")
    return usage("the only command is `run`");
  std::string file, out;
  double runs = 1, seed = 1, duration = 0;
  bool keep = false;
  std::string samsa = (fs::path(argv[0]).parent_path() / "samsa").string();
  for (size_t i = 1; i < args.size(); ++i) {
    const auto& a = args[i];
    auto value = [&](const char* what) -> std::string {
      if (i + 1 >= args.size())
        throw std::invalid_argument(a + " needs " + what);
      return args[++i];
    };
    try {
      if (a == "--runs") {
        if (!number(value("N"), 1, 1000, runs) || runs != static_cast<int>(runs))
          return usage("--runs must be an integer 1 to 1000");
      } else if (a == "--seed") {
        if (!number(value("S"), 0, 1e15, seed) || seed != static_cast<double>(static_cast<long long>(seed)))
          return usage("--seed must be an integer >= 0");
      } else if (a == "--duration") {
        if (!number(value("SECONDS"), 1, 86400, duration))
          return usage("--duration must be 1 to 86400 seconds");
      } else if (a == "--out") {
        out = value("DIR");
      } else if (a == "--samsa") {
        samsa = value("PATH");
      } else if (a == "--keep") {
        keep = true;
      } else if (!a.empty() && a[0] == '-') {
        return usage("unknown option " + a);
      } else if (file.empty()) {
        file = a;
      } else {
        return usage("one scenario file only, got " + file + " and " + a);
      }
    } catch (const std::invalid_argument& e) {
      return usage(e.what());
    }
  }
  if (file.empty())
    return usage("run needs a scenario FILE");
  if (access(samsa.c_str(), X_OK) != 0)
    return usage("no samsa executable at " + samsa + " (--samsa PATH)");
  ex::scenario s;
  try {
    s = ex::load_scenario(file);
  } catch (const ex::scenario_error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  install_stop_handler();
  auto first = static_cast<uint64_t>(seed);
  int n = static_cast<int>(runs);
  if (out.empty())
    out = "experiment-runs/" + s.name + "-seed" + std::to_string(first);
  std::vector<run_result> results;
  for (int i = 0; i < n && !stop_requested.load(); ++i) {
    run_options o;
    o.samsa = fs::absolute(samsa).string();
    o.seed = first + static_cast<uint64_t>(i);
    o.out = n == 1 ? out : out + "/seed-" + std::to_string(o.seed);
    o.keep_data = keep;
    if (duration > 0)
      o.duration_s = duration;
    auto r = run_once(s, o);
    std::string anomalies;
    for (const auto& a : r.anomalies)
      anomalies += (anomalies.empty() ? "" : ", ") + a;
    std::cout << "summary: " << s.name << " seed " << r.seed << ": "
              << (r.passed() ? "PASS" : r.checked && !r.valid ? "ANOMALIES" : "ERROR") << " ("
              << (r.checked ? (r.valid ? "no anomaly" : anomalies) : "not checked") << "; sends ok " << r.sends_ok
              << " failed " << r.sends_fail << " indeterminate " << r.sends_info << "; faults " << r.faults_applied
              << " applied, " << r.faults_skipped << " skipped; max unavailability "
              << fixed(r.max_unavailability_ms, 0) << " ms" << (r.errors.empty() ? "" : "; " + r.errors.front())
              << ") in " << fixed(r.seconds, 0) << " s -> " << r.out << std::endl;
    results.push_back(std::move(r));
  }
  if (n > 1) {
    std::cout << "\n| seed | result | anomalies | sends ok / failed / indeterminate | faults applied / skipped | "
                 "max unavailability ms | seconds |\n|---|---|---|---|---|---|---|\n";
    for (const auto& r : results) {
      std::string anomalies;
      for (const auto& a : r.anomalies)
        anomalies += (anomalies.empty() ? "" : ", ") + a;
      std::cout << "| " << r.seed << " | " << (r.passed() ? "pass" : r.checked && !r.valid ? "anomalies" : "error")
                << " | " << (anomalies.empty() ? "-" : anomalies) << " | " << r.sends_ok << " / " << r.sends_fail
                << " / " << r.sends_info << " | " << r.faults_applied << " / " << r.faults_skipped << " | "
                << fixed(r.max_unavailability_ms, 0) << " | " << fixed(r.seconds, 0) << " |\n";
    }
  }
  bool all = !results.empty() && static_cast<int>(results.size()) == n;
  for (const auto& r : results)
    all = all && r.passed();
  return all ? 0 : 1;
}
