// ListGroups (key 16), v0-2.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "messages/kafka/list_groups.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_list_groups(kafka_handler_ptr self, const kafka_request& req) {
  kafka::list_groups_request lr;
  if (!decode_body(req, lr))
    return close_connection();
  auto header = req.header;
  auto rp = self->make_response_promise<kafka_reply>();
  self->request(self->state.cfg.groups, timeouts::request, list_atom::value)
    .then(
      [=](std::vector<group_info>& groups) mutable {
        kafka::list_groups_response resp;
        for (auto& g : groups)
          resp.groups.push_back({g.group_id, g.protocol_type});
        rp.deliver(encode_reply(header, resp));
      },
      [=](caf::error&) mutable {
        kafka::list_groups_response resp;
        resp.error = kafka::error_code::coordinator_not_available;
        rp.deliver(encode_reply(header, resp));
      });
  return rp;
}

} // namespace samsa::actors
