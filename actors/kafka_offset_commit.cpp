// OffsetCommit (key 8), v0-9: partitions that do not exist are refused with UNKNOWN_TOPIC_OR_PARTITION (as
// Kafka does, before the group is asked); the others are validated against the group's generation by its
// coordinator actor, then written to SQLite by the node's group registry (bursts share one transaction).
// v0 (no generation or member: a standalone commit) and v1 (Sarama's default; its per-partition commit
// timestamp is ignored, the broker stamps commits) go to the same store as v2+, as they do in Kafka 3.x.
// v9 is the first version of the new consumer protocol (KIP-848); for a classic group its generation field is
// the generation, checked like v8's, as Kafka 3.9 accepts it.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "actors/partition_replica.hpp"
#include "messages/kafka/offset_commit.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_offset_commit(kafka_handler_ptr self, const kafka_request& req) {
  auto cr = std::make_shared<kafka::offset_commit_request>();
  if (!decode_body(req, *cr))
    return close_connection();
  auto header = req.header;
  auto resp = std::make_shared<kafka::offset_commit_response>();
  std::vector<std::pair<std::string, int32_t>> wanted;
  for (auto& t : cr->topics) {
    kafka::offset_commit_topic_response tr;
    tr.name = t.name;
    for (auto& p : t.partitions) {
      tr.partitions.push_back({p.partition_index, kafka::error_code::none});
      wanted.emplace_back(t.name, p.partition_index);
    }
    resp->topics.push_back(std::move(tr));
  }
  auto rp = self->make_response_promise<kafka_reply>();
  if (cr->group_id.empty()) {
    for (auto& t : resp->topics)
      for (auto& p : t.partitions)
        p.error = kafka::error_code::invalid_group_id;
    rp.deliver(encode_reply(header, *resp));
    return rp;
  }
  partitions_exist(self, std::move(wanted), [=](std::vector<bool> exists) mutable {
    offset_commit_args args;
    args.member_id = cr->member_id;
    args.group_instance_id = cr->group_instance_id;
    args.generation_id = cr->generation_id;
    auto now = wall_clock_ms(); // commit timestamps are shown to users and drive offsets.retention: wall time
    std::vector<kafka::offset_commit_partition_response*> committing; // the answers the group decides
    size_t i = 0;
    for (size_t ti = 0; ti < cr->topics.size(); ++ti) {
      auto& t = cr->topics[ti];
      for (size_t pi = 0; pi < t.partitions.size(); ++pi, ++i) {
        auto& answer = resp->topics[ti].partitions[pi];
        if (!exists[i]) {
          answer.error = kafka::error_code::unknown_topic_or_partition;
          continue;
        }
        auto& p = t.partitions[pi];
        persistence::committed_offset o;
        o.topic = t.name;
        o.partition = p.partition_index;
        o.offset = p.committed_offset;
        o.leader_epoch = p.committed_leader_epoch;
        o.metadata = p.committed_metadata;
        o.commit_ms = now;
        args.offsets.push_back(std::move(o));
        committing.push_back(&answer);
      }
    }
    auto answer = [=](kafka::error_code e) mutable {
      for (auto* p : committing)
        p->error = e;
      rp.deliver(encode_reply(header, *resp));
    };
    if (args.offsets.empty()) {
      answer(kafka::error_code::none);
      return;
    }
    with_group(self, cr->group_id, [=](caf::actor g, kafka::error_code why) mutable {
      if (!g) {
        answer(why);
        return;
      }
      self->request(g, timeouts::request, commit_atom::value, args)
        .then([=](cluster::group_errc e) mutable { answer(to_kafka(e)); },
              [=](caf::error&) mutable { answer(kafka::error_code::coordinator_not_available); });
    });
  });
  return rp;
}

} // namespace samsa::actors
