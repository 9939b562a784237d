// `samsa consume --group G`: the command line's member of a consumer group. The native group consumer
// (actors/group_consumer.hpp) joins, fetches and commits; this thread is its sink: it prints each batch
// handed over and answers it (which marks the records processed, so they are committed), and decides
// when to stop. On exit it closes the consumer, which commits and leaves the group.
#include <cstdint>
#include <iostream>
#include <map>

#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/group_consumer.hpp"
#include "tools/cli_consume.hpp"
#include "tools/cli_follow.hpp"

namespace samsa::cli {

namespace {

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

int consume_in_group(caf::scoped_actor& self, broker_actor broker, const args& a, const std::string& group,
                     const consume_plan& plan, const record_printer& printer) {
  actors::group_consumer_config cfg;
  cfg.group_id = group;
  cfg.topics = {plan.topic};
  cfg.client_id = "samsa-cli";
  cfg.from_beginning = plan.start.what == offset_spec::kind::earliest;
  cfg.max_records = plan.max_messages;
  stop_signals signals;
  self->monitor(broker);
  auto consumer = self->home_system().spawn(actors::group_consumer, broker, cfg, caf::actor_cast<caf::actor>(self));
  progress pr;
  printed_positions printed_at; // across reconnects: what the group's commits may be behind of
  bool resuming = false;        // reconnected: the next assignment is where reading resumes
  std::optional<caf::error> lost;
  std::optional<std::vector<partition_offset>> new_assignment;
  int64_t printed = 0;
  std::string out;
  while (!stop_requested() && (plan.max_messages < 0 || printed < plan.max_messages)) {
    if (lost) {
      std::cerr << (plan.follow ? "" : "error: ")
                << lost_broker_line(broker_address(a), lost_reason(*lost), plan.follow) << "\n";
      if (!plan.follow)
        break;
      auto again = reconnect(self, a);
      if (!again)
        break;
      lost.reset();
      broker = *again;
      // The consumer commits what it handed over (if the restored group still knows this member) and
      // rejoins with the same member id, so the group need not wait out the old member's session.
      self->send(consumer, actors::reconnect_atom::value, broker);
      std::cerr << "reconnected; rejoining group " << group << "\n";
      resuming = true;
    }
    if (new_assignment) {
      pr.position.clear();
      std::vector<std::pair<int32_t, int64_t>> at;
      for (auto& p : *new_assignment)
        if (p.topic == plan.topic) {
          pr.position[p.partition] = printed_at.resume_at(p.partition, p.offset);
          at.emplace_back(p.partition, pr.position[p.partition]);
        }
      pr.assigned = true;
      new_assignment.reset();
      if (resuming)
        std::cerr << resume_line(plan.topic, at, "group " + group + ": ") << "\n";
      resuming = false;
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
        for (auto& r : recs) {
          // Below what was printed: the group's commit was behind it when the broker went away.
          if (!printed_at.fresh(partition, r.offset))
            continue;
          out += printer.line({topic, partition, r});
          printed_at.printed(partition, r.offset);
          ++printed;
        }
        std::cout << out << std::flush;
        if (!recs.empty())
          pr.position[partition] = recs.back().offset + 1;
        return true;
      },
      [&](actors::assigned_atom, const std::vector<partition_offset>& parts) { new_assignment = parts; },
      [&](caf::down_msg& d) {
        if (d.source == broker.address())
          lost = std::move(d.reason);
      },
      caf::after(std::chrono::milliseconds(100)) >> [] {});
  }
  if (lost) {
    // No broker to commit to or leave through: the consumer's requests would only wait out their timeouts.
    self->send_exit(consumer, caf::exit_reason::kill);
    if (plan.follow)
      std::cerr << "error: stopped while reconnecting; group " << group << " was not left (the broker drops the "
                   "member after its session timeout) and may not have committed the last records printed\n";
    return exit_failed;
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
