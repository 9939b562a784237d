// Metadata (key 3): brokers, cluster id, controller, topics with partitions; auto-creates requested topics
// when the request allows it (v4+; always before v4) and auto.create.topics.enable is set, as kcat -P and
// librdkafka rely on.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "messages/kafka/metadata.hpp"

namespace samsa::actors {

namespace {

kafka::metadata_topic to_metadata(const topic_description& d, int32_t node_id) {
  kafka::metadata_topic t;
  t.name = d.name;
  for (int32_t p = 0; p < d.partitions; ++p) {
    kafka::metadata_partition mp;
    mp.partition_index = p;
    mp.leader_id = node_id;
    mp.leader_epoch = 0;
    mp.replica_nodes = {node_id};
    mp.isr_nodes = {node_id};
    if (p < static_cast<int32_t>(d.partition_states.size()) && d.partition_states[p].offline) {
      // Offline: its log could not be opened. Clients skip it and retry later, as for a leaderless partition.
      mp.error = kafka::error_code::leader_not_available;
      mp.leader_id = -1;
      mp.isr_nodes.clear();
      mp.offline_replicas = {node_id};
    }
    t.partitions.push_back(std::move(mp));
  }
  return t;
}

} // namespace

caf::result<kafka_reply> handle_metadata(kafka_handler_ptr self, const kafka_request& req) {
  kafka::metadata_request mr;
  auto version = req.header.api_version;
  if (!decode_body(req, mr))
    return close_connection();
  auto& server = self->state.cfg.server;
  auto resp = std::make_shared<kafka::metadata_response>();
  kafka::metadata_broker b;
  b.node_id = server.node_id;
  b.host = server.advertised_host();
  b.port = server.advertised_port();
  resp->brokers.push_back(b);
  resp->controller_id = server.node_id;
  auto header = req.header;
  auto rp = self->make_response_promise<kafka_reply>();
  auto all = mr.wants_all_topics(version);
  std::vector<std::string> wanted = all ? std::vector<std::string>{} : *mr.topics;
  bool may_create = server.auto_create_topics_enable && (version < 4 || mr.allow_auto_topic_creation);
  auto broker = self->state.cfg.broker;
  self->request(broker, timeouts::request, info_atom::value)
    .then(
      [=](cluster_info& info) mutable {
        resp->cluster_id = info.cluster_id;
        self->request(broker, timeouts::request, describe_atom::value, std::vector<std::string>{})
          .then(
            [=](std::vector<topic_description>& topics) mutable {
              std::map<std::string, const topic_description*> by_name;
              for (auto& d : topics)
                by_name.emplace(d.name, &d);
              std::vector<std::string> to_create;
              if (all) {
                for (auto& d : topics)
                  resp->topics.push_back(to_metadata(d, info.node_id));
              } else {
                for (auto& name : wanted) {
                  auto i = by_name.find(name);
                  if (i != by_name.end()) {
                    resp->topics.push_back(to_metadata(*i->second, info.node_id));
                  } else if (may_create) {
                    to_create.push_back(name);
                  } else {
                    kafka::metadata_topic t;
                    t.name = name;
                    t.error = kafka::error_code::unknown_topic_or_partition;
                    resp->topics.push_back(std::move(t));
                  }
                }
              }
              if (to_create.empty()) {
                rp.deliver(encode_reply(header, *resp));
                return;
              }
              auto pending = std::make_shared<size_t>(to_create.size());
              for (auto& name : to_create) {
                topic_spec spec;
                spec.name = name;
                self->request(broker, timeouts::request, create_atom::value, spec)
                  .then(
                    [=](topic_description& d) mutable {
                      resp->topics.push_back(to_metadata(d, info.node_id));
                      if (--*pending == 0)
                        rp.deliver(encode_reply(header, *resp));
                    },
                    [=](caf::error& e) mutable {
                      kafka::metadata_topic t;
                      t.name = name;
                      // Created concurrently by another request: the client simply asks again.
                      t.error = api_code(e) == api_errc::topic_already_exists ? kafka::error_code::leader_not_available
                                : api_code(e) == api_errc::invalid_topic ? kafka::error_code::invalid_topic_exception
                                                                          : to_kafka(e);
                      resp->topics.push_back(std::move(t));
                      if (--*pending == 0)
                        rp.deliver(encode_reply(header, *resp));
                    });
              }
            },
            [=](caf::error&) mutable { rp.deliver(close_connection()); });
      },
      [=](caf::error&) mutable { rp.deliver(close_connection()); });
  return rp;
}

} // namespace samsa::actors
