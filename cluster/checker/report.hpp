#pragma once
// The picture of an experiment run (docs/experiments.md "The report"): a timeline laid out from the history
// and the checker's result, drawn as SVG, and the self-contained HTML page around it (report.html: the
// verdict, the operations, availability per fault, the anomalies with their examples, the timeline inline;
// no script, no external file, so it opens anywhere).
//
// The timeline: time on the x axis (the history's clock, seconds); a lane per node with the spans of the
// faults that hit it (kill, pause, stop, rolling-restart, and the partitions isolate/split/ring/one-way);
// a lane per partition whose leader the history records (`leader` lines), a mark at each observation with
// the new leader's node (the first one is the leader the run started with); a lane per client process with its operations as marks at their completion time, coloured ok / failed /
// indeterminate (marks falling in one pixel column of one lane and kind are merged into one, its title
// gives the count, so a long run stays small); a lane of anomalies, each example marked at the completion
// of its earliest operation; write availability gaps longer than `gap_threshold_ns` shaded over every lane.
//
// Pure: layout_timeline computes every coordinate (what the tests check), render_svg and render_html only
// print. No I/O, no clock.
#include <cstdint>
#include <string>
#include <vector>

#include "cluster/checker/queue_checker.hpp"

namespace samsa::cluster::checker {

struct timeline_options {
  int nodes = 0;                            // node lanes 1..nodes; 0: the nodes fault targets name
  double plot_width = 1100;                 // pixels for the time axis
  int64_t gap_threshold_ns = 1'000'000'000; // shade acknowledgement gaps at least this long
};

struct timeline_span { // a fault on a node: [x0, x1] in pixels from the plot's left
  std::string name;    // "kill #1"
  std::string kind;    // "kill", "pause", "stop", "rolling-restart", "partition"
  std::string title;   // for the tooltip: name, target, times
  double x0 = 0, x1 = 0;
};

struct timeline_mark { // operations (merged per pixel column) or an anomaly example
  double x = 0;
  std::string kind;  // "ok", "fail", "info", or the anomaly's name
  size_t count = 1;  // operations merged into this mark
  std::string title;
  std::string label; // drawn beside the mark: a leader mark's node ("2", "none")
};

struct timeline_lane {
  std::string label; // "node 2", "p3 send", "anomalies"
  double y = 0, height = 0;
  std::vector<timeline_span> spans;
  std::vector<timeline_mark> marks;
};

struct timeline_tick {
  double x = 0;
  std::string label; // "10 s"
};

struct timeline {
  double left = 0;  // x of time 0 of the plot: labels live left of it
  double width = 0, height = 0, plot_width = 0;
  int64_t end_ns = 0; // the time at the plot's right edge
  std::vector<timeline_lane> nodes, leaders, processes; // leaders: a lane per partition, "t-0 leader"
  timeline_lane anomalies;
  std::vector<timeline_span> gaps; // availability gaps (kind "gap"), drawn across every lane
  std::vector<timeline_tick> ticks;
  size_t fault_count = 0; // fault windows drawn (a fault on two nodes is one window, two spans)
  size_t leader_marks = 0; // leader observations drawn (every `leader` line of the history)
};

timeline layout_timeline(const history& h, const check_result& r, const timeline_options& o = {});
std::string render_svg(const timeline& t);
// The page: `title` (the scenario and seed), `facts` (label, value rows: seed, duration, errors of the run...).
std::string render_html(const std::string& title, const std::vector<std::pair<std::string, std::string>>& facts,
                        const check_result& r, const timeline& t);

} // namespace samsa::cluster::checker
