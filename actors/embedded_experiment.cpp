#include "actors/embedded_experiment.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "actors/embedded_cluster.hpp"
#include "actors/embedded_workload.hpp"
#include "cluster/experiment/fault_plan.hpp"
#include "cluster/experiment/history_log.hpp"
#include "cluster/experiment/net_plan.hpp"
#include "cluster/experiment/roles.hpp"

namespace samsa::actors {

namespace {

namespace ex = cluster::experiment;
namespace ck = cluster::checker;
namespace fs = std::filesystem;
using clock = std::chrono::steady_clock;

std::string fixed(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  return buf;
}

std::string node_list(const std::vector<int32_t>& nodes) {
  std::string s = nodes.size() == 1 ? "node " : "nodes ";
  for (size_t i = 0; i < nodes.size(); ++i)
    s += (i ? "," : "") + std::to_string(nodes[i]);
  return s;
}

// One fault of the run: planned, then resolved to nodes when it fired.
struct active_fault {
  std::string name;   // "kill #1": its start and stop lines in the history
  std::string target; // "node 2 (leader of t-0)"
  ex::fault_kind kind = ex::fault_kind::kill;
  std::vector<int32_t> nodes;
  std::vector<ex::link_drop> drops; // partitions
  std::optional<int64_t> delay_ms;  // delays
  double heal_at = 0;               // seconds of the workload
};

class engine {
public:
  engine(const ex::scenario& s, const embedded_run_options& o)
    : s_(s), o_(o), duration_(o.duration_s.value_or(s.duration_s)), roles_(o.seed * 7919 + 1),
      cluster_({s.nodes, s.node_config, (fs::path{o.out_dir} / "data").string()}) {}

  embedded_run_result run() {
    auto t0 = clock::now();
    fs::create_directories(o_.out_dir);
    r_.history_path = (fs::path{o_.out_dir} / "history.jsonl").string();
    if (setup()) {
      h_ = std::make_unique<ex::history_log>(r_.history_path);
      workload();
      finish_workload();
    }
    if (h_) {
      h_->close();
      r_.check = ck::check_history_file(r_.history_path);
      r_.checked = true;
      std::ofstream{(fs::path{o_.out_dir} / "check.txt").string()} << ck::to_text(r_.check);
    }
    for (int32_t i = 1; i <= cluster_.size(); ++i)
      if (cluster_.running(i))
        cluster_.crash(i); // the data is not needed any more: no controlled shutdown
    if (r_.passed() && !o_.keep_data) {
      std::error_code ec;
      fs::remove_all(fs::path{o_.out_dir} / "data", ec);
    }
    r_.seconds = std::chrono::duration<double>(clock::now() - t0).count();
    return std::move(r_);
  }

private:
  void say(const std::string& s) {
    if (o_.say)
      o_.say(s);
  }
  double elapsed() const { return std::chrono::duration<double>(clock::now() - w0_).count(); }

  bool wait(std::function<bool()> cond, double timeout_s) {
    auto deadline = clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(timeout_s));
    while (!cond()) {
      if (clock::now() > deadline)
        return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return true;
  }

  bool setup() {
    std::string why;
    for (int32_t i = 1; i <= cluster_.size(); ++i)
      if (!cluster_.start_node(i, why)) {
        r_.errors.push_back("setup: " + why);
        return false;
      }
    say("setup: " + std::to_string(cluster_.size()) + " nodes started in this process");
    if (!wait([&] { return cluster_.healthy(); }, s_.recovery_timeout_s)) {
      r_.errors.push_back("setup: the cluster was not healthy within " + fixed(s_.recovery_timeout_s) + " s");
      return false;
    }
    for (const auto& t : s_.topics) {
      topic_spec spec;
      spec.name = t.name;
      spec.partitions = t.partitions;
      spec.replication_factor = static_cast<int16_t>(t.replication_factor);
      spec.configs = t.config;
      if (!cluster_.create_topic(spec, why)) {
        r_.errors.push_back("setup: topic " + t.name + ": " + why);
        return false;
      }
    }
    if (!wait([&] { return all_isr_full(); }, s_.recovery_timeout_s)) {
      r_.errors.push_back("setup: the topics' ISRs were not full within " + fixed(s_.recovery_timeout_s) + " s");
      return false;
    }
    say("setup: topics created, every ISR full");
    return true;
  }

  bool all_isr_full() {
    for (const auto& t : s_.topics) {
      auto d = cluster_.describe(t.name);
      if (!d || d->partition_states.size() != static_cast<size_t>(t.partitions))
        return false;
      for (const auto& p : d->partition_states)
        if (p.leader < 0 || p.isr.size() != p.replicas.size())
          return false;
    }
    return cluster_.healthy();
  }

