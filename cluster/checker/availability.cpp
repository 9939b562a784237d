#include "cluster/checker/availability.hpp"

#include <algorithm>
#include <deque>
#include <map>

namespace samsa::cluster::checker {

std::vector<ack_gap> ack_gaps(const std::vector<op>& ops, size_t& acked) {
  std::vector<int64_t> points;
  std::optional<int64_t> first_invoke;
  int64_t last_event = 0;
  for (const auto& o : ops) {
    if (o.f != op_f::send)
      continue;
    if (!first_invoke)
      first_invoke = o.invoke_ns;
    last_event = std::max(last_event, o.completion_ns);
    if (o.type == event_type::ok)
      points.push_back(o.completion_ns);
  }
  acked = points.size();
  if (!first_invoke)
    return {};
  points.push_back(*first_invoke);
  points.push_back(last_event);
  std::sort(points.begin(), points.end());
  std::vector<ack_gap> gaps;
  for (size_t i = 1; i < points.size(); ++i)
    gaps.push_back({points[i - 1], points[i]});
  return gaps;
}

availability_report measure_availability(const history& h, const std::vector<op>& ops) {
  availability_report r;
  auto gaps = ack_gaps(ops, r.acknowledged_sends);
  for (const auto& g : gaps)
    if (g.to - g.from > r.max_unavailability_ns) {
      r.max_unavailability_ns = g.to - g.from;
      r.gap_start_ns = g.from;
      r.gap_end_ns = g.to;
    }

  int64_t end_of_history = 0;
  for (const auto& e : h.events)
    end_of_history = std::max(end_of_history, e.time_ns);
  std::map<std::string, std::deque<size_t>> open; // fault name -> its windows not yet stopped
  std::vector<size_t> start_event;                // per window: its start event, for "invoked after"
  for (const auto& o : ops) {
    if (o.f != op_f::fault)
      continue;
    const auto& e = h.events[o.invoke];
    if (e.fault_start) {
      open[e.fault_name].push_back(r.faults.size());
      start_event.push_back(o.invoke);
      r.faults.push_back({e.fault_name, e.fault_target, e.time_ns, std::nullopt, std::nullopt, 0});
    } else if (auto& q = open[e.fault_name]; !q.empty()) { // pair_ops refuses a stop without a start
      r.faults[q.front()].stop_ns = e.time_ns;
      q.pop_front();
    }
  }
  for (size_t w = 0; w < r.faults.size(); ++w) {
    auto& f = r.faults[w];
    int64_t until = f.stop_ns.value_or(end_of_history);
    for (const auto& g : gaps)
      if (g.from < until && g.to > f.start_ns)
        f.max_unavailability_ns = std::max(f.max_unavailability_ns, g.to - g.from);
    if (f.stop_ns) {
      int64_t next = end_of_history;
      for (const auto& other : r.faults)
        if (other.start_ns > *f.stop_ns)
          next = std::min(next, other.start_ns);
      int64_t longest = 0;
      for (const auto& g : gaps)
        if (g.to > *f.stop_ns && g.from < next)
          longest = std::max(longest, g.to - g.from);
      f.after_heal_max_unavailability_ns = longest;
    }
    for (const auto& o : ops)
      if (o.f == op_f::send && o.type == event_type::ok && o.invoke > start_event[w]
          && (!f.first_ack_after_ns || o.completion_ns - f.start_ns < *f.first_ack_after_ns))
        f.first_ack_after_ns = o.completion_ns - f.start_ns;
  }
  return r;
}

} // namespace samsa::cluster::checker
