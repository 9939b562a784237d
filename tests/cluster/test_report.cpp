// The run report's timeline (cluster/checker/report): lanes, fault spans, merged operation marks, anomaly
// marks and availability gaps laid out from a hand-made history; the SVG and HTML carry them.
#include <doctest/doctest.h>

#include <algorithm>

#include "cluster/checker/report.hpp"

using namespace samsa::cluster::checker;

namespace {

constexpr int64_t ms = 1'000'000;

event send(int64_t p, event_type t, int64_t at, const std::string& v, std::optional<int64_t> off = {}) {
  event e;
  e.process = p;
  e.type = t;
  e.f = op_f::send;
  e.time_ns = at * ms;
  if (t == event_type::invoke) {
    e.tp = {"t", 0};
    e.value = v;
  }
  e.offset = off;
  return e;
}

event poll(int64_t p, event_type t, int64_t at, std::vector<record_read> reads = {}) {
  event e;
  e.process = p;
  e.type = t;
  e.f = op_f::poll;
  e.time_ns = at * ms;
  e.reads = std::move(reads);
  return e;
}

event fault(const std::string& name, const std::string& target, bool start, int64_t at) {
  event e;
  e.process = nemesis_process;
  e.type = event_type::info;
  e.f = op_f::fault;
  e.time_ns = at * ms;
  e.fault_name = name;
  e.fault_target = target;
  e.fault_start = start;
  return e;
}

event leader(const std::string& topic, int32_t partition, int32_t node, int64_t at) {
  event e;
  e.process = nemesis_process;
  e.type = event_type::info;
  e.f = op_f::leader;
  e.time_ns = at * ms;
  e.tp = {topic, partition};
  e.leader = node;
  return e;
}

// Ten seconds: a kill of node 2 (1-3 s), a split of nodes 1,2 from 3 (4-6 s); sends acknowledged at 0.5 s and
// 0.6 s, then none until 3.5 s (a 2.9 s gap); one send indeterminate; a poll reads a and d but not b between
// them (b: lost-write, unseen; the poll: int-poll-skip).
history sample() {
  history h;
  h.events = {
    send(0, event_type::invoke, 400, "a"),  send(0, event_type::ok, 500, "", 0),
    send(0, event_type::invoke, 550, "b"),  send(0, event_type::ok, 600, "", 1),
    fault("kill #1", "node 2 (leader of t-0)", true, 1000),
    send(1, event_type::invoke, 1100, "c"), send(1, event_type::info, 2000, ""),
    fault("kill #1", "node 2 (leader of t-0)", false, 3000),
    send(0, event_type::invoke, 3400, "d"), send(0, event_type::ok, 3500, "", 2),
    fault("split #2", "nodes 1,2 (minority): 1,2 | 3", true, 4000),
    fault("split #2", "nodes 1,2 (minority): 1,2 | 3", false, 6000),
    poll(2, event_type::invoke, 9000),
    poll(2, event_type::ok, 10000, {{{"t", 0}, 0, "a"}, {{"t", 0}, 2, "d"}}),
  };
  return h;
}

} // namespace

TEST_CASE("report: the timeline's lanes, fault spans, marks, anomalies and gaps") {
  auto h = sample();
  auto r = check(h);
  REQUIRE_FALSE(r.valid);
  REQUIRE(r.anomalies.count("unseen"));
  timeline_options o;
  o.nodes = 3;
  o.plot_width = 1000;
  auto t = layout_timeline(h, r, o);
  CHECK(t.end_ns == 10000 * ms);
  REQUIRE(t.nodes.size() == 3);
  CHECK(t.fault_count == 2);
  // node 1: the split; node 2: the kill and the split; node 3: nothing (it is the other side).
  REQUIRE(t.nodes[0].spans.size() == 1);
  CHECK(t.nodes[0].spans[0].kind == "partition");
  REQUIRE(t.nodes[1].spans.size() == 2);
  CHECK(t.nodes[1].spans[0].name == "kill #1");
  CHECK(t.nodes[1].spans[0].kind == "kill");
  CHECK(t.nodes[1].spans[0].x0 == doctest::Approx(100));
  CHECK(t.nodes[1].spans[0].x1 == doctest::Approx(300));
  CHECK(t.nodes[1].spans[1].x0 == doctest::Approx(400));
  CHECK(t.nodes[2].spans.empty());
  // One lane per client process, labelled by what it mostly does; marks at completion, by type.
  REQUIRE(t.processes.size() == 3);
  CHECK(t.processes[0].label == "p0 send");
  CHECK(t.processes[2].label == "p2 poll");
  REQUIRE(t.processes[0].marks.size() == 3); // columns 50, 60 and 350
  CHECK(t.processes[1].marks.size() == 1);
  CHECK(t.processes[1].marks[0].kind == "info");
  CHECK(t.processes[1].marks[0].x == doctest::Approx(200));
  // The anomaly lane, one mark per example at its earliest operation's completion: the poll skipped b
  // (int-poll-skip, at the poll's end, 10 s); b is lost and unseen (at its send's completion, 0.6 s).
  REQUIRE(t.anomalies.marks.size() == 3);
  CHECK(t.anomalies.marks[0].kind == "int-poll-skip");
  CHECK(t.anomalies.marks[0].x == doctest::Approx(1000));
  CHECK(t.anomalies.marks[1].kind == "lost-write");
  CHECK(t.anomalies.marks[1].x == doctest::Approx(60));
  CHECK(t.anomalies.marks[2].kind == "unseen");
  CHECK(t.anomalies.marks[2].title.find("unseen in t-0: value b") == 0);
  // Gaps of at least 1 s: 0.6 -> 3.5 s only (the acknowledgement timeline ends at the last send event).
  REQUIRE(t.gaps.size() == 1);
  CHECK(t.gaps[0].x0 == doctest::Approx(60));
  CHECK(t.gaps[0].x1 == doctest::Approx(350));
  // Lanes are stacked without overlap.
  CHECK(t.nodes[1].y > t.nodes[0].y + t.nodes[0].height - 0.01);
  CHECK(t.processes[0].y > t.nodes[2].y + t.nodes[2].height);
  CHECK(t.anomalies.y > t.processes[2].y + t.processes[2].height);
  CHECK(t.height > t.anomalies.y + t.anomalies.height);
  CHECK(t.ticks.front().label == "0 s");
  CHECK(t.ticks.back().label == "10 s");
}

