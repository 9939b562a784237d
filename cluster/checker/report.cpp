#include "cluster/checker/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace samsa::cluster::checker {

namespace {

constexpr double label_width = 120, axis_height = 28, node_lane = 20, leader_lane = 16, process_lane = 14,
                 anomaly_lane = 22;
constexpr double lane_gap = 4, section_gap = 10, bottom = 10;

std::string secs(int64_t ns, int digits = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f s", digits, static_cast<double>(ns) / 1e9);
  return buf;
}

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0)
    s.resize(s.size() - 2);
  return s;
}

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s)
    switch (c) {
    case '&': o += "&amp;"; break;
    case '<': o += "&lt;"; break;
    case '>': o += "&gt;"; break;
    case '"': o += "&quot;"; break;
    default: o += c;
    }
  return o;
}

// "node 3 (leader of t-0)" -> {3}; "nodes 2,3 (minority): 2,3 | 1,4,5" -> {2, 3}; anything else -> {}.
std::vector<int32_t> nodes_of_target(const std::string& target) {
  std::vector<int32_t> out;
  size_t i = 0;
  if (target.rfind("nodes ", 0) == 0)
    i = 6;
  else if (target.rfind("node ", 0) == 0)
    i = 5;
  else
    return out;
  while (i < target.size() && std::isdigit(static_cast<unsigned char>(target[i]))) {
    int32_t n = 0;
    while (i < target.size() && std::isdigit(static_cast<unsigned char>(target[i])))
      n = n * 10 + (target[i++] - '0');
    out.push_back(n);
    if (i < target.size() && target[i] == ',')
      ++i;
  }
  return out;
}

// "kill #1" -> "kill"; the partitions share one look.
std::string kind_of_fault(const std::string& name) {
  auto k = name.substr(0, name.find(" #"));
  if (k == "isolate" || k == "split" || k == "ring" || k == "one-way")
    return "partition";
  return k;
}

} // namespace

