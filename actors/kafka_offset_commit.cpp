// OffsetCommit (key 8), v2-7: validated against the group's generation by its coordinator actor, then
// written to SQLite by the node's group registry (bursts share one transaction).
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "actors/partition_replica.hpp"
#include "messages/kafka/offset_commit.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_offset_commit(kafka_handler_ptr self, const kafka_request& req) {
  kafka::offset_commit_request cr;
  if (!decode_body(req, cr))
    return close_connection();
  auto header = req.header;
  auto resp = std::make_shared<kafka::offset_commit_response>();
  offset_commit_args args;
  args.member_id = cr.member_id;
  args.group_instance_id = cr.group_instance_id;
  args.generation_id = cr.generation_id;
  auto now = wall_clock_ms(); // commit timestamps are shown to users and drive offsets.retention: wall time
  for (auto& t : cr.topics) {
    kafka::offset_commit_topic_response tr;
    tr.name = t.name;
    for (auto& p : t.partitions) {
      tr.partitions.push_back({p.partition_index, kafka::error_code::none});
      persistence::committed_offset o;
      o.topic = t.name;
      o.partition = p.partition_index;
      o.offset = p.committed_offset;
      o.leader_epoch = p.committed_leader_epoch;
      o.metadata = p.committed_metadata;
      o.commit_ms = now;
      args.offsets.push_back(std::move(o));
    }
    resp->topics.push_back(std::move(tr));
  }
  auto rp = self->make_response_promise<kafka_reply>();
  auto answer_all = [=](kafka::error_code e) mutable {
    for (auto& t : resp->topics)
      for (auto& p : t.partitions)
        p.error = e;
    rp.deliver(encode_reply(header, *resp));
  };
  if (cr.group_id.empty()) {
    answer_all(kafka::error_code::invalid_group_id);
    return rp;
  }
  with_group(self, cr.group_id, [=](caf::actor g, kafka::error_code why) mutable {
    if (!g) {
      answer_all(why);
      return;
    }
    self->request(g, timeouts::request, commit_atom::value, args)
      .then([=](cluster::group_errc e) mutable { answer_all(to_kafka(e)); },
            [=](caf::error&) mutable { answer_all(kafka::error_code::coordinator_not_available); });
  });
  return rp;
}

} // namespace samsa::actors
