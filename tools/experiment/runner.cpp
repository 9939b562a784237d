#include "tools/experiment/runner.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cluster/checker/queue_checker.hpp"
#include "cluster/checker/report.hpp"
#include "cluster/experiment/fault_plan.hpp"
#include "cluster/experiment/net_plan.hpp"
#include "cluster/experiment/roles.hpp"
#include "tools/experiment/clocks.hpp"
#include "tools/experiment/disks.hpp"
#include "tools/experiment/netns.hpp"
#include "tools/experiment/leader_watch.hpp"
#include "tools/experiment/probe.hpp"
#include "tools/experiment/processes.hpp"
#include "tools/experiment/workload.hpp"

namespace samsa::experiment {

namespace {

namespace ex = cluster::experiment;
namespace fs = std::filesystem;

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string fixed(double v, int digits = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string node_list(const std::vector<int32_t>& nodes) {
  std::string s;
  for (auto n : nodes)
    s += (s.empty() ? "" : ",") + std::to_string(n);
  return (nodes.size() == 1 ? "node " : "nodes ") + s;
}

struct active_fault {
  std::string name; // in the history: "kill #1"
  std::string target;
  ex::planned_fault plan;
  std::vector<int32_t> nodes;
  double heal_at = 0; // seconds since the workload started
  std::vector<ex::link_drop> drops; // network partitions: the packets dropped until the heal
  bool healed = false;
};

class run {
public:
  run(const ex::scenario& s, const run_options& o) : s_(s), o_(o) {
    duration_ = o.duration_s.value_or(s.duration_s);
    r_.seed = o.seed;
    r_.out = o.out;
  }

  run_result go() {
    t_start_ = now_s();
    fs::create_directories(o_.out);
    log_.open(o_.out + "/runner.log", std::ios::app);
    try {
      body();
    } catch (const std::exception& e) {
      error(e.what());
    }
    finish();
    r_.seconds = now_s() - t_start_;
    return r_;
  }

private:
  void say(const std::string& line) {
    std::cout << line << std::endl;
    log_ << line << "\n";
    log_.flush();
  }
  void error(const std::string& e) {
    r_.errors.push_back(e);
    say("error: " + e);
  }
  double elapsed() const { return now_s() - t_start_; }
  double workload_time() const { return now_s() - t_workload_; }
  void phase(const std::string& p) {
    phase_ = p;
    say("[" + fixed(elapsed()) + "s] phase " + p);
  }
  void progress() {
    std::string faults;
    for (const auto& f : active_)
      faults += (faults.empty() ? "" : "; ") + f.name + " " + f.target;
    std::ostringstream line;
    line << "[" << fixed(elapsed()) << "s] " << phase_ << ": sends ok " << (h_ ? h_->send_ok.load() : 0) << " failed "
         << (h_ ? h_->send_fail.load() : 0) << " indeterminate " << (h_ ? h_->send_info.load() : 0) << ", read "
         << (h_ ? h_->polled.load() : 0) << "; faults: " << (faults.empty() ? "none" : faults);
    say(line.str());
  }
  void check_stop() {
    if (stop_requested.load())
      throw std::runtime_error("interrupted (SIGINT/SIGTERM): stopping every process started");
  }
  void reap() {
    for (auto& e : nodes_->reap_unexpected())
      error(e);
  }
  // Until the cluster is healthy, at most timeout_s; progress every few seconds.
  bool wait_healthy(double timeout_s, std::string& why) {
    double end = now_s() + timeout_s, next_progress = now_s() + 5;
    while (now_s() < end) {
      check_stop();
      reap();
      if (probe_->healthy(why))
        return true;
      if (now_s() > next_progress) {
        say("[" + fixed(elapsed()) + "s] " + phase_ + ": waiting for a healthy cluster: " + why);
        next_progress = now_s() + 5;
      }
      sleep_for(0.2);
    }
    return false;
  }

  void body() {
    seeded_rng_ = std::make_unique<ex::seeded_rng>(o_.seed * 7919 + 1);
    auto plan = ex::plan_faults(s_, o_.seed, duration_);
    say("scenario " + s_.name + " (" + s_.source + "), seed " + std::to_string(o_.seed) + ", " + std::to_string(s_.nodes) +
        " nodes, workload " + fixed(duration_) + " s, output " + o_.out);
    for (const auto& d : plan.dropped)
      say("  fault left out: " + d);
    bool partitions = false;
    for (const auto& f : plan.faults)
      partitions = partitions || ex::is_network_fault(f.kind);
    if (partitions)
      no_network_ = run_network::unavailable();
    if (s_.data_disk_mb > 0)
      no_disks_ = run_disks::unavailable();
    bool clocks = false;
    for (const auto& f : plan.faults)
      clocks = clocks || ex::is_clock_fault(f.kind);
    std::optional<std::string> faketime;
    if (clocks) {
      std::string why;
      if (!(faketime = find_libfaketime(why)))
        no_clock_ = why;
    }
    for (const auto& f : plan.faults) {
      auto why = ex::is_network_fault(f.kind) ? no_network_
                 : ex::is_disk_fault(f.kind)  ? no_disks_
                 : ex::is_clock_fault(f.kind) ? no_clock_
                                              : std::nullopt;
      say("  fault at " + fixed(f.at_s) + " s for " + fixed(f.duration_s) + " s: " + f.name() +
          (why ? "  (skipped: " + *why + ")" : ""));
    }

    phase("setup");
    if (partitions && !no_network_) {
      net_ = std::make_unique<run_network>(s_.nodes, o_.out + "/network.log");
      say("  network: a namespace per node on bridge " + net_->names().bridge + ", nodes at " + net_->address(1) +
          " .. " + net_->address(s_.nodes) + " (commands in " + o_.out + "/network.log)");
    }
    nodes_ = std::make_unique<node_set>(o_.samsa, o_.out, s_.nodes, s_.node_config, net_.get());
    if (s_.data_disk_mb > 0 && no_disks_)
      say("  data disks: plain directories: " + *no_disks_);
    if (s_.data_disk_mb > 0 && !no_disks_) {
      std::vector<std::string> dirs;
      for (int i = 1; i <= s_.nodes; ++i)
        dirs.push_back(nodes_->data_dir(i));
      try {
        disks_ = std::make_unique<run_disks>(dirs, s_.data_disk_mb, o_.out + "/disks.log");
        nodes_->use_disks(disks_.get());
        say("  data disks: each node's data directory a " + std::to_string(s_.data_disk_mb) +
            " MiB tmpfs, mounted in the mount namespace of pid " + std::to_string(disks_->holder()) + " (commands in " +
            o_.out + "/disks.log)");
      } catch (const std::runtime_error& e) {
        no_disks_ = std::string{"no tmpfs data directories: "} + e.what();
        say("  data disks: plain directories (" + *no_disks_ + "); disk faults will be skipped");
      }
    }
    if (clocks && !no_clock_) {
      std::vector<std::string> dirs;
      for (int i = 1; i <= s_.nodes; ++i)
        dirs.push_back(nodes_->node(i).dir);
      clocks_ = std::make_unique<run_clocks>(*faketime, dirs, o_.out + "/clocks.log");
      nodes_->use_clocks(clocks_.get());
      say("  clocks: every node under libfaketime (" + *faketime + "), its wall-clock offset in OUT/node<i>/faketime.rc, "
          "its monotonic clock real (changes in " + o_.out + "/clocks.log)");
    }
    for (int i = 1; i <= s_.nodes; ++i) {
      std::string why;
      if (!nodes_->start(i, why))
        throw std::runtime_error("node " + std::to_string(i) + ": " + why);
    }
    probe_ = std::make_unique<probe>(*nodes_);
    std::string why;
    if (!wait_healthy(60, why))
      throw std::runtime_error("the cluster did not come up within 60 s: " + why);
    if (clocks_) // the preload must really have taken (a static or setuid broker would ignore it)
      for (int i = 1; i <= s_.nodes; ++i)
        if (!run_clocks::preloaded(nodes_->node(i).pid)) {
          no_clock_ = "libfaketime is not loaded in node " + std::to_string(i) + "'s broker (pid " +
                      std::to_string(nodes_->node(i).pid) + ")";
          say("  clocks: " + *no_clock_ + "; clock faults will be skipped");
          break;
        }
    say("[" + fixed(elapsed()) + "s] setup: " + std::to_string(s_.nodes) + " nodes up, bootstrap " + nodes_->bootstrap());
    for (const auto& t : s_.topics)
      if (!probe_->create_topic(t, 60, why))
        throw std::runtime_error(why);
    if (!wait_healthy(60, why))
      throw std::runtime_error("topics not fully replicated within 60 s: " + why);

    h_ = std::make_unique<history_log>(o_.out + "/history.jsonl");
    w_ = std::make_unique<workload>(s_, nodes_->bootstrap(), *h_);
    std::vector<std::string> topics;
    for (const auto& t : s_.topics)
      topics.push_back(t.name);
    leaders_ = std::make_unique<leader_watch>(nodes_->bootstrap(), topics, *h_);
    phase("workload");
    t_workload_ = now_s();
    w_->start();
    size_t next = 0;
    double next_progress = now_s() + 1;
    while (workload_time() < duration_) {
      check_stop();
      reap();
      for (auto it = active_.begin(); it != active_.end();)
        if (workload_time() >= it->heal_at) {
          heal(*it);
          it = active_.erase(it);
        } else {
          ++it;
        }
      while (next < plan.faults.size() && workload_time() >= plan.faults[next].at_s)
        inject(plan.faults[next++]);
      if (now_s() >= next_progress) {
        progress();
        next_progress = now_s() + 1;
      }
      sleep_for(0.05);
    }

    phase("heal");
    for (auto& f : active_)
      heal(f);
    active_.clear();
    phase("recovery");
    if (!wait_healthy(s_.recovery_timeout_s, why))
      error("the cluster was not healthy " + fixed(s_.recovery_timeout_s, 0) + " s after the last heal: " + why);
    else
      say("[" + fixed(elapsed()) + "s] recovery: cluster healthy; writing on for " + fixed(s_.recovery_s) + " s");
    for (double end = now_s() + s_.recovery_s; now_s() < end;) {
      check_stop();
      sleep_for(std::min(1.0, end - now_s()));
      progress();
    }
    phase("drain");
    w_->stop(10);
    leaders_->stop();
    progress();
    phase("final-reads");
    w_->final_commits();
    if (!w_->final_reads(s_.final_read_timeout_s, why))
      say("[" + fixed(elapsed()) + "s] final reads incomplete: " + why + " (the checker judges what was read)");
    for (const auto& n : w_->notes())
      say("client: " + n);
    progress();
    h_->close();

    phase("check");
    auto result = cluster::checker::check_history_file(o_.out + "/history.jsonl");
    r_.checked = true;
    r_.valid = result.valid;
    for (const auto& [name, a] : result.anomalies)
      r_.anomalies.push_back(name + " x" + std::to_string(a.count));
    r_.max_unavailability_ms = static_cast<double>(result.availability.max_unavailability_ns) / 1e6;
    std::ofstream{o_.out + "/check.txt"} << cluster::checker::to_text(result);
    checker_json_ = cluster::checker::to_json(result);
    write_report(result);
  }

  // OUT/timeline.svg and OUT/report.html (self-contained: the SVG inline).
  void write_report(const cluster::checker::check_result& result) {
    namespace ck = cluster::checker;
    auto h = ck::read_history_file(o_.out + "/history.jsonl");
    ck::timeline_options to;
    to.nodes = s_.nodes;
    auto t = ck::layout_timeline(h, result, to);
    std::ofstream{o_.out + "/timeline.svg"} << ck::render_svg(t);
    std::string errors;
    for (const auto& e : r_.errors)
      errors += (errors.empty() ? "" : "; ") + e;
    std::vector<std::pair<std::string, std::string>> facts{
      {"scenario", s_.name + " (" + s_.source + ")"}, {"description", s_.description},
      {"seed", std::to_string(o_.seed)},           {"nodes", std::to_string(s_.nodes)},
      {"workload", fixed(duration_) + " s"},
      {"faults", std::to_string(r_.faults_applied) + " applied, " + std::to_string(r_.faults_skipped) + " skipped"},
      {"network", net_ ? "a namespace per node (partitions are nftables drops)"
                       : no_network_ ? "loopback: " + *no_network_ : "loopback"},
      {"data disks", disks_ ? "a " + std::to_string(s_.data_disk_mb) + " MiB tmpfs per node (disk-full fills it)"
                     : no_disks_ ? "plain directories: " + *no_disks_ : "plain directories"},
      {"clocks", clocks_ && !no_clock_ ? "libfaketime per node (clock faults shift the wall clock)"
                 : no_clock_          ? "real: " + *no_clock_
                                      : "real"},
      {"run errors", errors.empty() ? "none" : errors}};
    std::ofstream{o_.out + "/report.html"} << ck::render_html(s_.name + ", seed " + std::to_string(o_.seed), facts,
                                                             result, t);
  }

  void inject(const ex::planned_fault& p) {
    std::string name = std::string{ex::to_string(p.kind)} + " #" + std::to_string(++fault_count_);
    if (ex::is_network_fault(p.kind) && !net_) {
      ++r_.faults_skipped;
      say("[" + fixed(elapsed()) + "s] skipped " + name + " " + p.target.str() + ": " +
          no_network_.value_or("no network namespaces"));
      return;
    }
    if (ex::is_disk_fault(p.kind) && !disks_) {
      ++r_.faults_skipped;
      say("[" + fixed(elapsed()) + "s] skipped " + name + " " + p.target.str() + ": " +
          no_disks_.value_or("no tmpfs data directories"));
      return;
    }
    if (ex::is_clock_fault(p.kind) && (!clocks_ || no_clock_)) {
      ++r_.faults_skipped;
      say("[" + fixed(elapsed()) + "s] skipped " + name + " " + p.target.str() + ": " +
          no_clock_.value_or("no libfaketime"));
      return;
    }
    // Nodes under a fault are not drawn again, except under a clock fault: such a node is up and serving, and
    // may crash or be cut off with its clock still shifted.
    std::set<int32_t> faulted;
    for (const auto& f : active_)
      if (!ex::is_clock_fault(f.plan.kind))
        faulted.insert(f.nodes.begin(), f.nodes.end());
    std::vector<std::string> groups;
    if (p.target.role == ex::role_kind::coordinator)
      groups.push_back(p.target.group);
    auto snap = probe_->snapshot(faulted, groups);
    auto res = ex::resolve(p.target, snap, *seeded_rng_);
    if (!res.error.empty()) {
      ++r_.faults_skipped;
      say("[" + fixed(elapsed()) + "s] skipped " + name + " " + p.target.str() + ": " + res.error);
      return;
    }
    active_fault f{name, node_list(res.nodes) + " (" + p.target.str() + ")", p, res.nodes, workload_time() + p.duration_s, {}, false};
    if (ex::is_network_fault(p.kind)) {
      auto part = ex::plan_partition(p.kind, res.nodes, s_.nodes, *seeded_rng_);
      if (part.drops.empty()) {
        ++r_.faults_skipped;
        say("[" + fixed(elapsed()) + "s] skipped " + name + " " + p.target.str() + ": " + part.description);
        return;
      }
      f.target += ": " + part.description;
      f.drops = std::move(part.drops);
    }
    if (ex::is_disk_fault(p.kind)) {
      // Filled before the fault is recorded: its start in the history is when the disk was full.
      std::string filled;
      for (auto n : f.nodes) {
        std::string what;
        if (!disks_->fill(n, what)) {
          error("disk-full: cannot fill node " + std::to_string(n) + "'s disk: " + what);
          disks_->clear(n, what);
          continue;
        }
        filled += (filled.empty() ? "" : "; ") + (f.nodes.size() > 1 ? "node " + std::to_string(n) + " " : "") + what;
      }
      if (filled.empty()) {
        ++r_.faults_skipped;
        return;
      }
      f.target += ": " + filled;
    }
    if (ex::is_clock_fault(p.kind)) {
      // Shifted before the fault is recorded: its start in the history is when the clock was off.
      std::string shifted;
      std::vector<int32_t> nodes;
      for (auto n : f.nodes) {
        std::string what;
        if (auto before = clocks_->offset(n); !clocks_->set(n, before + p.offset_ms, what)) {
          error("clock: node " + std::to_string(n) + ": " + what);
          clocks_->set(n, before, what);
          continue;
        }
        nodes.push_back(n);
        shifted += (shifted.empty() ? "" : "; ") + (f.nodes.size() > 1 ? "node " + std::to_string(n) + " " : "") + what;
      }
      if (nodes.empty()) {
        ++r_.faults_skipped;
        return;
      }
      f.nodes = nodes; // the heal shifts back only what was shifted
      f.target += ": " + shifted;
    }
    ++r_.faults_applied;
    annotate(f, true);
    say("[" + fixed(elapsed()) + "s] inject " + f.name + ": " + f.target);
    switch (p.kind) {
    case ex::fault_kind::kill:
      for (auto n : f.nodes)
        nodes_->kill9(n);
      break;
    case ex::fault_kind::pause:
      for (auto n : f.nodes)
        nodes_->pause(n);
      break;
    case ex::fault_kind::stop:
      for (auto n : f.nodes)
        if (!nodes_->terminate(n, 30))
          error("node " + std::to_string(n) + " did not stop within 30 s of SIGTERM (killed)");
      break;
    case ex::fault_kind::rolling_restart: {
      for (auto n : f.nodes) {
        say("[" + fixed(elapsed()) + "s] rolling restart: SIGTERM node " + std::to_string(n));
        if (!nodes_->terminate(n, 30))
          error("node " + std::to_string(n) + " did not stop within 30 s of SIGTERM (killed)");
        std::string why;
        if (!nodes_->start(n, why))
          error("node " + std::to_string(n) + ": " + why);
        if (!wait_healthy(s_.recovery_timeout_s, why))
          error("rolling restart: not healthy after restarting node " + std::to_string(n) + ": " + why);
        progress();
      }
      annotate(f, false);
      return;
    }
    default:
      break;
    }
    active_.push_back(std::move(f));
    if (ex::is_network_fault(p.kind))
      apply_partitions();
  }

  // The packet drops of every partition not healed yet, in every node's namespace.
  void apply_partitions() {
    std::vector<std::vector<ex::link_drop>> drops;
    for (const auto& a : active_)
      if (!a.healed && !a.drops.empty())
        drops.push_back(a.drops);
    std::string why;
    if (!net_->apply(ex::drops_by_receiver(drops, s_.nodes), why))
      error("network partition rules: " + why);
  }

  void heal(active_fault& f) {
    f.healed = true;
    if (ex::is_network_fault(f.plan.kind))
      apply_partitions();
    std::string back;
    for (auto n : ex::is_network_fault(f.plan.kind) ? std::vector<int32_t>{} : f.nodes) {
      std::string why;
      if (ex::is_clock_fault(f.plan.kind)) {
        if (clocks_->set(n, clocks_->offset(n) - f.plan.offset_ms, why))
          back += (back.empty() ? "" : "; ") + (f.nodes.size() > 1 ? "node " + std::to_string(n) + " " : "") + why;
        else
          error("clock: cannot set node " + std::to_string(n) + "'s clock back: " + why);
      } else if (ex::is_disk_fault(f.plan.kind)) {
        if (!disks_->clear(n, why))
          error("disk-full: cannot free node " + std::to_string(n) + "'s disk: " + why);
      } else if (f.plan.kind == ex::fault_kind::pause)
        nodes_->resume(n);
      else if (!nodes_->start(n, why))
        error("node " + std::to_string(n) + ": " + why);
    }
    annotate(f, false);
    say("[" + fixed(elapsed()) + "s] heal " + f.name + ": " + f.target + (back.empty() ? "" : "; now " + back));
  }

  void annotate(const active_fault& f, bool start) {
    cluster::checker::event e;
    e.process = cluster::checker::nemesis_process;
    e.type = cluster::checker::event_type::info;
    e.f = cluster::checker::op_f::fault;
    e.fault_name = f.name;
    e.fault_target = f.target;
    e.fault_start = start;
    h_->write(e);
  }

  void finish() {
    if (w_)
      w_->stop(0);
    w_.reset();
    leaders_.reset();
    probe_.reset();
    if (nodes_)
      nodes_->stop_all(stop_requested.load());
    bool keep = o_.keep_data || !r_.passed();
    if (disks_) // the brokers are gone: the mounts end with the holder
      disks_->teardown(keep);
    disks_.reset();
    if (nodes_ && !keep)
      for (int i = 1; i <= nodes_->size(); ++i)
        fs::remove_all(nodes_->node(i).dir + "/data");
    nodes_.reset();
    clocks_.reset();
    if (net_)
      net_->teardown();
    net_.reset();
    if (h_)
      h_->close();
    write_summary();
  }

  void write_summary() {
    std::ofstream out{o_.out + "/summary.json"};
    auto str = [](const std::string& s) { return nlohmann::json(s).dump(); };
    out << "{\"scenario\":" << str(s_.name) << ",\"seed\":" << o_.seed << ",\"duration_s\":" << duration_
        << ",\"passed\":" << (r_.passed() ? "true" : "false") << ",\"valid\":" << (r_.valid ? "true" : "false")
        << ",\"faults_applied\":" << r_.faults_applied << ",\"faults_skipped\":" << r_.faults_skipped
        << ",\"seconds\":" << fixed(elapsed(), 1) << ",\"errors\":[";
    for (size_t i = 0; i < r_.errors.size(); ++i)
      out << (i ? "," : "") << str(r_.errors[i]);
    out << "],\"check\":" << (checker_json_.empty() ? "null" : checker_json_) << "}\n";
    if (h_) {
      r_.sends_ok = h_->send_ok.load();
      r_.sends_fail = h_->send_fail.load();
      r_.sends_info = h_->send_info.load();
    }
  }

  const ex::scenario& s_;
  const run_options& o_;
  double duration_ = 0;
  run_result r_;
  std::ofstream log_;
  double t_start_ = 0, t_workload_ = 0;
  std::string phase_ = "start";
  std::optional<std::string> no_network_; // why partitions are skipped in this run
  std::unique_ptr<run_network> net_;       // declared before nodes_: destroyed after the nodes stopped
  std::optional<std::string> no_disks_;    // why disk faults are skipped in this run
  std::unique_ptr<run_disks> disks_;       // likewise
  std::optional<std::string> no_clock_;    // why clock faults are skipped in this run
  std::unique_ptr<run_clocks> clocks_;     // likewise
  std::unique_ptr<node_set> nodes_;
  std::unique_ptr<probe> probe_;
  std::unique_ptr<history_log> h_;
  std::unique_ptr<workload> w_;
  std::unique_ptr<leader_watch> leaders_; // writes leader lines from the workload to the drain
  std::unique_ptr<ex::seeded_rng> seeded_rng_;
  std::vector<active_fault> active_;
  int fault_count_ = 0;
  std::string checker_json_;
};

} // namespace

run_result run_once(const cluster::experiment::scenario& s, const run_options& o) { return run{s, o}.go(); }

} // namespace samsa::experiment
