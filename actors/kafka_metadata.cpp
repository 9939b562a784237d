// Metadata (key 3): brokers, cluster id, controller, topics with partitions; auto-creates requested topics
// when the request allows it (v4+; always before v4) and auto.create.topics.enable is set, as kcat -P and
// librdkafka rely on. A single node answers from its broker's topics; a cluster node from its metadata
// image (every unfenced broker, each partition's leader, epoch, replicas, ISR and offline replicas; the
// quorum leader as controller). The broker list and controller (with_broker_directory) are DescribeCluster's
// too.
#include "actors/kafka_handler.hpp"

#include <algorithm>
#include <chrono>

#include "actors/actor_clock.hpp"
#include "cluster/metadata_image.hpp"
#include "cluster/metadata_view.hpp"
#include "cluster/offsets_topic.hpp"
#include "messages/cluster_api.hpp"
#include "messages/kafka/metadata.hpp"

namespace samsa::actors {

namespace {

// What Metadata answers for a topic whose auto-creation failed. Only a refusal of the topic itself is
// final; anything else (created concurrently, no quorum leader yet, a node still catching up, a timeout) is
// LEADER_NOT_AVAILABLE, which clients retry: librdkafka takes another code such as NOT_CONTROLLER as the
// topic's permanent error and fails every produce() to it (seen during a rolling restart).
kafka::error_code auto_create_error(const caf::error& e) {
  switch (api_code(e)) {
    case api_errc::invalid_topic: return kafka::error_code::invalid_topic_exception;
    case api_errc::invalid_partitions:
    case api_errc::invalid_replication_factor:
    case api_errc::invalid_config: return to_kafka(e);
    default: return kafka::error_code::leader_not_available;
  }
}


kafka::metadata_topic to_metadata(const topic_description& d, int32_t node_id) {
  kafka::metadata_topic t;
  t.name = d.name;
  t.topic_id = kafka::uuid_or_zero(d.topic_id);
  t.is_internal = d.name == cluster::offsets_topic;
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

kafka::metadata_topic to_metadata(const cluster::metadata_image& img, const cluster::topic_image& t) {
  kafka::metadata_topic out;
  out.name = t.name;
  out.topic_id = kafka::uuid_or_zero(t.topic_id);
  out.is_internal = t.name == cluster::offsets_topic;
  for (size_t p = 0; p < t.partitions.size(); ++p) {
    const auto& reg = t.partitions[p];
    kafka::metadata_partition mp;
    mp.partition_index = static_cast<int32_t>(p);
    mp.leader_id = reg.leader;
    mp.leader_epoch = reg.leader_epoch;
    mp.replica_nodes = reg.replicas;
    mp.isr_nodes = reg.isr;
    for (auto r : reg.replicas)
      if (!cluster::is_live(img, r))
        mp.offline_replicas.push_back(r);
    if (reg.leader < 0 || !cluster::is_live(img, reg.leader)) {
      mp.error = kafka::error_code::leader_not_available;
      mp.leader_id = -1;
    }
    out.partitions.push_back(std::move(mp));
  }
  return out;
}

kafka::metadata_topic topic_error(const std::string& name, kafka::error_code e) {
  kafka::metadata_topic t;
  t.name = name;
  t.error = e;
  return t;
}

// Creates the topics in `to_create` (through the broker, which on a cluster node forwards to the
// controller) and answers once all are settled. `created` turns a new topic into its metadata.
void create_then_answer(kafka_handler_ptr self, caf::typed_response_promise<kafka_reply> rp,
                        kafka::request_header header, std::shared_ptr<kafka::metadata_response> resp,
                        std::vector<std::string> to_create,
                        std::function<kafka::metadata_topic(const topic_description&)> created) {
  if (to_create.empty()) {
    rp.deliver(encode_reply(header, *resp));
    return;
  }
  auto pending = std::make_shared<size_t>(to_create.size());
  auto broker = self->state.cfg.broker;
  for (auto& name : to_create) {
    topic_spec spec;
    spec.name = name;
    self->request(broker, timeouts::request, create_atom::value, spec)
      .then(
        [=](topic_description& d) mutable {
          resp->topics.push_back(created(d));
          if (--*pending == 0)
            rp.deliver(encode_reply(header, *resp));
        },
        [=](caf::error& e) mutable {
          resp->topics.push_back(topic_error(name, auto_create_error(e)));
          if (--*pending == 0)
            rp.deliver(encode_reply(header, *resp));
        });
  }
}

struct wanted_topics {
  bool all = false;
  std::vector<std::string> names;
  std::vector<kafka::uuid> ids; // v10+: topics asked by id alone
  bool may_create = false;
};

// A topic asked by an id this node does not know: Kafka answers UNKNOWN_TOPIC_ID with a null name.
kafka::metadata_topic unknown_id(const kafka::uuid& id) {
  auto t = topic_error("", kafka::error_code::unknown_topic_id);
  t.topic_id = id;
  return t;
}

// A cluster node: topics from the image the broker directory came from.
void answer_from_image(kafka_handler_ptr self, caf::typed_response_promise<kafka_reply> rp,
                       kafka::request_header header, std::shared_ptr<kafka::metadata_response> resp,
                       const cluster::metadata_image& img, wanted_topics w) {
  std::vector<std::string> to_create;
  if (w.all) {
    for (const auto& [id, t] : img.topics_by_id())
      resp->topics.push_back(to_metadata(img, t));
  } else {
    for (const auto& id : w.ids) {
      auto t = img.topic_by_id(kafka::uuid_to_string(id));
      resp->topics.push_back(t ? to_metadata(img, *t) : unknown_id(id));
    }
    for (auto& name : w.names) {
      if (auto t = img.topic_by_name(name))
        resp->topics.push_back(to_metadata(img, *t));
      else if (w.may_create)
        to_create.push_back(name);
      else
        resp->topics.push_back(topic_error(name, kafka::error_code::unknown_topic_or_partition));
    }
  }
  // A topic just created is not in this node's image yet: clients ask again (Kafka answers the same).
  create_then_answer(self, rp, header, resp, std::move(to_create), [](const topic_description& d) {
    return topic_error(d.name, kafka::error_code::leader_not_available);
  });
}

// A single node: the broker's own topics.
void answer_from_broker(kafka_handler_ptr self, caf::typed_response_promise<kafka_reply> rp,
                        kafka::request_header header, std::shared_ptr<kafka::metadata_response> resp, wanted_topics w) {
  auto broker = self->state.cfg.broker;
  auto node_id = self->state.cfg.server.node_id;
  self->request(broker, timeouts::request, describe_atom::value, std::vector<std::string>{})
    .then(
      [=](std::vector<topic_description>& topics) mutable {
        std::map<std::string, const topic_description*> by_name;
        for (auto& d : topics)
          by_name.emplace(d.name, &d);
        std::vector<std::string> to_create;
        if (w.all) {
          for (auto& d : topics)
            resp->topics.push_back(to_metadata(d, node_id));
        } else {
          for (const auto& id : w.ids) {
            auto text = kafka::uuid_to_string(id);
            auto i = std::find_if(topics.begin(), topics.end(), [&](const auto& d) { return d.topic_id == text; });
            resp->topics.push_back(i != topics.end() ? to_metadata(*i, node_id) : unknown_id(id));
          }
          for (auto& name : w.names) {
            auto i = by_name.find(name);
            if (i != by_name.end())
              resp->topics.push_back(to_metadata(*i->second, node_id));
            else if (w.may_create)
              to_create.push_back(name);
            else
              resp->topics.push_back(topic_error(name, kafka::error_code::unknown_topic_or_partition));
          }
        }
        create_then_answer(self, rp, header, resp, std::move(to_create),
                           [=](const topic_description& d) { return to_metadata(d, node_id); });
      },
      [=](caf::error&) mutable { rp.deliver(close_connection()); });
}

} // namespace

void with_broker_directory(kafka_handler_ptr self, std::function<void(broker_directory)> then,
                           std::function<void()> failed) {
  auto& server = self->state.cfg.server;
  broker_directory d;
  kafka::metadata_broker me;
  me.node_id = server.node_id;
  me.host = server.advertised_host();
  me.port = server.advertised_port();
  d.brokers.push_back(me);
  d.controller_id = server.node_id;
  self->request(self->state.cfg.broker, timeouts::request, info_atom::value)
    .then(
      [=](cluster_info& info) mutable {
        d.cluster_id = info.cluster_id;
        if (!self->state.cfg.controller) {
          then(std::move(d));
          return;
        }
        self->request(caf::actor_cast<controller_actor>(self->state.cfg.controller), timeouts::request,
                      view_atom::value)
          .then(
            [=](cluster_view& view) mutable {
              const auto& img = *view.image;
              std::vector<kafka::metadata_broker> live;
              for (const auto& [id, b] : img.brokers()) {
                auto ep = cluster::endpoint_of(img, id, "PLAINTEXT");
                if (b.fenced || !ep)
                  continue;
                kafka::metadata_broker mb;
                mb.node_id = id;
                mb.host = ep->host;
                mb.port = ep->port;
                live.push_back(std::move(mb));
              }
              if (!live.empty()) // not registered yet: clients still need a broker to talk to
                d.brokers = std::move(live);
              bool leader_listed = std::any_of(d.brokers.begin(), d.brokers.end(),
                                               [&](const auto& b) { return b.node_id == view.quorum_leader; });
              if (leader_listed)
                d.controller_id = view.quorum_leader;
              d.image = view.image;
              then(std::move(d));
            },
            [=](caf::error&) mutable { failed(); });
      },
      [=](caf::error&) mutable { failed(); });
}

void topic_names_by_id(kafka_handler_ptr self, std::vector<kafka::uuid> ids,
                       std::function<void(std::vector<std::string>)> then) {
  auto now = actor_clock_ms(self);
  auto& cache = self->state.topic_names;
  std::vector<std::string> names(ids.size());
  bool missing = false;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto c = cache.find(ids[i]);
    if (c != cache.end() && now - c->second.second < kafka_topic_id_ttl_ms)
      names[i] = c->second.first;
    else
      missing = true;
  }
  if (!missing) {
    then(std::move(names));
    return;
  }
  // Every id looked up again at once (one question), remembered for the next fetches.
  auto learn = [self, ids, now, then](std::function<std::string(const std::string&)> name_of) {
    auto& cache = self->state.topic_names;
    if (cache.size() > 10000)
      cache.clear(); // bounded: a client naming many made-up ids costs lookups, not memory
    std::vector<std::string> names(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      names[i] = name_of(kafka::uuid_to_string(ids[i]));
      if (names[i].empty())
        cache.erase(ids[i]);
      else
        cache[ids[i]] = {names[i], now};
    }
    then(std::move(names));
  };
  auto unknown = [learn](caf::error&) { learn([](const std::string&) { return std::string{}; }); };
  if (self->state.cfg.controller) {
    self->request(caf::actor_cast<controller_actor>(self->state.cfg.controller), timeouts::request, view_atom::value)
      .then(
        [learn](cluster_view& view) {
          auto img = view.image;
          learn([img](const std::string& id) {
            auto t = img ? img->topic_by_id(id) : nullptr;
            return t ? t->name : std::string{};
          });
        },
        unknown);
    return;
  }
  self->request(self->state.cfg.broker, timeouts::request, describe_atom::value, std::vector<std::string>{})
    .then(
      [learn](std::vector<topic_description>& topics) {
        std::map<std::string, std::string> by_id;
        for (auto& d : topics)
          if (!d.topic_id.empty())
            by_id.emplace(d.topic_id, d.name);
        learn([&by_id](const std::string& id) {
          auto i = by_id.find(id);
          return i != by_id.end() ? i->second : std::string{};
        });
      },
      unknown);
}

caf::result<kafka_reply> handle_metadata(kafka_handler_ptr self, const kafka_request& req) {
  kafka::metadata_request mr;
  auto version = req.header.api_version;
  if (!decode_body(req, mr))
    return close_connection();
  auto& server = self->state.cfg.server;
  wanted_topics w;
  w.all = mr.wants_all_topics(version);
  if (!w.all) {
    w.names = *mr.topics;
    w.ids = mr.topic_ids;
  }
  w.may_create = server.auto_create_topics_enable && (version < 4 || mr.allow_auto_topic_creation);
  auto header = req.header;
  auto rp = self->make_response_promise<kafka_reply>();
  with_broker_directory(
    self,
    [=](broker_directory d) mutable {
      auto resp = std::make_shared<kafka::metadata_response>();
      resp->cluster_id = d.cluster_id;
      resp->brokers = std::move(d.brokers);
      resp->controller_id = d.controller_id;
      if (d.image)
        answer_from_image(self, rp, header, resp, *d.image, std::move(w));
      else
        answer_from_broker(self, rp, header, resp, std::move(w));
    },
    [=]() mutable { rp.deliver(close_connection()); });
  return rp;
}

} // namespace samsa::actors
