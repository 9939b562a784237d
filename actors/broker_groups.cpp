#include "actors/broker_groups.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "actors/partition_replica.hpp"

namespace samsa::actors {

namespace {

constexpr auto group_timeout = timeouts::rebalance; // a join may wait a whole rebalance

std::optional<std::string> opt(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>{s};
}

// Finds the group's coordinator, asks it, converts the answer; `fallback` answers when it cannot be reached.
template <class Out, class Answer, class Convert, class... Ts>
caf::result<Out> ask_group(broker_ptr self, const std::string& group, Out fallback, Convert convert, Ts... xs) {
  auto rp = self->make_response_promise<Out>();
  auto registry = self->state.groups;
  self->request(registry, timeouts::request, group_atom::value, group)
    .then(
      [=](caf::actor& g) mutable {
        self->request(g, group_timeout, xs...)
          .then([=](Answer& answer) mutable { rp.deliver(convert(answer)); },
                [=](caf::error&) mutable { rp.deliver(fallback); });
      },
      [=](caf::error&) mutable { rp.deliver(fallback); });
  return rp;
}

int16_t code(cluster::group_errc e) {
  return cluster::kafka_code(e);
}

constexpr int16_t coordinator_not_available = 15;

} // namespace

caf::result<group_join_response> native_join(broker_ptr self, group_join_request& req) {
  cluster::join_request j;
  j.version = 5;
  j.member_id = req.member_id;
  j.group_instance_id = opt(req.group_instance_id);
  j.client_id = req.client_id;
  j.client_host = "native";
  j.session_timeout_ms = req.session_timeout_ms;
  j.rebalance_timeout_ms = req.rebalance_timeout_ms;
  j.protocol_type = req.protocol_type;
  for (auto& p : req.protocols)
    j.protocols.push_back({p.name, p.bytes});
  group_join_response fallback;
  fallback.error = coordinator_not_available;
  return ask_group<group_join_response, cluster::join_response>(
    self, req.group_id, fallback,
    [](cluster::join_response& r) {
      group_join_response out;
      out.error = code(r.error);
      out.generation_id = r.generation_id;
      out.protocol = r.protocol_name;
      out.leader_id = r.leader_id;
      out.member_id = r.member_id;
      for (auto& m : r.members)
        out.members.push_back({m.member_id, m.metadata});
      return out;
    },
    join_atom::value, j);
}

caf::result<group_sync_response> native_sync(broker_ptr self, group_sync_request& req) {
  cluster::sync_request s;
  s.generation_id = req.generation_id;
  s.member_id = req.member_id;
  s.group_instance_id = opt(req.group_instance_id);
  for (auto& a : req.assignments)
    s.assignments.push_back({a.name, a.bytes});
  group_sync_response fallback;
  fallback.error = coordinator_not_available;
  return ask_group<group_sync_response, cluster::sync_response>(
    self, req.group_id, fallback,
    [](cluster::sync_response& r) { return group_sync_response{code(r.error), r.assignment}; }, sync_atom::value, s);
}

caf::result<int16_t> native_heartbeat(broker_ptr self, const std::string& group, int32_t generation,
                                      const std::string& member) {
  cluster::heartbeat_request h;
  h.generation_id = generation;
  h.member_id = member;
  return ask_group<int16_t, cluster::group_errc>(
    self, group, coordinator_not_available, [](cluster::group_errc e) { return code(e); }, heartbeat_atom::value, h);
}

caf::result<int16_t> native_leave(broker_ptr self, const std::string& group, const std::string& member) {
  std::vector<cluster::leave_member> members{{member, std::nullopt}};
  return ask_group<int16_t, cluster::leave_result>(
    self, group, coordinator_not_available,
    [](cluster::leave_result& r) {
      if (r.error == cluster::group_errc::none && !r.members.empty())
        return code(r.members.front().error);
      return code(r.error);
    },
    leave_atom::value, members);
}

caf::result<int16_t> native_commit(broker_ptr self, const std::string& group, int32_t generation,
                                   const std::string& member, std::vector<partition_offset>& offsets) {
  offset_commit_args args;
  args.member_id = member;
  args.generation_id = generation;
  auto now = wall_clock_ms(); // commit timestamps are shown to users and drive offsets.retention: wall time
  for (auto& o : offsets) {
    persistence::committed_offset c;
    c.topic = o.topic;
    c.partition = o.partition;
    c.offset = o.offset;
    c.commit_ms = now;
    args.offsets.push_back(std::move(c));
  }
  return ask_group<int16_t, cluster::group_errc>(
    self, group, coordinator_not_available, [](cluster::group_errc e) { return code(e); }, commit_atom::value, args);
}

caf::result<std::vector<partition_offset>> native_committed(broker_ptr self, const std::string& group) {
  auto rp = self->make_response_promise<std::vector<partition_offset>>();
  self->request(self->state.groups, timeouts::request, committed_atom::value, group)
    .then(
      [=](std::vector<persistence::committed_offset>& cs) mutable {
        std::vector<partition_offset> out;
        for (auto& c : cs)
          out.push_back({c.topic, c.partition, c.offset});
        rp.deliver(std::move(out));
      },
      [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

} // namespace samsa::actors
