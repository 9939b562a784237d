// DeleteRecords (key 21), v0-2: each partition's leader moves its log start to the offset (-1: the high
// watermark) and answers the new log start as the low watermark; beyond the high watermark is
// OFFSET_OUT_OF_RANGE, a partition this node does not lead NOT_LEADER_OR_FOLLOWER (clients send each
// partition to its leader). The log start is checkpointed before the answer, so it survives a restart;
// followers take it from their fetch answers (Kafka's leader also waits for the followers' low watermark
// before answering: samsa answers once the leader applied it).
#include "actors/kafka_handler.hpp"

#include "actors/actor_clock.hpp"
#include "messages/kafka/delete_records.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_delete_records(kafka_handler_ptr self, const kafka_request& req) {
  kafka::delete_records_request dr;
  if (!decode_body(req, dr))
    return close_connection();
  auto resp = std::make_shared<kafka::delete_records_response>();
  std::vector<std::pair<std::string, int32_t>> wanted;
  std::vector<int64_t> offsets;
  std::vector<kafka::delete_records_partition_result*> slots; // into *resp, filled before any answer comes
  for (auto& t : dr.topics) {
    auto& tr = resp->topics.emplace_back();
    tr.name = t.name;
    for (auto& p : t.partitions) {
      tr.partitions.push_back({p.partition_index, -1, kafka::error_code::none});
      wanted.emplace_back(t.name, p.partition_index);
      offsets.push_back(p.offset);
    }
  }
  for (auto& t : resp->topics)
    for (auto& p : t.partitions)
      slots.push_back(&p);
  auto rp = self->make_response_promise<kafka_reply>();
  auto header = req.header;
  for_each_partition(
    self, std::move(wanted),
    [=](size_t i, partition_actor leader, std::function<void()> done) {
      self->request(leader, timeouts::request, delete_records_atom::value, offsets[i])
        .then(
          [=](offset_answer& a) {
            slots[i]->error = to_kafka(a.error);
            slots[i]->low_watermark = slots[i]->error == kafka::error_code::none ? a.offset : -1;
            done();
          },
          [=](caf::error& e) {
            slots[i]->error = to_kafka(e);
            done();
          });
    },
    [=](size_t i, api_errc why) { slots[i]->error = to_kafka(why); },
    [=]() mutable { rp.deliver(encode_reply(header, *resp)); });
  return rp;
}

} // namespace samsa::actors
