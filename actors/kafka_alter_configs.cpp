// AlterConfigs (key 33), v0-2: replaces a topic's whole set of config overrides (Kafka's legacy semantics)
// through the broker actor (a cluster node: through the controller, as config records in the metadata log).
// Also the part IncrementalAlterConfigs shares: checking each resource and asking the broker. Errors per
// resource, as Kafka gives them: an illegal topic name INVALID_TOPIC_EXCEPTION, an unknown topic
// UNKNOWN_TOPIC_OR_PARTITION, a bad value INVALID_CONFIG, a broker resource INVALID_REQUEST (samsa's
// broker configs are static: set them in server.properties), another resource type INVALID_REQUEST.
#include "actors/kafka_handler.hpp"

#include "actors/actor_clock.hpp"
#include "cluster/server_config.hpp"
#include "messages/kafka/alter_configs.hpp"
#include "messages/kafka/describe_configs.hpp"

namespace samsa::actors {

caf::result<kafka_reply> answer_alter_configs(kafka_handler_ptr self, std::vector<config_resource_change> resources,
                                              std::function<kafka_reply(kafka::alter_configs_response)> encode) {
  auto resp = std::make_shared<kafka::alter_configs_response>();
  std::vector<size_t> topics; // indexes of the resources that go to the broker
  for (size_t i = 0; i < resources.size(); ++i) {
    const auto& res = resources[i];
    kafka::alter_configs_resource_result out;
    out.resource_type = res.type;
    out.resource_name = res.change.topic;
    if (res.type == kafka::config_resource_broker || res.type == kafka::config_resource_broker_logger) {
      out.error = kafka::error_code::invalid_request;
      out.error_message = "broker configs are static in samsa: set them in server.properties and restart the broker";
    } else if (res.type != kafka::config_resource_topic) {
      out.error = kafka::error_code::invalid_request;
      out.error_message = "Unsupported resource type " + std::to_string(res.type);
    } else if (auto why = cluster::validate_topic_name(res.change.topic); !why.empty()) {
      out.error = kafka::error_code::invalid_topic_exception;
      out.error_message = why;
    } else {
      topics.push_back(i);
    }
    resp->responses.push_back(std::move(out));
  }
  if (topics.empty())
    return encode(std::move(*resp));
  auto rp = self->make_response_promise<kafka_reply>();
  auto pending = std::make_shared<size_t>(topics.size());
  for (size_t i : topics) {
    auto done = [=]() mutable {
      if (--*pending == 0)
        rp.deliver(encode(std::move(*resp)));
    };
    self->request(self->state.cfg.broker, timeouts::admin, alter_atom::value, resources[i].change)
      .then([=](topic_description&) mutable { done(); },
            [=](caf::error& e) mutable {
              resp->responses[i].error = to_kafka(e);
              resp->responses[i].error_message = describe(e);
              done();
            });
  }
  return rp;
}

caf::result<kafka_reply> handle_alter_configs(kafka_handler_ptr self, const kafka_request& req) {
  kafka::alter_configs_request ar;
  if (!decode_body(req, ar))
    return close_connection();
  auto resources = config_changes_of(ar, false, [](const kafka::alter_configs_entry&) { return int8_t{0}; });
  auto header = req.header;
  return answer_alter_configs(self, std::move(resources), [header](kafka::alter_configs_response r) {
    return encode_reply(header, r);
  });
}

} // namespace samsa::actors
