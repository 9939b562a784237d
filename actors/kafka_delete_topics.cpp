// DeleteTopics (key 20), v0-3.
#include "actors/kafka_handler.hpp"

#include <chrono>
#include <climits>

#include "actors/actor_clock.hpp"
#include "messages/kafka/delete_topics.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_delete_topics(kafka_handler_ptr self, const kafka_request& req) {
  kafka::delete_topics_request dr;
  if (!decode_body(req, dr))
    return close_connection();
  auto resp = std::make_shared<kafka::delete_topics_response>();
  if (dr.topic_names.empty())
    return encode_reply(req.header, *resp);
  resp->responses.resize(dr.topic_names.size());
  auto rp = self->make_response_promise<kafka_reply>();
  auto header = req.header;
  auto pending = std::make_shared<size_t>(dr.topic_names.size());
  for (size_t i = 0; i < dr.topic_names.size(); ++i) {
    resp->responses[i].name = dr.topic_names[i];
    auto name = dr.topic_names[i];
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
          if (--*pending == 0)
            rp.deliver(encode_reply(header, *resp));
        });
  }
  return rp;
}

} // namespace samsa::actors