  void workload() {
    embedded_workload::options wo;
    for (int32_t i = 1; i <= cluster_.size(); ++i)
      wo.native_ports.push_back(cluster_.native_port(i));
    for (const auto& t : s_.topics)
      wo.partitions[t.name] = t.partitions;
    for (const auto& p : s_.producers)
      for (int i = 0; i < p.count; ++i)
        wo.producers.push_back({p.topic, static_cast<int16_t>(p.acks), p.rate});
    for (const auto& c : s_.consumers)
      for (int i = 0; i < c.count; ++i)
        wo.consumers.push_back({c.topic});
    w_ = std::make_unique<embedded_workload>(std::move(wo), *h_);
    // The schedule: every fault's start, every heal, in time order (the seed fixed the plan).
    auto plan = ex::plan_faults(s_, o_.seed, duration_);
    for (const auto& d : plan.dropped)
      say("left out: " + d);
    w0_ = clock::now();
    w_->start();
    say("workload: " + std::to_string(s_.producers.size()) + " producer specs, " + std::to_string(s_.consumers.size())
        + " consumer specs, " + fixed(duration_) + " s, seed " + std::to_string(o_.seed));
    size_t next_fault = 0, next_delay = 0;
    auto delays = o_.delays;
    std::sort(delays.begin(), delays.end(), [](const auto& a, const auto& b) { return a.at_s < b.at_s; });
    while (elapsed() < duration_) {
      heal_due(elapsed());
      if (next_fault < plan.faults.size() && plan.faults[next_fault].at_s <= elapsed())
        inject(plan.faults[next_fault++]);
      else if (next_delay < delays.size() && delays[next_delay].at_s <= elapsed())
        inject_delay(delays[next_delay++]);
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  void finish_workload() {
    for (auto& f : active_)
      heal(f);
    active_.clear();
    say("[" + fixed(elapsed()) + "s] every fault healed; waiting for the cluster to be healthy");
    if (!wait([&] { return all_isr_full(); }, s_.recovery_timeout_s))
      r_.errors.push_back("recovery: the cluster was not healthy within " + fixed(s_.recovery_timeout_s) + " s");
    std::this_thread::sleep_for(std::chrono::duration<double>(s_.recovery_s));
    w_->stop();
    say("[" + fixed(elapsed()) + "s] workload stopped: sends ok " + std::to_string(h_->send_ok.load()) + ", info "
        + std::to_string(h_->send_info.load()) + ", failed " + std::to_string(h_->send_fail.load()));
    std::string why;
    if (!w_->final_reads(std::chrono::milliseconds(static_cast<int64_t>(s_.final_read_timeout_s * 1000)), why))
      r_.errors.push_back("final reads: " + why);
    r_.sends_ok = h_->send_ok;
    r_.sends_info = h_->send_info;
    r_.sends_fail = h_->send_fail;
    r_.records_read = h_->polled;
    w_.reset();
  }

  ex::cluster_snapshot snapshot() {
    ex::cluster_snapshot snap;
    snap.nodes = cluster_.size();
    std::set<int32_t> faulted;
    for (const auto& f : active_)
      faulted.insert(f.nodes.begin(), f.nodes.end());
    for (int32_t i = 1; i <= cluster_.size(); ++i) {
      if (!cluster_.running(i) || faulted.count(i))
        continue;
      snap.up.insert(i);
      if (snap.quorum_leader < 0)
        if (auto q = cluster_.quorum(i))
          snap.quorum_leader = q->leader;
    }
    for (const auto& t : s_.topics)
      if (auto d = cluster_.describe(t.name))
        for (const auto& p : d->partition_states)
          snap.partitions[{t.name, p.partition}] = {p.leader, p.replicas, p.isr};
    return snap;
  }

  void annotate(const active_fault& f, bool start) {
    ck::event e;
    e.process = ck::nemesis_process;
    e.type = ck::event_type::info;
    e.f = ck::op_f::fault;
    e.fault_name = f.name;
    e.fault_target = f.target;
    e.fault_start = start;
    h_->write(e);
  }

  // Resolves the target now; false (the fault skipped, said why) when it cannot be.
  bool resolve(const ex::target_spec& target, const std::string& name, std::vector<int32_t>& nodes) {
    auto res = ex::resolve(target, snapshot(), roles_);
    if (!res.error.empty()) {
      ++r_.faults_skipped;
      say("[" + fixed(elapsed()) + "s] skipped " + name + " " + target.str() + ": " + res.error);
      return false;
    }
    nodes = res.nodes;
    return true;
  }

  void inject(const ex::planned_fault& p) {
    std::string name = std::string{ex::to_string(p.kind)} + " #" + std::to_string(++fault_count_);
    if (p.kind == ex::fault_kind::pause) {
      ++r_.faults_skipped;
      say("[" + fixed(elapsed()) + "s] skipped " + name + ": SIGSTOP has no in-process equivalent");
      return;
    }
    if (ex::is_disk_fault(p.kind)) {
      ++r_.faults_skipped;
      say("[" + fixed(elapsed()) + "s] skipped " + name + ": the nodes of one process share no data directory to fill "
          "(disk-full runs with `samsa experiment run`)");
      return;
    }
    active_fault f;
    f.name = name;
    f.kind = p.kind;
    f.heal_at = elapsed() + p.duration_s;
    if (!resolve(p.target, name, f.nodes))
      return;
    f.target = node_list(f.nodes) + " (" + p.target.str() + ")";
    if (ex::is_network_fault(p.kind)) {
      auto part = ex::plan_partition(p.kind, f.nodes, cluster_.size(), roles_);
      if (part.drops.empty()) {
        ++r_.faults_skipped;
        say("[" + fixed(elapsed()) + "s] skipped " + name + " " + p.target.str() + ": " + part.description);
        return;
      }
      f.target += ": " + part.description;
      f.drops = std::move(part.drops);
    }
    ++r_.faults_applied;
    annotate(f, true);
    say("[" + fixed(elapsed()) + "s] inject " + f.name + ": " + f.target);
    switch (p.kind) {
    case ex::fault_kind::kill:
      for (auto n : f.nodes)
        cluster_.crash(n);
      break;
    case ex::fault_kind::stop:
      for (auto n : f.nodes)
        cluster_.stop(n);
      break;
    case ex::fault_kind::rolling_restart:
      for (auto n : f.nodes) {
        cluster_.stop(n);
        restart(n);
        if (!wait([&] { return all_isr_full(); }, s_.recovery_timeout_s))
          r_.errors.push_back("rolling restart: not healthy after restarting node " + std::to_string(n));
      }
      annotate(f, false);
      return;
    default:
      for (const auto& d : f.drops)
        cluster_.links().cut(d.from, d.to);
      break;
    }
    active_.push_back(std::move(f));
  }

  void inject_delay(const embedded_delay& d) {
    active_fault f;
    f.name = "delay #" + std::to_string(++fault_count_);
    f.delay_ms = d.delay_ms;
    f.heal_at = elapsed() + d.duration_s;
    if (!resolve(d.target, f.name, f.nodes))
      return;
    f.target = node_list(f.nodes) + " (" + d.target.str() + "): " + std::to_string(d.delay_ms) + " ms";
    ++r_.faults_applied;
    annotate(f, true);
    say("[" + fixed(elapsed()) + "s] inject " + f.name + ": " + f.target);
    for (auto n : f.nodes)
      for (int32_t j = 1; j <= cluster_.size(); ++j)
        if (std::find(f.nodes.begin(), f.nodes.end(), j) == f.nodes.end()) {
          cluster_.links().add_delay(n, j, std::chrono::milliseconds(d.delay_ms));
          cluster_.links().add_delay(j, n, std::chrono::milliseconds(d.delay_ms));
        }
    active_.push_back(std::move(f));
  }

  void restart(int32_t n) {
    std::string why;
    if (!cluster_.start_node(n, why))
      r_.errors.push_back("restart: " + why);
  }

  void heal(active_fault& f) {
    if (f.delay_ms) {
      for (auto n : f.nodes)
        for (int32_t j = 1; j <= cluster_.size(); ++j)
          if (std::find(f.nodes.begin(), f.nodes.end(), j) == f.nodes.end()) {
            cluster_.links().remove_delay(n, j, std::chrono::milliseconds(*f.delay_ms));
            cluster_.links().remove_delay(j, n, std::chrono::milliseconds(*f.delay_ms));
          }
    } else if (ex::is_network_fault(f.kind)) {
      for (const auto& d : f.drops)
        cluster_.links().heal(d.from, d.to);
    } else {
      for (auto n : f.nodes)
        restart(n);
    }
    annotate(f, false);
    say("[" + fixed(elapsed()) + "s] heal " + f.name + ": " + f.target);
  }

  void heal_due(double now) {
    for (auto it = active_.begin(); it != active_.end();)
      if (it->heal_at <= now) {
        heal(*it);
        it = active_.erase(it);
      } else {
        ++it;
      }
  }

  const ex::scenario& s_;
  const embedded_run_options& o_;
  double duration_;
  ex::seeded_rng roles_;
  embedded_cluster cluster_;
  std::unique_ptr<ex::history_log> h_;
  std::unique_ptr<embedded_workload> w_;
  std::vector<active_fault> active_;
  int fault_count_ = 0;
  clock::time_point w0_;
  embedded_run_result r_;
};

} // namespace

embedded_run_result run_embedded_experiment(const ex::scenario& s, const embedded_run_options& o) {
  return engine{s, o}.run();
}

} // namespace samsa::actors
