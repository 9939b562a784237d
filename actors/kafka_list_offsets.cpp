// ListOffsets (key 2), v0-8: earliest (-2), latest (-1), the record with the largest timestamp (-3, v7+), the
// earliest local offset (-4, v8+: the log start, samsa has no remote tier) or the first offset at or after a
// timestamp, with the leader epoch of the answer (v4+). A request that
// names a current leader epoch (v4+) other than the partition's is fenced as Kafka fences it.
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
  std::vector<int32_t> epochs; // current_leader_epoch per partition asked for (-1: no fencing)
  std::vector<std::pair<size_t, size_t>> slots;
  for (auto& t : lr.topics) {
    kafka::list_offsets_topic_response tr;
    tr.name = t.name;
    for (auto& p : t.partitions) {
      kafka::list_offsets_partition_response pr;
      pr.partition_index = p.partition_index;
      tr.partitions.push_back(pr);
      wanted.emplace_back(t.name, p.partition_index);
      // v8+ -4: the local log's start, which is the log's start here (an older version's -4 stays invalid).
      const bool local = req.header.api_version >= 8 && p.timestamp == kafka::list_offsets_earliest_local;
      timestamps.push_back(local ? kafka::list_offsets_earliest : p.timestamp);
      epochs.push_back(p.current_leader_epoch);
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
            const int32_t asked = epochs[i];
            if (s.error == kafka::error_code::none && asked >= 0 && asked != a.current_leader_epoch) {
              s.error = asked < a.current_leader_epoch ? kafka::error_code::fenced_leader_epoch
                                                      : kafka::error_code::unknown_leader_epoch;
            } else if (s.error == kafka::error_code::none) {
              s.offset = a.offset;
              s.timestamp = a.timestamp;
              s.leader_epoch = a.leader_epoch;
            }
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
