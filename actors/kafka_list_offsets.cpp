// ListOffsets (key 2), v1-3: earliest (-2), latest (-1) or the first offset at or after a timestamp.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "messages/kafka/list_offsets.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_list_offsets(kafka_handler_ptr self, const kafka_request& req) {
  kafka::list_offsets_request lr;
  if (!decode_body(req, lr))
    return close_connection();
  auto resp = std::make_shared<kafka::list_offsets_response>();
  std::vector<std::pair<std::string, int32_t>> wanted;
  std::vector<int64_t> timestamps;
  std::vector<std::pair<size_t, size_t>> slots;
  for (auto& t : lr.topics) {
    kafka::list_offsets_topic_response tr;
    tr.name = t.name;
    for (auto& p : t.partitions) {
      kafka::list_offsets_partition_response pr;
      pr.partition_index = p.partition_index;
      tr.partitions.push_back(pr);
      wanted.emplace_back(t.name, p.partition_index);
      timestamps.push_back(p.timestamp);
      slots.emplace_back(resp->topics.size(), tr.partitions.size() - 1);
    }
    resp->topics.push_back(std::move(tr));
  }
  if (wanted.empty())
    return encode_reply(req.header, *resp);
  auto rp = self->make_response_promise<kafka_reply>();
  auto header = req.header;
  auto pending = std::make_shared<size_t>(wanted.size());
  auto done = [=]() mutable {
    if (--*pending == 0)
      rp.deliver(encode_reply(header, *resp));
  };
  resolve_partitions(self, wanted, [=](std::vector<partition_actor> actors, std::vector<api_errc> errors) mutable {
    for (size_t i = 0; i < actors.size(); ++i) {
      auto where = slots[i];
      if (!actors[i]) {
        resp->topics[where.first].partitions[where.second].error = to_kafka(errors[i]);
        done();
        continue;
      }
      self->request(actors[i], timeouts::request, offsets_atom::value, timestamps[i])
        .then(
          [=](offset_answer& a) mutable {
            auto& s = resp->topics[where.first].partitions[where.second];
            s.error = to_kafka(a.error);
            s.offset = a.offset;
            s.timestamp = a.timestamp;
            done();
          },
          [=](caf::error& e) mutable {
            resp->topics[where.first].partitions[where.second].error = to_kafka(e);
            done();
          });
    }
  });
  return rp;
}

} // namespace samsa::actors
