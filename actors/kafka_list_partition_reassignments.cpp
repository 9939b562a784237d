// ListPartitionReassignments (key 46, KIP-455), v0: the reassignments in progress as the active controller
// knows them (the broker's reassign_atom list, forwarded), all of them for a null topic list, else the named
// partitions that are moving (others, and unknown ones, are left out, as Kafka does). A single node has none.
#include "actors/kafka_handler.hpp"

#include <algorithm>

#include "actors/actor_clock.hpp"
#include "messages/kafka/list_partition_reassignments.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_list_partition_reassignments(kafka_handler_ptr self, const kafka_request& req) {
  kafka::list_partition_reassignments_request lr;
  if (!decode_body(req, lr))
    return close_connection();
  std::vector<std::string> names;
  if (lr.topics) {
    if (lr.topics->empty())
      return encode_reply(req.header, kafka::list_partition_reassignments_response{});
    for (const auto& t : *lr.topics)
      names.push_back(t.name);
  }
  auto rp = self->make_response_promise<kafka_reply>();
  auto header = req.header;
  auto wanted = lr.topics;
  self->request(self->state.cfg.broker, timeouts::admin, reassign_atom::value, list_atom::value, std::move(names))
    .then(
      [=](const std::vector<reassignment_info>& moving) mutable {
        kafka::list_partition_reassignments_response resp;
        for (const auto& m : moving) {
          if (wanted) {
            auto t = std::find_if(wanted->begin(), wanted->end(), [&](const auto& w) { return w.name == m.topic; });
            if (t == wanted->end()
                || std::find(t->partition_indexes.begin(), t->partition_indexes.end(), m.partition)
                     == t->partition_indexes.end())
              continue;
          }
          if (resp.topics.empty() || resp.topics.back().name != m.topic)
            resp.topics.push_back({m.topic, {}});
          resp.topics.back().partitions.push_back({m.partition, m.replicas, m.adding, m.removing});
        }
        rp.deliver(encode_reply(header, resp));
      },
      [=](caf::error& e) mutable {
        kafka::list_partition_reassignments_response resp;
        resp.error = to_kafka(e);
        resp.error_message = describe(e);
        rp.deliver(encode_reply(header, resp));
      });
  return rp;
}

} // namespace samsa::actors
