// AlterPartitionReassignments (key 45, KIP-455), v0: every partition of the request goes to the node's broker
// in one reassign_atom request, which the controller answers once the accepted moves committed (rules:
// cluster/controller/reassignment.hpp). Per partition: NONE, UNKNOWN_TOPIC_OR_PARTITION,
// INVALID_REPLICA_ASSIGNMENT or NO_REASSIGNMENT_IN_PROGRESS (a null replica list cancels). What fails the
// whole request (a single node, no active controller: NOT_CONTROLLER, a timeout) is the top-level error, as
// Kafka answers it.
#include "actors/kafka_handler.hpp"

#include "actors/actor_clock.hpp"
#include "messages/kafka/alter_partition_reassignments.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_alter_partition_reassignments(kafka_handler_ptr self, const kafka_request& req) {
  kafka::alter_partition_reassignments_request ar;
  if (!decode_body(req, ar))
    return close_connection();
  kafka::alter_partition_reassignments_response resp;
  std::vector<partition_reassignment> asks;
  for (const auto& t : ar.topics) {
    resp.responses.push_back({t.name, {}});
    for (const auto& p : t.partitions) {
      resp.responses.back().partitions.push_back({p.partition_index, kafka::error_code::none, std::nullopt});
      asks.push_back({t.name, p.partition_index, p.replicas.value_or(std::vector<int32_t>{}), !p.replicas});
    }
  }
  if (asks.empty())
    return encode_reply(req.header, resp);
  auto rp = self->make_response_promise<kafka_reply>();
  auto header = req.header;
  self->request(self->state.cfg.broker, timeouts::admin, reassign_atom::value, std::move(asks))
    .then(
      [=](const std::vector<reassignment_outcome>& outcomes) mutable {
        size_t i = 0;
        for (auto& t : resp.responses)
          for (auto& p : t.partitions) {
            if (i >= outcomes.size())
              break;
            const auto& o = outcomes[i++];
            p.error = to_kafka(o.error);
            if (p.error != kafka::error_code::none)
              p.error_message = o.message;
          }
        rp.deliver(encode_reply(header, resp));
      },
      [=](caf::error& e) mutable {
        resp.error = to_kafka(e);
        resp.error_message = describe(e);
        for (auto& t : resp.responses) // the partitions carry it too, so no client reads them as done
          for (auto& p : t.partitions)
            p.error = resp.error;
        rp.deliver(encode_reply(header, resp));
      });
  return rp;
}

} // namespace samsa::actors
