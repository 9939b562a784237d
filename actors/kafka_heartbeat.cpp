// Heartbeat (key 12), v0-4: REBALANCE_IN_PROGRESS tells a member to rejoin.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "messages/kafka/heartbeat.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_heartbeat(kafka_handler_ptr self, const kafka_request& req) {
  kafka::heartbeat_request hr;
  if (!decode_body(req, hr))
    return close_connection();
  auto header = req.header;
  cluster::heartbeat_request ch;
  ch.generation_id = hr.generation_id;
  ch.member_id = hr.member_id;
  ch.group_instance_id = hr.group_instance_id;
  auto rp = self->make_response_promise<kafka_reply>();
  auto answer = [=](kafka::error_code e) mutable {
    kafka::heartbeat_response resp;
    resp.error = e;
    rp.deliver(encode_reply(header, resp));
  };
  with_group(self, hr.group_id, [=](caf::actor g, kafka::error_code why) mutable {
    if (!g) {
      answer(why);
      return;
    }
    self->request(g, timeouts::request, heartbeat_atom::value, ch)
      .then([=](cluster::group_errc e) mutable { answer(to_kafka(e)); },
            [=](caf::error&) mutable { answer(kafka::error_code::coordinator_not_available); });
  });
  return rp;
}

} // namespace samsa::actors
