// DeleteTopics (key 20), v0-6 (v4+ flexible). v5+ answers carry the error's text; v6 names each topic by
// name or by topic id (both or neither is INVALID_REQUEST, an id this node does not know UNKNOWN_TOPIC_ID
// with a null name, as Kafka) and answers with both. Ids resolve from this node's view: the metadata image
// on a cluster node, the broker's topics on a single node.
#include "actors/kafka_handler.hpp"

#include <algorithm>
#include <chrono>
#include <climits>

#include "actors/actor_clock.hpp"
#include "cluster/metadata_image.hpp"
#include "messages/kafka/delete_topics.hpp"

namespace samsa::actors {

namespace {

using topic_ids = std::map<std::string, std::string>; // name -> stored topic id (base64url)

// Deletes the topics named in resp->responses[i] for each i in `slots`, then answers.
void delete_named(kafka_handler_ptr self, caf::typed_response_promise<kafka_reply> rp, kafka::request_header header,
                  std::shared_ptr<kafka::delete_topics_response> resp, std::vector<size_t> slots) {
  if (slots.empty()) {
    rp.deliver(encode_reply(header, *resp));
    return;
  }
  auto pending = std::make_shared<size_t>(slots.size());
  for (size_t i : slots) {
    auto name = resp->responses[i].name;
    self->request(self->state.cfg.broker, timeouts::admin, delete_atom::value, name)
      .then(
        [=](bool) mutable {
          // Drop every cached handle of the topic (its partition actors are gone).
          auto& cache = self->state.partitions;
          cache.erase(cache.lower_bound({name, INT32_MIN}), cache.lower_bound({name + '\0', INT32_MIN}));
          if (--*pending == 0)
            rp.deliver(encode_reply(header, *resp));
        },
        [=](caf::error& e) mutable {
          resp->responses[i].error = to_kafka(e);
          resp->responses[i].error_message = describe(e);
          if (--*pending == 0)
            rp.deliver(encode_reply(header, *resp));
        });
  }
}

// Every topic this node knows, with its id: the metadata image on a cluster node, else the broker's topics.
void with_topic_ids(kafka_handler_ptr self, std::function<void(topic_ids)> then, std::function<void()> failed) {
  with_broker_directory(
    self,
    [=](broker_directory d) {
      if (d.image) {
        topic_ids ids;
        for (const auto& [id, t] : d.image->topics_by_id())
          ids.emplace(t.name, id);
        then(std::move(ids));
        return;
      }
      self->request(self->state.cfg.broker, timeouts::request, describe_atom::value, std::vector<std::string>{})
        .then(
          [=](std::vector<topic_description>& ds) {
            topic_ids ids;
            for (const auto& t : ds)
              ids.emplace(t.name, t.topic_id);
            then(std::move(ids));
          },
          [=](caf::error&) { failed(); });
    },
    failed);
}

} // namespace

caf::result<kafka_reply> handle_delete_topics(kafka_handler_ptr self, const kafka_request& req) {
  kafka::delete_topics_request dr;
  if (!decode_body(req, dr))
    return close_connection();
  auto resp = std::make_shared<kafka::delete_topics_response>();
  auto rp = self->make_response_promise<kafka_reply>();
  auto header = req.header;
  if (req.header.api_version < 6) {
    std::vector<size_t> slots;
    for (auto& name : dr.topic_names) {
      slots.push_back(resp->responses.size());
      resp->responses.push_back({name, kafka::zero_uuid, kafka::error_code::none, std::nullopt});
    }
    delete_named(self, rp, header, resp, std::move(slots));
    return rp;
  }
  std::vector<size_t> by_name, by_id;
  for (auto& t : dr.topics) {
    kafka::delete_topics_topic_result r;
    r.name = t.name.value_or("");
    r.topic_id = t.topic_id;
    if (!t.name && t.topic_id == kafka::zero_uuid) {
      r.error = kafka::error_code::invalid_request;
      r.error_message = "Neither topic name nor id were specified.";
    } else if (t.name && t.topic_id != kafka::zero_uuid) {
      r.error = kafka::error_code::invalid_request;
      r.error_message = "You may not specify both topic name and topic id.";
    } else {
      (t.name ? by_name : by_id).push_back(resp->responses.size());
    }
    resp->responses.push_back(std::move(r));
  }
  if (by_name.empty() && by_id.empty()) {
    rp.deliver(encode_reply(header, *resp));
    return rp;
  }
  with_topic_ids(
    self,
    [=](topic_ids ids) mutable {
      std::vector<size_t> slots = by_name;
      for (size_t i : by_name) {
        auto known = ids.find(resp->responses[i].name);
        if (known != ids.end())
          resp->responses[i].topic_id = kafka::uuid_or_zero(known->second);
      }
      for (size_t i : by_id) {
        auto& r = resp->responses[i];
        auto text = kafka::uuid_to_string(r.topic_id);
        auto known = std::find_if(ids.begin(), ids.end(), [&](const auto& e) { return e.second == text; });
        if (known == ids.end()) {
          r.error = kafka::error_code::unknown_topic_id;
          r.error_message = "This server does not host this topic ID.";
          continue;
        }
        r.name = known->first;
        slots.push_back(i);
      }
      delete_named(self, rp, header, resp, std::move(slots));
    },
    [=]() mutable { rp.deliver(close_connection()); });
  return rp;
}

} // namespace samsa::actors
