// SyncGroup (key 14), v0-5: the leader brings the assignments; everyone waits for them.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "messages/kafka/sync_group.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_sync_group(kafka_handler_ptr self, const kafka_request& req) {
  kafka::sync_group_request sr;
  if (!decode_body(req, sr))
    return close_connection();
  auto header = req.header;
  cluster::sync_request cs;
  cs.generation_id = sr.generation_id;
  cs.member_id = sr.member_id;
  cs.group_instance_id = sr.group_instance_id;
  cs.protocol_type = sr.protocol_type;
  cs.protocol_name = sr.protocol_name;
  for (auto& a : sr.assignments)
    cs.assignments.push_back({a.member_id, std::string(a.assignment.begin(), a.assignment.end())});
  auto rp = self->make_response_promise<kafka_reply>();
  auto fail = [=](kafka::error_code e) mutable {
    kafka::sync_group_response resp;
    resp.error = e;
    rp.deliver(encode_reply(header, resp));
  };
  with_group(self, sr.group_id, [=](caf::actor g, kafka::error_code why) mutable {
    if (!g) {
      fail(why);
      return;
    }
    self->request(g, timeouts::rebalance, sync_atom::value, cs)
      .then(
        [=](cluster::sync_response& r) mutable {
          kafka::sync_group_response resp;
          resp.error = to_kafka(r.error);
          resp.assignment.assign(r.assignment.begin(), r.assignment.end());
          if (r.error == cluster::group_errc::none) {
            resp.protocol_type = r.protocol_type;
            resp.protocol_name = r.protocol_name;
          }
          rp.deliver(encode_reply(header, resp));
        },
        [=](caf::error&) mutable { fail(kafka::error_code::coordinator_not_available); });
  });
  return rp;
}

} // namespace samsa::actors
