#pragma once
// The fault schedule of one run: a scenario's fixed faults plus the random ones drawn from the run's seed,
// in start order, cut to the run's workload duration. Pure: the same scenario, seed and duration always
// give the same plan (the generator is written out here, not std::uniform_*_distribution, whose output
// differs between standard libraries).
#include <cstdint>
#include <string>
#include <vector>

#include "cluster/experiment/scenario.hpp"

namespace samsa::cluster::experiment {

// SplitMix64 seeding a xorshift-style generator: small, fast, identical everywhere.
class seeded_rng {
public:
  explicit seeded_rng(uint64_t seed) : s_(seed ^ 0x9e3779b97f4a7c15ULL) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1.0p-53; }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }

private:
  uint64_t s_;
};

struct planned_fault {
  fault_kind kind = fault_kind::kill;
  target_spec target;
  double at_s = 0;
  double duration_s = 0;
  bool random = false; // drawn from [random_faults]
  int64_t offset_ms = 0; // clock: the shift (drawn from offsets_ms for a random one)
  std::string name() const; // "kill leader of t-0", "clock +2h leader of t-0"
};

struct fault_plan {
  std::vector<planned_fault> faults; // by start time (fixed before random on ties)
  std::vector<std::string> dropped;  // faults left out, and why ("kill at 40 s: after the workload's 30 s")
};

fault_plan plan_faults(const scenario& s, uint64_t seed, double duration_s);

} // namespace samsa::cluster::experiment
