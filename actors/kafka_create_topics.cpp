// CreateTopics (key 19), v0-7 (v5+ flexible): creates each topic through the broker actor (validate_only
// honoured); manual replica assignments are accepted when every replica is this node. From v5 a created
// topic's partitions, replication factor and effective configs (as DescribeConfigs lists them) come back
// (KIP-525), from v7 its topic id.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "cluster/config_describe.hpp"
#include "messages/kafka/create_topics.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_create_topics(kafka_handler_ptr self, const kafka_request& req) {
  kafka::create_topics_request cr;
  if (!decode_body(req, cr))
    return close_connection();
  auto resp = std::make_shared<kafka::create_topics_response>();
  resp->topics.resize(cr.topics.size());
  if (cr.topics.empty())
    return encode_reply(req.header, *resp);
  auto rp = self->make_response_promise<kafka_reply>();
  auto header = req.header;
  auto pending = std::make_shared<size_t>(cr.topics.size());
  auto done = [=]() mutable {
    if (--*pending == 0)
      rp.deliver(encode_reply(header, *resp));
  };
  auto node = self->state.cfg.server.node_id;
  for (size_t i = 0; i < cr.topics.size(); ++i) {
    auto& t = cr.topics[i];
    auto& slot = resp->topics[i];
    slot.name = t.name;
    topic_spec spec;
    spec.name = t.name;
    spec.partitions = t.num_partitions;
    spec.replication_factor = t.replication_factor;
    spec.validate_only = cr.validate_only;
    for (auto& c : t.configs)
      if (c.value)
        spec.configs[c.name] = *c.value;
    if (!t.assignments.empty()) {
      if (t.num_partitions != -1 || t.replication_factor != -1) {
        slot.error = kafka::error_code::invalid_request;
        slot.error_message = "both assignments and num_partitions/replication_factor were given";
        done();
        continue;
      }
      bool local = true;
      for (auto& a : t.assignments)
        local = local && a.broker_ids.size() == 1 && a.broker_ids[0] == node;
      if (!local) {
        slot.error = kafka::error_code::invalid_replica_assignment;
        slot.error_message = "every replica must be on broker " + std::to_string(node);
        done();
        continue;
      }
      spec.partitions = static_cast<int32_t>(t.assignments.size());
      spec.replication_factor = 1;
    }
    self->request(self->state.cfg.broker, timeouts::admin, create_atom::value, spec)
      .then(
            [=](topic_description& d) mutable {
              auto& out = resp->topics[i];
              out.topic_id = kafka::uuid_or_zero(d.topic_id);
              out.num_partitions = d.partitions;
              out.replication_factor = d.replication_factor;
              out.configs.emplace();
              for (auto& e : cluster::describe_topic_configs(self->state.cfg.server, d.configs))
                out.configs->push_back({std::move(e.name), std::move(e.value), e.read_only,
                                        static_cast<int8_t>(e.source), e.sensitive});
              done();
            },
            [=](caf::error& e) mutable {
              resp->topics[i].error = to_kafka(e);
              resp->topics[i].error_message = describe(e);
              done();
            });
  }
  return rp;
}

} // namespace samsa::actors
