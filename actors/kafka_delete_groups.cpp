// DeleteGroups (key 42), v0-2: each group is deleted by the node's group registry with its committed offsets,
// when this node coordinates it (NOT_COORDINATOR otherwise, as the other group APIs on a cluster) and it has
// no members (NON_EMPTY_GROUP); a group nobody formed and with nothing stored is GROUP_ID_NOT_FOUND.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "messages/kafka/delete_groups.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_delete_groups(kafka_handler_ptr self, const kafka_request& req) {
  kafka::delete_groups_request dr;
  if (!decode_body(req, dr))
    return close_connection();
  auto header = req.header;
  auto resp = std::make_shared<kafka::delete_groups_response>();
  for (auto& id : dr.groups_names)
    resp->results.push_back({id, kafka::error_code::none});
  if (dr.groups_names.empty())
    return encode_reply(header, *resp);
  auto rp = self->make_response_promise<kafka_reply>();
  auto pending = std::make_shared<size_t>(dr.groups_names.size());
  for (size_t i = 0; i < dr.groups_names.size(); ++i) {
    auto id = dr.groups_names[i];
    auto done = [=](kafka::error_code e) mutable {
      resp->results[i].error = e;
      if (--*pending == 0)
        rp.deliver(encode_reply(header, *resp));
    };
    if (id.empty()) {
      done(kafka::error_code::invalid_group_id);
      continue;
    }
    check_coordinator(self, id, [=](kafka::error_code why) mutable {
      if (why != kafka::error_code::none) {
        done(why);
        return;
      }
      self->request(self->state.cfg.groups, timeouts::request, delete_group_atom::value, id)
        .then(
          [=](bool) mutable {
            self->state.groups.erase(id); // its coordinator quit
            done(kafka::error_code::none);
          },
          [=](caf::error& e) mutable { done(to_kafka(e)); });
    });
  }
  return rp;
}

} // namespace samsa::actors