timeline layout_timeline(const history& h, const check_result& r, const timeline_options& o) {
  timeline t;
  t.left = label_width;
  t.plot_width = o.plot_width;
  t.width = label_width + o.plot_width + 20;
  for (const auto& e : h.events)
    t.end_ns = std::max(t.end_ns, e.time_ns);
  t.end_ns = std::max<int64_t>(t.end_ns, 1);
  auto x_of = [&](int64_t ns) { return static_cast<double>(ns) / static_cast<double>(t.end_ns) * o.plot_width; };

  // Axis: about ten ticks at 1, 2 or 5 times a power of ten seconds.
  double span_s = static_cast<double>(t.end_ns) / 1e9, step = 1e-3;
  for (double base = 1e-3; base < 1e6; base *= 10) {
    step = base;
    if (span_s / base <= 10) break;
    step = 2 * base;
    if (span_s / step <= 10) break;
    step = 5 * base;
    if (span_s / step <= 10) break;
  }
  for (double s = 0; s <= span_s + 1e-9; s += step)
    t.ticks.push_back({s / span_s * o.plot_width, num(s) + " s"});

  double y = axis_height;
  // Node lanes with fault spans.
  int nodes = o.nodes;
  for (const auto& f : r.availability.faults)
    for (auto n : nodes_of_target(f.target))
      nodes = std::max(nodes, n);
  for (int n = 1; n <= nodes; ++n) {
    t.nodes.push_back({"node " + std::to_string(n), y, node_lane, {}, {}});
    y += node_lane + lane_gap;
  }
  for (const auto& f : r.availability.faults) {
    int64_t stop = f.stop_ns.value_or(t.end_ns);
    timeline_span s{f.name, kind_of_fault(f.name),
                    f.name + ": " + f.target + ", " + secs(f.start_ns) + " to " + (f.stop_ns ? secs(stop) : "the end"),
                    x_of(f.start_ns), std::max(x_of(stop), x_of(f.start_ns) + 1)};
    auto targets = nodes_of_target(f.target);
    bool drawn = false;
    for (auto n : targets)
      if (n >= 1 && n <= nodes) {
        t.nodes[static_cast<size_t>(n - 1)].spans.push_back(s);
        drawn = true;
      }
    t.fault_count += drawn ? 1 : 0;
  }
  if (nodes > 0)
    y += section_gap;

  // Leader lanes: a mark per `leader` line, in the partitions' order.
  std::map<topic_partition, std::vector<const event*>> leaders;
  for (const auto& e : h.events)
    if (e.f == op_f::leader)
      leaders[e.tp].push_back(&e);
  auto node_name = [](int32_t n) { return n < 0 ? std::string{"none"} : std::to_string(n); };
  for (const auto& [tp, changes] : leaders) {
    timeline_lane l{tp.str() + " leader", y, leader_lane, {}, {}};
    int32_t before = -2;
    for (const auto* e : changes) {
      l.marks.push_back({x_of(e->time_ns), "leader", 1,
                         tp.str() + ": leader " + node_name(e->leader) +
                           (before == -2 ? " (first seen)" : " (was " + node_name(before) + ")") + " at " +
                           secs(e->time_ns),
                         node_name(e->leader)});
      before = e->leader;
      ++t.leader_marks;
    }
    t.leaders.push_back(std::move(l));
    y += leader_lane + lane_gap;
  }
  if (!leaders.empty())
    y += section_gap;

  // Process lanes: every client operation, merged per pixel column and completion type.
  auto ops = pair_ops(h);
  std::map<int64_t, std::map<std::string, size_t>> kinds; // process -> f -> operations: its lane's label
  std::map<std::tuple<int64_t, int, int>, size_t> merged; // (process, column, type) -> count
  for (const auto& op : ops) {
    if (op.f == op_f::fault || op.f == op_f::leader)
      continue;
    ++kinds[op.process][to_string(op.f)];
    int column = static_cast<int>(std::floor(x_of(op.completion_ns)));
    ++merged[{op.process, column, static_cast<int>(op.type)}];
  }
  std::map<int64_t, size_t> lane_of;
  for (const auto& [process, by_f] : kinds) {
    auto f = std::max_element(by_f.begin(), by_f.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
    lane_of[process] = t.processes.size();
    t.processes.push_back({"p" + std::to_string(process) + " " + f, y, process_lane, {}, {}});
    y += process_lane + 2;
  }
  for (const auto& [key, count] : merged) {
    auto [process, column, type] = key;
    auto kind = to_string(static_cast<event_type>(type));
    t.processes[lane_of[process]].marks.push_back(
      {static_cast<double>(column), kind, count,
       std::to_string(count) + " " + kind + " at " + secs(static_cast<int64_t>(column / o.plot_width * t.end_ns), 2),
       ""});
  }
  y += section_gap;

  // Anomalies, each example at the completion of its earliest operation.
  t.anomalies = {"anomalies", y, anomaly_lane, {}, {}};
  for (const auto& [name, a] : r.anomalies)
    for (const auto& ex : a.examples) {
      int64_t at = t.end_ns;
      for (const auto& op : ex.ops)
        at = std::min(at, op.completion_ns);
      t.anomalies.marks.push_back(
        {x_of(at), name, 1, name + (ex.partition.empty() ? "" : " in " + ex.partition) + ": " + ex.explanation, ""});
    }
  y += anomaly_lane;

  // Acknowledgement gaps.
  size_t acked = 0;
  for (const auto& g : ack_gaps(ops, acked))
    if (g.to - g.from >= o.gap_threshold_ns)
      t.gaps.push_back({"gap", "gap",
                        "no acknowledged write for " + secs(g.to - g.from) + " (" + secs(g.from) + " to " +
                          secs(g.to) + ")",
                        x_of(g.from), x_of(g.to)});
  t.height = y + bottom;
  return t;
}

std::string render_svg(const timeline& t) {
  std::ostringstream s;
  double top = axis_height - 6, plot_bottom = t.height - bottom;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timeline\" width=\"" << num(t.width) << "\" height=\""
    << num(t.height) << "\" viewBox=\"0 0 " << num(t.width) << " " << num(t.height)
    << "\" font-family=\"sans-serif\" font-size=\"11\">\n"
    << "<style>.kill{fill:#d62728}.pause{fill:#9467bd}.stop{fill:#ff7f0e}.rolling-restart{fill:#8c564b}"
       ".partition{fill:#1f77b4}.fault{fill-opacity:0.75}.ok{fill:#2ca02c}.fail{fill:#d62728}.info{fill:#ff9900}"
       ".gap{fill:#999;fill-opacity:0.18}.anomaly{fill:#d62728;stroke:#000;stroke-width:0.5}"
       ".leader{fill:#17becf}.lane{fill:#f4f4f4}.tick{stroke:#ccc;stroke-width:0.5}text{fill:#222}</style>\n";
  s << "<g transform=\"translate(" << num(t.left) << ",0)\">\n";
  for (const auto& k : t.ticks)
    s << "<line class=\"tick\" x1=\"" << num(k.x) << "\" y1=\"" << num(top) << "\" x2=\"" << num(k.x) << "\" y2=\""
      << num(plot_bottom) << "\"/><text x=\"" << num(k.x) << "\" y=\"" << num(top - 4)
      << "\" text-anchor=\"middle\">" << esc(k.label) << "</text>\n";
  auto lane = [&](const timeline_lane& l) {
    s << "<text x=\"-6\" y=\"" << num(l.y + l.height / 2 + 4) << "\" text-anchor=\"end\">" << esc(l.label)
      << "</text><rect class=\"lane\" x=\"0\" y=\"" << num(l.y) << "\" width=\"" << num(t.plot_width)
      << "\" height=\"" << num(l.height) << "\"/>\n";
    for (const auto& sp : l.spans)
      s << "<rect class=\"fault " << sp.kind << "\" data-fault=\"" << esc(sp.name) << "\" x=\"" << num(sp.x0)
        << "\" y=\"" << num(l.y + 2) << "\" width=\"" << num(sp.x1 - sp.x0) << "\" height=\"" << num(l.height - 4)
        << "\"><title>" << esc(sp.title) << "</title></rect><text x=\"" << num(sp.x0 + 3) << "\" y=\""
        << num(l.y + l.height / 2 + 4) << "\" fill=\"#fff\" style=\"fill:#fff\">" << esc(sp.name) << "</text>\n";
  };
  for (const auto& l : t.nodes)
    lane(l);
  for (const auto& l : t.leaders) {
    lane(l);
    auto partition = l.label.substr(0, l.label.rfind(" leader"));
    for (const auto& m : l.marks)
      s << "<rect class=\"leader\" data-partition=\"" << esc(partition) << "\" x=\"" << num(m.x - 1) << "\" y=\""
        << num(l.y + 1) << "\" width=\"2\" height=\"" << num(l.height - 2) << "\"><title>" << esc(m.title)
        << "</title></rect><text x=\"" << num(m.x + 3) << "\" y=\"" << num(l.y + l.height - 4)
        << "\" font-size=\"10\">" << esc(m.label) << "</text>\n";
  }
  for (const auto& l : t.processes) {
    lane(l);
    for (const auto& m : l.marks)
      s << "<rect class=\"op " << m.kind << "\" x=\"" << num(m.x) << "\" y=\""
        << num(l.y + (m.kind == "ok" ? 1 : m.kind == "info" ? 5 : 9)) << "\" width=\"1\" height=\"4\"><title>"
        << esc(m.title) << "</title></rect>";
    s << "\n";
  }
  lane(t.anomalies);
  for (const auto& m : t.anomalies.marks) {
    double cy = t.anomalies.y + t.anomalies.height / 2;
    s << "<path class=\"anomaly\" data-anomaly=\"" << esc(m.kind) << "\" d=\"M" << num(m.x) << " " << num(cy - 7)
      << " l6 7 l-6 7 l-6 -7 z\"><title>" << esc(m.title) << "</title></path>\n";
  }
  for (const auto& g : t.gaps)
    s << "<rect class=\"gap\" x=\"" << num(g.x0) << "\" y=\"" << num(top) << "\" width=\""
      << num(std::max(1.0, g.x1 - g.x0)) << "\" height=\"" << num(plot_bottom - top) << "\"><title>" << esc(g.title)
      << "</title></rect>\n";
  s << "</g>\n</svg>\n";
  return s.str();
}

std::string render_html(const std::string& title, const std::vector<std::pair<std::string, std::string>>& facts,
                        const check_result& r, const timeline& t) {
  std::ostringstream h;
  std::string verdict = "valid: no anomaly";
  if (!r.valid) {
    verdict = "anomalies:";
    for (const auto& [name, a] : r.anomalies)
      verdict += " " + name + " x" + std::to_string(a.count);
  }
  auto ms = [](int64_t ns) { return num(static_cast<double>(ns) / 1e6) + " ms"; };
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << esc(title) << "</title>\n"
    << "<style>body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0}"
       "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;font-size:13px}.valid{color:#2ca02c}"
       ".invalid{color:#d62728}.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;"
       "vertical-align:middle}code{font-size:12px}</style></head><body>\n"
    << "<h1>" << esc(title) << "</h1>\n<p id=\"verdict\" class=\"" << (r.valid ? "valid" : "invalid")
    << "\" style=\"font-size:1.4em;font-weight:bold\">" << esc(verdict) << "</p>\n<table>";
  for (const auto& [k, v] : facts)
    h << "<tr><th>" << esc(k) << "</th><td>" << esc(v) << "</td></tr>";
  h << "<tr><th>events</th><td>" << r.events << "</td></tr>";
  for (const auto& [f, c] : r.ops)
    h << "<tr><th>" << esc(f) << "</th><td>" << c.ok << " ok, " << c.fail << " failed, " << c.info
      << " indeterminate</td></tr>";
  const auto& av = r.availability;
  h << "<tr><th>max_unavailability</th><td>" << ms(av.max_unavailability_ns) << " (" << secs(av.gap_start_ns)
    << " to " << secs(av.gap_end_ns) << ")</td></tr></table>\n<h2>Timeline</h2>\n<p class=\"legend\">"
    << "<span style=\"background:#d62728\"></span>kill<span style=\"background:#9467bd\"></span>pause"
    << "<span style=\"background:#ff7f0e\"></span>stop<span style=\"background:#8c564b\"></span>rolling restart"
    << "<span style=\"background:#1f77b4\"></span>partition<span style=\"background:#2ca02c\"></span>ok"
    << "<span style=\"background:#ff9900\"></span>indeterminate<span style=\"background:#d62728\"></span>failed"
    << "<span style=\"background:#17becf\"></span>partition leader seen (its node beside it)"
    << "<span style=\"background:#ccc\"></span>no acknowledged write for &ge; 1 s</p>\n"
    << render_svg(t) << "<h2>Faults</h2>\n";
  if (av.faults.empty()) {
    h << "<p>none</p>\n";
  } else {
    h << "<table><tr><th>fault</th><th>target</th><th>start</th><th>stop</th><th>first ack after</th>"
         "<th>max_unavailability</th><th>after the heal</th></tr>";
    for (const auto& f : av.faults)
      h << "<tr><td>" << esc(f.name) << "</td><td>" << esc(f.target) << "</td><td>" << secs(f.start_ns) << "</td><td>"
        << (f.stop_ns ? secs(*f.stop_ns) : "-") << "</td><td>"
        << (f.first_ack_after_ns ? ms(*f.first_ack_after_ns) : "none") << "</td><td>" << ms(f.max_unavailability_ns)
        << "</td><td>" << (f.after_heal_max_unavailability_ns ? ms(*f.after_heal_max_unavailability_ns) : "-")
        << "</td></tr>";
    h << "</table>\n";
  }
  h << "<h2>Anomalies</h2>\n";
  if (r.anomalies.empty())
    h << "<p>none</p>\n";
  for (const auto& [name, a] : r.anomalies) {
    h << "<h3 class=\"invalid\">" << esc(name) << ": " << a.count << "</h3>\n<ul>";
    for (const auto& ex : a.examples) {
      h << "<li>" << (ex.partition.empty() ? "" : "<b>" + esc(ex.partition) + "</b>: ") << esc(ex.explanation);
      for (const auto& op : ex.ops)
        h << "<br><code>" << to_string(op.f) << " by process " << op.process << " " << to_string(op.type)
          << ", history line " << op.invoke_line
          << (op.completion_line != op.invoke_line ? "-" + std::to_string(op.completion_line) : "") << ", "
          << secs(op.invoke_ns) << " to " << secs(op.completion_ns) << "</code>";
      h << "</li>\n";
    }
    h << "</ul>\n";
  }
  h << "</body></html>\n";
  return h.str();
}

} // namespace samsa::cluster::checker