TEST_CASE("report: leader changes are marks on a lane per partition, with the new leader's node") {
  auto h = sample();
  // t-0 starts led by node 2, has none while node 2 is killed, then node 1; t-1 is led by node 3 throughout.
  h.events.insert(h.events.begin(), {leader("t", 1, 3, 0), leader("t", 0, 2, 0)});
  h.events.push_back(leader("t", 0, -1, 1500));
  h.events.push_back(leader("t", 0, 1, 2500));
  auto r = check(h);
  CHECK(r.anomalies.size() == 3); // the leader lines change nothing the checker finds
  timeline_options o;
  o.nodes = 3;
  o.plot_width = 1000;
  auto t = layout_timeline(h, r, o);
  CHECK(t.leader_marks == 4);
  REQUIRE(t.leaders.size() == 2);
  CHECK(t.leaders[0].label == "t-0 leader");
  REQUIRE(t.leaders[0].marks.size() == 3);
  CHECK(t.leaders[0].marks[0].x == doctest::Approx(0));
  CHECK(t.leaders[0].marks[0].label == "2");
  CHECK(t.leaders[0].marks[0].title == "t-0: leader 2 (first seen) at 0.000 s");
  CHECK(t.leaders[0].marks[1].x == doctest::Approx(150));
  CHECK(t.leaders[0].marks[1].label == "none");
  CHECK(t.leaders[0].marks[2].title == "t-0: leader 1 (was none) at 2.500 s");
  CHECK(t.leaders[1].label == "t-1 leader");
  CHECK(t.leaders[1].marks.size() == 1);
  // Between the node lanes and the client lanes; no client lane for the runner's observations.
  CHECK(t.leaders[0].y > t.nodes[2].y + t.nodes[2].height);
  CHECK(t.leaders[1].y > t.leaders[0].y + t.leaders[0].height);
  REQUIRE(t.processes.size() == 3);
  CHECK(t.processes[0].y > t.leaders[1].y + t.leaders[1].height);
  auto svg = render_svg(t);
  size_t marks = 0;
  for (auto p = svg.find("class=\"leader\""); p != std::string::npos; p = svg.find("class=\"leader\"", p + 1))
    ++marks;
  CHECK(marks == 4);
  CHECK(svg.find("data-partition=\"t-0\"") != std::string::npos);
  CHECK(svg.find("<title>t-0: leader none (was 2) at 1.500 s</title>") != std::string::npos);
}

TEST_CASE("report: operations in one pixel column merge into one mark with their count") {
  history h;
  for (int i = 0; i < 50; ++i) {
    h.events.push_back(send(0, event_type::invoke, 1000 + i, "v" + std::to_string(i)));
    h.events.push_back(send(0, event_type::ok, 1000 + i, "", i));
  }
  h.events.push_back(send(0, event_type::invoke, 10000, "last"));
  h.events.push_back(send(0, event_type::ok, 10000, "", 50));
  timeline_options o;
  o.plot_width = 100; // 100 ms per column: the 50 sends at 1.000-1.049 s share column 10
  auto t = layout_timeline(h, check(h), o);
  CHECK(t.nodes.empty());
  REQUIRE(t.processes.size() == 1);
  REQUIRE(t.processes[0].marks.size() == 2);
  CHECK(t.processes[0].marks[0].count == 50);
  CHECK(t.processes[0].marks[0].title.rfind("50 ok at 1.00 s", 0) == 0);
}

TEST_CASE("report: the SVG and the HTML page carry the timeline, the verdict and the examples") {
  auto h = sample();
  auto r = check(h);
  timeline_options o;
  o.nodes = 3;
  auto t = layout_timeline(h, r, o);
  auto svg = render_svg(t);
  auto count = [](const std::string& s, const std::string& what) {
    size_t n = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1))
      ++n;
    return n;
  };
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timeline\"", 0) == 0);
  CHECK(count(svg, "class=\"fault ") == 3); // the kill on node 2, the split on nodes 1 and 2
  CHECK(count(svg, "data-fault=\"split #2\"") == 2);
  CHECK(count(svg, "class=\"anomaly\"") == 3);
  CHECK(count(svg, "class=\"gap\"") == 1);
  CHECK(count(svg, "class=\"op info\"") == 1);
  auto html = render_html("x <seed 1>", {{"seed", "1"}}, r, t);
  CHECK(html.find("<title>x &lt;seed 1&gt;</title>") != std::string::npos);
  CHECK(html.find("<p id=\"verdict\" class=\"invalid\"") != std::string::npos);
  CHECK(html.find("anomalies: int-poll-skip x1 lost-write x1 unseen x1") != std::string::npos);
  CHECK(html.find(svg) != std::string::npos); // inline: the page needs no other file
  CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg")); // no other URL
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("split #2") != std::string::npos);
  auto valid = check(history{});
  CHECK(render_html("v", {}, valid, layout_timeline(history{}, valid)).find("valid: no anomaly") != std::string::npos);
}
