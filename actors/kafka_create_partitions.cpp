// CreatePartitions (key 37), v0-3: grows each topic through the broker actor (a cluster node: the
// controller writes the new partition records). Kafka's errors per topic: fewer or as many partitions as
// now INVALID_PARTITIONS, a bad manual assignment INVALID_REPLICA_ASSIGNMENT, an unknown topic
// UNKNOWN_TOPIC_OR_PARTITION, a topic named twice INVALID_REQUEST; validate_only honoured. The answer
// comes once the change is stored (a cluster: committed), within the request's timeout.
#include "actors/kafka_handler.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "actors/actor_clock.hpp"
#include "messages/kafka/create_partitions.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_create_partitions(kafka_handler_ptr self, const kafka_request& req) {
  kafka::create_partitions_request cr;
  if (!decode_body(req, cr))
    return close_connection();
  auto resp = std::make_shared<kafka::create_partitions_response>();
  std::set<std::string> names, repeated;
  for (auto& t : cr.topics)
    if (!names.insert(t.name).second)
      repeated.insert(t.name);
  std::vector<size_t> asks;
  for (size_t i = 0; i < cr.topics.size(); ++i) {
    kafka::create_partitions_result out;
    out.name = cr.topics[i].name;
    if (repeated.count(out.name)) {
      out.error = kafka::error_code::invalid_request;
      out.error_message = "Duplicate topic in request.";
    } else {
      asks.push_back(i);
    }
    resp->results.push_back(std::move(out));
  }
  auto header = req.header;
  if (asks.empty())
    return encode_reply(header, *resp);
  auto rp = self->make_response_promise<kafka_reply>();
  auto pending = std::make_shared<size_t>(asks.size());
  auto timeout = cr.timeout_ms > 0 ? std::max<std::chrono::milliseconds>(std::chrono::milliseconds(cr.timeout_ms),
                                                                           std::chrono::milliseconds(1000))
                                   : timeouts::admin;
  for (size_t i : asks) {
    auto& t = cr.topics[i];
    partition_increase inc;
    inc.topic = t.name;
    inc.count = t.count;
    inc.validate_only = cr.validate_only;
    if (t.assignments)
      for (auto& a : *t.assignments)
        inc.assignments.push_back(a.broker_ids);
    auto done = [=]() mutable {
      if (--*pending == 0)
        rp.deliver(encode_reply(header, *resp));
    };
    self->request(self->state.cfg.broker, timeout, create_atom::value, std::move(inc))
      .then([=](topic_description&) mutable { done(); },
            [=](caf::error& e) mutable {
              resp->results[i].error = to_kafka(e);
              resp->results[i].error_message = describe(e);
              done();
            });
  }
  return rp;
}

} // namespace samsa::actors
