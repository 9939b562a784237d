// DescribeGroups (key 15), v0-5.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "messages/kafka/describe_groups.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_describe_groups(kafka_handler_ptr self, const kafka_request& req) {
  kafka::describe_groups_request dr;
  if (!decode_body(req, dr))
    return close_connection();
  auto header = req.header;
  auto resp = std::make_shared<kafka::describe_groups_response>();
  resp->groups.resize(dr.groups.size());
  if (dr.groups.empty())
    return encode_reply(header, *resp);
  auto rp = self->make_response_promise<kafka_reply>();
  auto pending = std::make_shared<size_t>(dr.groups.size());
  auto done = [=]() mutable {
    if (--*pending == 0)
      rp.deliver(encode_reply(header, *resp));
  };
  for (size_t i = 0; i < dr.groups.size(); ++i) {
    auto id = dr.groups[i];
    resp->groups[i].group_id = id;
    with_group(self, id, [=](caf::actor g, kafka::error_code why) mutable {
      if (!g) {
        resp->groups[i].error = why;
        done();
        return;
      }
      self->request(g, timeouts::request, describe_atom::value)
        .then(
          [=](cluster::group_description& d) mutable {
            auto& out = resp->groups[i];
            out.group_state = d.state;
            out.protocol_type = d.protocol_type;
            out.protocol_data = d.protocol;
            for (auto& m : d.members)
              out.members.push_back({m.member_id, m.group_instance_id, m.client_id, m.client_host,
                                     kafka::owned_bytes(m.metadata.begin(), m.metadata.end()),
                                     kafka::owned_bytes(m.assignment.begin(), m.assignment.end())});
            done();
          },
          [=](caf::error&) mutable {
            resp->groups[i].error = kafka::error_code::coordinator_not_available;
            done();
          });
    });
  }
  return rp;
}

} // namespace samsa::actors
