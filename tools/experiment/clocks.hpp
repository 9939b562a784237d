#pragma once
// The wall clocks of an experiment run with `clock` faults (docs/experiments.md "Clock faults"): every broker
// of the run starts under libfaketime (LD_PRELOAD, environment from cluster/experiment/clock_skew.hpp) with a
// timestamp file of its own, OUT/node<i>/faketime.rc, which it reads on every wall-clock call. A fault
// rewrites the file (a new file renamed over the old one, so a broker never reads half of it) and the heal
// writes +0 again; a node restarted during a clock fault keeps its shifted clock, as a host would. Each change
// is measured: `date` run under the same environment must show the new offset. The monotonic clock stays real.
// Not thread-safe: only the runner's main thread uses it.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace samsa::experiment {

// libfaketime's thread-safe library (libfaketimeMT.so.1): $SAMSA_LIBFAKETIME if set, else where Debian's
// libfaketime installs it. nullopt, with `why` saying what was looked for, when there is none.
std::optional<std::string> find_libfaketime(std::string& why);

class run_clocks {
public:
  // `node_dirs`: OUT/node<i> of nodes 1..n; every node's file starts at +0. Throws std::runtime_error when a
  // file cannot be written.
  run_clocks(std::string lib, const std::vector<std::string>& node_dirs, const std::string& log);

  const std::string& lib() const { return lib_; }
  std::string file(int node) const;
  // The environment of node `node`'s broker (built once; execve wants it ready before fork).
  const std::vector<std::string>& environment(int node) const { return env_.at(static_cast<size_t>(node - 1)); }
  int64_t offset(int node) const { return offsets_.at(static_cast<size_t>(node - 1)); }
  // Shifts node `node`'s clock to offset_ms (from the real time) and measures it; `what` says what `date`
  // under libfaketime showed, or why it failed (false: the file could not be written, or the shift did not
  // show within a second of what was asked).
  bool set(int node, int64_t offset_ms, std::string& what);
  // Whether process `pid` has libfaketime mapped (/proc/PID/maps): the preload really took.
  static bool preloaded(pid_t pid);

private:
  void note(const std::string& line) const;

  std::string lib_;
  std::vector<std::string> dirs_;
  std::vector<std::vector<std::string>> env_;
  std::vector<int64_t> offsets_;
  std::string log_;
};

} // namespace samsa::experiment
