// DescribeProducers (key 61), v0: the idempotent producers each partition's leader knows from its producer
// state (persistence::producer_state, the same state that checks sequences): id, epoch, last sequence, last
// write time; coordinator_epoch and current_txn_start_offset are -1 (no transactions). A partition this node
// does not lead is NOT_LEADER_OR_FOLLOWER, an unknown one UNKNOWN_TOPIC_OR_PARTITION.
#include "actors/kafka_handler.hpp"

#include "actors/actor_clock.hpp"
#include "messages/kafka/describe_producers.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_describe_producers(kafka_handler_ptr self, const kafka_request& req) {
  kafka::describe_producers_request dr;
  if (!decode_body(req, dr))
    return close_connection();
  auto resp = std::make_shared<kafka::describe_producers_response>();
  std::vector<std::pair<std::string, int32_t>> wanted;
  std::vector<kafka::describe_producers_partition*> slots; // into *resp, filled before any answer comes
  for (auto& t : dr.topics) {
    auto& tr = resp->topics.emplace_back();
    tr.name = t.name;
    for (auto p : t.partition_indexes) {
      tr.partitions.emplace_back().partition_index = p;
      wanted.emplace_back(t.name, p);
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
      self->request(leader, timeouts::request, producers_atom::value)
        .then(
          [=](producers_answer& a) {
            slots[i]->error = to_kafka(a.error);
            for (const auto& p : a.producers)
              slots[i]->active_producers.push_back({p.producer_id, p.epoch, p.last_sequence, p.last_timestamp, -1, -1});
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
