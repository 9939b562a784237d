// DescribeConfigs (key 32), v0-4: the effective configs of topics and of this broker, with their sources and
// synonyms (cluster/config_describe.hpp decides them; this file asks the broker for a topic's overrides and
// maps the answer to the wire). Errors per resource, as Kafka gives them: an unknown topic is
// UNKNOWN_TOPIC_OR_PARTITION, an illegal topic name INVALID_TOPIC_EXCEPTION, another broker's id or an
// unsupported resource type INVALID_REQUEST.
#include "actors/kafka_handler.hpp"

#include "cluster/config_describe.hpp"
#include "messages/kafka/describe_configs.hpp"

namespace samsa::actors {

namespace {

// The wire form of the entries asked for.
std::vector<kafka::describe_configs_entry> to_wire(std::vector<cluster::config_entry> entries,
                                                   const kafka::describe_configs_resource& res,
                                                   bool include_synonyms) {
  std::vector<kafka::describe_configs_entry> out;
  for (auto& e : cluster::select_configs(std::move(entries), res.configuration_keys)) {
    kafka::describe_configs_entry w;
    w.name = std::move(e.name);
    w.value = std::move(e.value);
    w.read_only = e.read_only;
    w.is_default = e.source == cluster::config_source::default_config;
    w.config_source = static_cast<int8_t>(e.source);
    w.is_sensitive = e.sensitive;
    w.config_type = static_cast<int8_t>(e.type);
    if (include_synonyms)
      for (auto& s : e.synonyms)
        w.synonyms.push_back({std::move(s.name), std::move(s.value), static_cast<int8_t>(s.source)});
    out.push_back(std::move(w));
  }
  return out;
}

// The answer for a broker resource: "" (cluster-wide dynamic defaults: samsa has none) or this node's id.
void describe_broker(const cluster::server_config& server, const kafka::describe_configs_resource& res,
                     bool include_synonyms, kafka::describe_configs_result& out) {
  const auto me = std::to_string(server.node_id);
  if (res.resource_name.empty())
    return;
  if (res.resource_name != me) {
    out.error = kafka::error_code::invalid_request;
    out.error_message = "Unexpected broker id, expected " + me + " or empty string, but received "
                        + res.resource_name;
    return;
  }
  out.configs = to_wire(cluster::describe_broker_configs(server), res, include_synonyms);
}

} // namespace

caf::result<kafka_reply> handle_describe_configs(kafka_handler_ptr self, const kafka_request& req) {
  kafka::describe_configs_request dr;
  if (!decode_body(req, dr))
    return close_connection();
  auto resp = std::make_shared<kafka::describe_configs_response>();
  resp->results.resize(dr.resources.size());
  std::vector<size_t> topics; // indexes of the topic resources that need the broker
  for (size_t i = 0; i < dr.resources.size(); ++i) {
    const auto& res = dr.resources[i];
    auto& out = resp->results[i];
    out.resource_type = res.resource_type;
    out.resource_name = res.resource_name;
    if (res.resource_type == kafka::config_resource_broker) {
      describe_broker(self->state.cfg.server, res, dr.include_synonyms, out);
    } else if (res.resource_type != kafka::config_resource_topic) {
      out.error = kafka::error_code::invalid_request;
      out.error_message = "Unsupported resource type " + std::to_string(res.resource_type);
    } else if (auto why = cluster::validate_topic_name(res.resource_name); !why.empty()) {
      out.error = kafka::error_code::invalid_topic_exception;
      out.error_message = why;
    } else {
      topics.push_back(i);
    }
  }
  if (topics.empty())
    return encode_reply(req.header, *resp);
  auto rp = self->make_response_promise<kafka_reply>();
  auto header = req.header;
  auto pending = std::make_shared<size_t>(topics.size());
  auto shared_req = std::make_shared<kafka::describe_configs_request>(std::move(dr));
  for (size_t i : topics) {
    auto done = [=]() mutable {
      if (--*pending == 0)
        rp.deliver(encode_reply(header, *resp));
    };
    self->request(self->state.cfg.broker, timeouts::request, describe_atom::value,
                  std::vector<std::string>{shared_req->resources[i].resource_name})
      .then(
        [=](std::vector<topic_description>& ds) mutable {
          auto& out = resp->results[i];
          if (ds.empty()) {
            out.error = kafka::error_code::unknown_topic_or_partition;
          } else {
            auto entries = cluster::describe_topic_configs(self->state.cfg.server, ds.front().configs);
            out.configs = to_wire(std::move(entries), shared_req->resources[i], shared_req->include_synonyms);
          }
          done();
        },
        [=](caf::error& e) mutable {
          auto& out = resp->results[i];
          out.error = to_kafka(e);
          out.error_message = describe(e);
          done();
        });
  }
  return rp;
}

} // namespace samsa::actors
