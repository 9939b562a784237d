// A failure-injection experiment in one process, through the engine as a library (actors/embedded_
// experiment.hpp, docs/experiments.md "Embedding the engine"): three samsa nodes as three actor systems,
// topic t (RF 3, min.insync.replicas 2), two producers with acks=all and one consumer on samsa's native API
// for 20 s, while the faults fire at the CAF level:
//   at  3 s  kill: the leader of t-0 crashes (links cut, actors stopped, no controlled shutdown, actor
//            system destroyed), restarted on the same data directory and ports 4 s later;
//   at 10 s  isolate: a follower of t-0 has its links to both other nodes cut for 5 s;
//   at 16 s  delay: every byte between the quorum leader and the others arrives 200 ms late, for 3 s.
// Then every fault is healed, the cluster recovers, the producers stop, one more reader reads everything
// back, and the checker (the same as `samsa experiment check`) gives the verdict. The history is written in
// the process runner's JSON-lines format to a temporary directory (printed; removed when the run passed).
// Exit status 0 only when the checker found no anomaly and the run completed.
// Run: ./build/examples/example_embedded_experiment [SEED]   (ctest runs it as "example: embedded_experiment")
// Any scenario file the process runner reads runs the same way, in this process, with the delay above:
//      ./build/examples/example_embedded_experiment SEED config/experiments/isolate-leader.toml [DURATION]
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>

#include "actors/embedded_experiment.hpp"
#include "messages/logging.hpp"

namespace {

namespace ex = samsa::cluster::experiment;

ex::scenario make_scenario() {
  ex::scenario s;
  s.name = "embedded-leader-crash-follower-cut";
  s.duration_s = 20;
  s.recovery_s = 2;
  s.recovery_timeout_s = 60;
  s.final_read_timeout_s = 30;
  s.nodes = 3;
  s.node_config = {{"broker.session.timeout.ms", "4000"},
                   {"broker.heartbeat.interval.ms", "500"},
                   {"replica.lag.time.max.ms", "3000"}};
  ex::topic_spec t;
  t.name = "t";
  t.partitions = 1;
  t.replication_factor = 3;
  t.config = {{"min.insync.replicas", "2"}};
  s.topics.push_back(t);
  ex::producer_spec p;
  p.topic = "t";
  p.count = 2;
  p.acks = -1; // all
  p.rate = 50;
  s.producers.push_back(p);
  ex::consumer_spec c;
  c.topic = "t";
  s.consumers.push_back(c);
  ex::fault_spec kill;
  kill.kind = ex::fault_kind::kill;
  kill.target.role = ex::role_kind::leader;
  kill.target.topic = "t";
  kill.at_s = 3;
  kill.duration_s = 4;
  s.faults.push_back(kill);
  ex::fault_spec cut;
  cut.kind = ex::fault_kind::isolate;
  cut.target.role = ex::role_kind::follower;
  cut.target.topic = "t";
  cut.at_s = 10;
  cut.duration_s = 5;
  s.faults.push_back(cut);
  return s;
}

} // namespace

int main(int argc, char** argv) {
  samsa::configure_logging("error"); // three nodes share this process's stderr
  uint64_t seed = argc > 1 ? std::stoull(argv[1]) : 1;
  char tmpl[] = "/tmp/samsa-embedded-experiment.XXXXXX";
  if (!::mkdtemp(tmpl)) {
    std::cerr << "cannot create a temporary directory\n";
    return 2;
  }
  samsa::actors::embedded_run_options o;
  o.seed = seed;
  o.out_dir = tmpl;
  samsa::actors::embedded_delay slow;
  slow.target.role = ex::role_kind::quorum_leader;
  slow.at_s = 16;
  slow.duration_s = 3;
  slow.delay_ms = 200;
  o.delays.push_back(slow);
  o.say = [](const std::string& line) { std::cout << line << std::endl; };
  ex::scenario s;
  try {
    s = argc > 2 ? ex::load_scenario(argv[2]) : make_scenario();
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  if (argc > 3)
    o.duration_s = std::stod(argv[3]);
  if (s.unsafe())
    o.delays.clear(); // its own faults only
  auto r = samsa::actors::run_embedded_experiment(s, o);
  for (const auto& e : r.errors)
    std::cout << "error: " << e << "\n";
  if (r.checked)
    std::cout << samsa::cluster::checker::to_text(r.check);
  std::cout << "summary: " << s.name << ", seed " << seed << ", " << (r.passed() ? "valid" : "NOT valid") << ", faults applied "
            << r.faults_applied << ", skipped " << r.faults_skipped << ", sends ok " << r.sends_ok << ", info "
            << r.sends_info << ", failed " << r.sends_fail << ", records read " << r.records_read << ", "
            << static_cast<int>(r.seconds) << " s; history " << r.history_path << std::endl;
  if (r.passed()) {
    std::error_code ec;
    std::filesystem::remove_all(tmpl, ec);
  }
  return r.passed() ? 0 : 1;
}
