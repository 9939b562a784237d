// ListOffsets (key 2), v0-9: earliest (-2), latest (-1), the record with the largest timestamp (-3, v7+), the
// earliest local offset (-4, v8+: the log start, samsa has no remote tier), the latest tiered offset (-5, v9+:
// offset -1, timestamp -1, leader epoch -1, what Kafka 3.9 answers without remote storage) or the first offset at
// or after a timestamp, with the leader epoch of the answer (v4+). A special timestamp the request's version does
// not know is UNSUPPORTED_VERSION for that partition, as in Kafka 3.9's v1+ (its legacy v0 path reads one as a
// time; samsa refuses it in v0 too). A request that
// names a current leader epoch (v4+) other than the partition's is fenced as Kafka fences it.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "messages/kafka/list_offsets.hpp"

namespace samsa::actors {

namespace {

// The first version that knows a special (negative) timestamp; -1 for one no version knows.
int16_t first_version_for(int64_t timestamp) {
  switch (timestamp) {
    case kafka::list_offsets_latest:
    case kafka::list_offsets_earliest: return 0;
    case kafka::list_offsets_max_timestamp: return 7;
    case kafka::list_offsets_earliest_local: return 8;
    case kafka::list_offsets_latest_tiered: return 9;
    default: return -1;
  }
}

} // namespace

caf::result<kafka_reply> handle_list_offsets(kafka_handler_ptr self, const kafka_request& req) {
  kafka::list_offsets_request lr;
  if (!decode_body(req, lr))
    return close_connection();
  auto resp = std::make_shared<kafka::list_offsets_response>();
  std::vector<std::pair<std::string, int32_t>> wanted;
  std::vector<int64_t> timestamps;
  std::vector<int32_t> epochs; // current_leader_epoch per partition asked for (-1: no fencing)
  std::vector<bool> tiered;    // v9+ -5 asked: the partition is checked, the answer is "no tiered offset"
  std::vector<std::pair<size_t, size_t>> slots;
  const int16_t version = req.header.api_version;
  for (auto& t : lr.topics) {
    kafka::list_offsets_topic_response tr;
    tr.name = t.name;
    for (auto& p : t.partitions) {
      kafka::list_offsets_partition_response pr;
      pr.partition_index = p.partition_index;
      if (p.timestamp < 0) {
        const int16_t first = first_version_for(p.timestamp);
        if (first < 0 || version < first) {
          pr.error = kafka::error_code::unsupported_version;
          tr.partitions.push_back(pr);
          continue;
        }
      }
      tr.partitions.push_back(pr);
      wanted.emplace_back(t.name, p.partition_index);
      // -4: the local log's start, which is the log's start here; -5: the partition is asked for its latest
      // offset only to check it (existence, leadership, fencing).
      const bool local = p.timestamp == kafka::list_offsets_earliest_local;
      tiered.push_back(p.timestamp == kafka::list_offsets_latest_tiered);
      timestamps.push_back(local ? kafka::list_offsets_earliest
                                 : tiered.back() ? kafka::list_offsets_latest : p.timestamp);
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
            } else if (s.error == kafka::error_code::none && tiered[i]) {
              s.offset = -1;
              s.timestamp = -1;
              s.leader_epoch = -1;
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
