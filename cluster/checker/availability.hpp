#pragma once
// Availability of writes in a history (docs/experiments.md "Availability"): the longest time without an
// acknowledged send (redpanda chaos' max_unavailability), overall and around each fault, and how long after
// each fault's start the first send invoked after it was acknowledged.
//
// The acknowledgement timeline is: the invoke of the first send, the completion of every send that
// completed ok, and the last send event of the history (so a run that never recovers ends in a long gap).
// A gap is the time between two consecutive points. A fault window runs from its start annotation to the
// stop of the same name (the earliest start still open), or to the end of the history if never stopped;
// its max_unavailability is the longest gap that overlaps the window. The heal has its own figure: the
// longest gap overlapping the time from the stop to the next fault's start (or the end of the history),
// which catches the cost of a restart or a rejoin (a restarted replica's catch-up, ISR changes).
// Pure: computed from the paired operations of one history.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/checker/history.hpp"

namespace samsa::cluster::checker {

struct fault_window {
  std::string name;
  std::string target;
  int64_t start_ns = 0;
  std::optional<int64_t> stop_ns;            // absent: not stopped before the end of the history
  std::optional<int64_t> first_ack_after_ns; // start -> completion of the first ok send invoked after the start
  int64_t max_unavailability_ns = 0;         // the longest acknowledgement gap overlapping the window
  // The longest gap overlapping (stop, the next fault's start or the end of the history]; absent when
  // the fault was never stopped.
  std::optional<int64_t> after_heal_max_unavailability_ns;
};

struct availability_report {
  size_t acknowledged_sends = 0;
  int64_t max_unavailability_ns = 0; // the longest gap of the whole history
  int64_t gap_start_ns = 0;          // where that gap starts and ends
  int64_t gap_end_ns = 0;
  std::vector<fault_window> faults; // in the order they started
};

availability_report measure_availability(const history& h, const std::vector<op>& ops);

// The consecutive gaps of the acknowledgement timeline, in time order; `acked` gets the number of ok sends.
struct ack_gap {
  int64_t from = 0;
  int64_t to = 0;
};
std::vector<ack_gap> ack_gaps(const std::vector<op>& ops, size_t& acked);

} // namespace samsa::cluster::checker
