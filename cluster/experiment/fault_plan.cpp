#include "cluster/experiment/fault_plan.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cluster/experiment/clock_skew.hpp"

namespace samsa::cluster::experiment {

namespace {

std::string secs(double v) {
  std::ostringstream o;
  o << std::round(v * 10) / 10 << " s";
  return o.str();
}

} // namespace

std::string planned_fault::name() const {
  return std::string{to_string(kind)} + " " + (is_clock_fault(kind) ? clock_offset_text(offset_ms) + " " : "") +
         target.str();
}

fault_plan plan_faults(const scenario& s, uint64_t seed, double duration_s) {
  fault_plan plan;
  for (const auto& f : s.faults) {
    planned_fault p{f.kind, f.target, f.at_s, f.duration_s, false, f.offset_ms};
    if (f.at_s >= duration_s)
      plan.dropped.push_back(p.name() + " at " + secs(f.at_s) + ": after the workload's " + secs(duration_s));
    else
      plan.faults.push_back(std::move(p));
  }
  if (s.random) {
    const auto& rf = *s.random;
    seeded_rng rng{seed};
    // Each random fault starts after the previous one healed plus an interval, and must heal before the
    // workload ends (a fault cut short by the end would measure nothing of its recovery).
    for (double t = rf.start_s;;) {
      planned_fault p;
      p.random = true;
      p.kind = rf.kinds[rng.below(rf.kinds.size())];
      p.target = rf.targets[rng.below(rf.targets.size())];
      p.duration_s = rng.uniform(rf.min_duration_s, rf.max_duration_s);
      if (is_clock_fault(p.kind)) // drawn only for clock faults: the plans of other scenarios stay as they were
        p.offset_ms = rf.offsets_ms[rng.below(rf.offsets_ms.size())];
      p.at_s = t;
      if (t + p.duration_s >= duration_s)
        break;
      t += p.duration_s + rng.uniform(rf.min_interval_s, rf.max_interval_s);
      plan.faults.push_back(std::move(p));
    }
  }
  std::stable_sort(plan.faults.begin(), plan.faults.end(),
                   [](const planned_fault& a, const planned_fault& b) { return a.at_s < b.at_s; });
  return plan;
}

} // namespace samsa::cluster::experiment
