// OffsetDelete (key 47), v0: deletes a group's committed offsets of some partitions, as Kafka's
// GroupCoordinator.handleDeleteOffsets: a partition that does not exist is UNKNOWN_TOPIC_OR_PARTITION; the
// offsets of a topic a live member of the group subscribes to stay (GROUP_SUBSCRIBED_TO_TOPIC); the group's
// own errors (NOT_COORDINATOR, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP for a non-consumer group with members)
// are answered at the top level with no topics, as Kafka does.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "messages/kafka/offset_delete.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_offset_delete(kafka_handler_ptr self, const kafka_request& req) {
  auto dr = std::make_shared<kafka::offset_delete_request>();
  if (!decode_body(req, *dr))
    return close_connection();
  auto header = req.header;
  auto rp = self->make_response_promise<kafka_reply>();
  auto group_error = [=](kafka::error_code e) mutable {
    kafka::offset_delete_response resp;
    resp.error = e;
    rp.deliver(encode_reply(header, resp));
  };
  if (dr->group_id.empty()) {
    group_error(kafka::error_code::invalid_group_id);
    return rp;
  }
  check_coordinator(self, dr->group_id, [=](kafka::error_code why) mutable {
    if (why != kafka::error_code::none) {
      group_error(why);
      return;
    }
    topic_partition_list wanted;
    for (auto& t : dr->topics)
      for (auto p : t.partition_indexes)
        wanted.emplace_back(t.name, p);
    partitions_exist(self, wanted, [=](std::vector<bool> exists) mutable {
      topic_partition_list existing;
      for (size_t i = 0; i < wanted.size(); ++i)
        if (exists[i])
          existing.push_back(wanted[i]);
      self->request(self->state.cfg.groups, timeouts::request, delete_offsets_atom::value, dr->group_id, existing)
        .then(
          [=](group_admin_answer& a) mutable {
            if (a.error != cluster::group_errc::none) {
              group_error(to_kafka(a.error));
              return;
            }
            kafka::offset_delete_response resp;
            size_t i = 0;
            for (auto& t : dr->topics) {
              kafka::offset_delete_topic_response tr;
              tr.name = t.name;
              for (auto p : t.partition_indexes) {
                auto e = !exists[i++]                ? kafka::error_code::unknown_topic_or_partition
                         : a.subscribed.count(t.name) ? kafka::error_code::group_subscribed_to_topic
                                                      : kafka::error_code::none;
                tr.partitions.push_back({p, e});
              }
              resp.topics.push_back(std::move(tr));
            }
            rp.deliver(encode_reply(header, resp));
          },
          [=](caf::error& e) mutable { group_error(to_kafka(e)); });
    });
  });
  return rp;
}

} // namespace samsa::actors
