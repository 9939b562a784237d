// LeaveGroup (key 13), v0-5: v0-2 name one member, v3+ a batch (static members by instance id).
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "messages/kafka/leave_group.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_leave_group(kafka_handler_ptr self, const kafka_request& req) {
  kafka::leave_group_request lr;
  auto version = req.header.api_version;
  if (!decode_body(req, lr))
    return close_connection();
  auto header = req.header;
  std::vector<cluster::leave_member> members;
  if (version < 3)
    members.push_back({lr.member_id, std::nullopt});
  else
    for (auto& m : lr.members)
      members.push_back({m.member_id, m.group_instance_id});
  auto rp = self->make_response_promise<kafka_reply>();
  auto fail = [=](kafka::error_code e) mutable {
    kafka::leave_group_response resp;
    resp.error = e;
    rp.deliver(encode_reply(header, resp));
  };
  with_group(self, lr.group_id, [=](caf::actor g, kafka::error_code why) mutable {
    if (!g) {
      fail(why);
      return;
    }
    self->request(g, timeouts::request, leave_atom::value, members)
      .then(
        [=](cluster::leave_result& r) mutable {
          kafka::leave_group_response resp;
          resp.error = to_kafka(r.error);
          if (version < 3 && resp.error == kafka::error_code::none && !r.members.empty())
            resp.error = to_kafka(r.members.front().error); // v0-2 report the single member's outcome
          for (auto& m : r.members)
            resp.members.push_back({m.member_id, m.group_instance_id, to_kafka(m.error)});
          rp.deliver(encode_reply(header, resp));
        },
        [=](caf::error&) mutable { fail(kafka::error_code::coordinator_not_available); });
  });
  return rp;
}

} // namespace samsa::actors
