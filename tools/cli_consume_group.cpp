// `samsa consume --group G`: the command line's member of a consumer group. The native group consumer
// (actors/group_consumer.hpp) joins, fetches and commits; this thread is its sink: it prints each batch
// handed over and answers it (which marks the records processed, so they are committed), and decides
// when to stop. On exit it closes the consumer, which commits and leaves the group.
#include <atomic>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <map>

#include <caf/actor_cast.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/group_consumer.hpp"
#include "tools/cli_consume.hpp"

namespace samsa::cli {

namespace {

volatile std::sig_atomic_t stop_signal = 0;

extern "C" void on_stop_signal(int sig) { stop_signal = sig; }

// SIGINT and SIGTERM set stop_signal while this lives (the consumer then leaves the group cleanly).
class stop_signals {
public:
  stop_signals() {
    stop_signal = 0;
    old_int_ = std::signal(SIGINT, on_stop_signal);
    old_term_ = std::signal(SIGTERM, on_stop_signal);
  }
  ~stop_signals() {
    std::signal(SIGINT, old_int_);
    std::signal(SIGTERM, old_term_);
  }
  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

private:
  void (*old_int_)(int);
  void (*old_term_)(int);
};

// Where each assigned partition is (the next offset to print) and where its log ended when it was assigned.
struct progress {
  std::map<int32_t, int64_t> position;
  std::map<int32_t, int64_t> end;
  bool assigned = false;
  bool caught_up() const {
    for (auto& [p, at] : position) {
      auto e = end.find(p);
      if (e == end.end() || at < e->second)
        return false;
    }
    return true;
  }
};

// The end offsets of the assigned partitions (-1 where the broker did not answer: never caught up).
void measure_ends(caf::scoped_actor& self, const broker_actor& b, const std::string& topic, progress& pr) {
  pr.end.clear();
  for (auto& [p, at] : pr.position) {
    int64_t end = -1;
    self->request(b, request_timeout, offsets_atom::value, topic, p, latest_timestamp)
      .receive([&](const offset_answer& ans) { end = ans.error == 0 ? ans.offset : -1; }, [&](const caf::error&) {});
    pr.end[p] = end < 0 ? INT64_MAX : end;
  }
}

} // namespace

int consume_in_group(caf::scoped_actor& self, const broker_actor& broker, const std::string& group,
                     const consume_plan& plan, const record_printer& printer) {
  actors::group_consumer_config cfg;
  cfg.group_id = group;
  cfg.topics = {plan.topic};
  cfg.client_id = "samsa-cli";
  cfg.from_beginning = plan.start.what == offset_spec::kind::earliest;
  cfg.max_records = plan.max_messages;
  stop_signals signals;
  auto consumer = self->home_system().spawn(actors::group_consumer, broker, cfg, caf::actor_cast<caf::actor>(self));
  progress pr;
  std::optional<std::vector<partition_offset>> new_assignment;
  int64_t printed = 0;
  std::string out;
  while (stop_signal == 0 && (plan.max_messages < 0 || printed < plan.max_messages)) {
    if (new_assignment) {
      pr.position.clear();
      for (auto& p : *new_assignment)
        if (p.topic == plan.topic)
          pr.position[p.partition] = p.offset;
      pr.assigned = true;
      new_assignment.reset();
      if (!plan.follow)
        measure_ends(self, broker, plan.topic, pr);
    }
    if (!plan.follow && pr.assigned && pr.caught_up()) {
      if (pr.position.empty())
        std::cerr << "group " << group << " assigned no partition of " << plan.topic << " to this consumer\n";
      break;
    }
    self->receive(
      [&](actors::records_atom, const std::string& topic, int32_t partition, const std::vector<record>& recs) {
        out.clear();
        for (auto& r : recs)
          out += printer.line({topic, partition, r});
        std::cout << out << std::flush;
        printed += static_cast<int64_t>(recs.size());
        if (!recs.empty())
          pr.position[partition] = recs.back().offset + 1;
        return true;
      },
      [&](actors::assigned_atom, const std::vector<partition_offset>& parts) { new_assignment = parts; },
      caf::after(std::chrono::milliseconds(100)) >> [] {});
  }
  bool left = false;
  self->request(consumer, request_timeout, close_atom::value)
    .receive([&](bool ok) { left = ok; }, [&](const caf::error&) {});
  if (!left) {
    std::cerr << "error: could not commit and leave group " << group << " cleanly\n";
    return exit_failed;
  }
  return exit_ok;
}

} // namespace samsa::cli
