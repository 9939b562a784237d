// OffsetForLeaderEpoch (key 23), v0-4: where a leader epoch ends in the partition leader's log (KIP-101's
// question, asked by clients since KIP-320 to detect that their position was truncated away after a
// leadership change). Answered by the leader's partition replica (answer_epoch_end, the same code that
// answers followers); a request naming a current leader epoch (v2+) other than the partition's is fenced.
#include "actors/kafka_handler.hpp"

#include "actors/partition_replica.hpp"
#include "messages/kafka/offset_for_leader_epoch.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_offset_for_leader_epoch(kafka_handler_ptr self, const kafka_request& req) {
  kafka::offset_for_leader_epoch_request lr;
  if (!decode_body(req, lr))
    return close_connection();
  auto resp = std::make_shared<kafka::offset_for_leader_epoch_response>();
  std::vector<std::pair<std::string, int32_t>> wanted;
  std::vector<kafka::offset_for_leader_epoch_partition> asked;
  std::vector<std::pair<size_t, size_t>> slots;
  for (auto& t : lr.topics) {
    kafka::offset_for_leader_epoch_topic_response tr;
    tr.topic = t.topic;
    for (auto& p : t.partitions) {
      kafka::offset_for_leader_epoch_partition_response pr;
      pr.partition = p.partition;
      tr.partitions.push_back(pr);
      wanted.emplace_back(t.topic, p.partition);
      asked.push_back(p);
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
      auto& slot = resp->topics[where.first].partitions[where.second];
      if (!actors[i]) {
        slot.error = to_kafka(errors[i]);
        done();
        continue;
      }
      epoch_end_request er;
      er.topic = wanted[i].first;
      er.partition = wanted[i].second;
      er.replica_id = no_broker; // a client
      er.current_leader_epoch = leader_epoch_t{asked[i].current_leader_epoch};
      er.epoch = leader_epoch_t{asked[i].leader_epoch};
      self->request(caf::actor_cast<partition_replica_actor>(actors[i]), timeouts::request, epoch_end_atom::value, er)
        .then(
          [=](epoch_end_response& a) mutable {
            auto& s = resp->topics[where.first].partitions[where.second];
            s.error = to_kafka(static_cast<api_errc>(a.error));
            if (a.error == 0) {
              s.leader_epoch = a.epoch.value;
              s.end_offset = a.end_offset.value;
            }
            done();
          },
          [=](caf::error& e) mutable {
            // An offline partition's stand-in does not answer this: its storage failed.
            auto& s = resp->topics[where.first].partitions[where.second];
            s.error = e == caf::sec::unexpected_message ? kafka::error_code::kafka_storage_error : to_kafka(e);
            done();
          });
    }
  });
  return rp;
}

} // namespace samsa::actors
