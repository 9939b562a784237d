// OffsetFetch (key 9), v0-9: committed offsets from SQLite; -1 for partitions without a commit. A null topic
// list (v2+) asks for every committed offset of the group. v8+ ask for several groups at once and are answered
// per group, each with its own error (a group this node does not coordinate gets NOT_COORDINATOR alone).
// require_stable (v7+) needs nothing: without transactions no commit is ever pending. The member id and epoch
// of v9 belong to the new consumer protocol; a classic group ignores them, as Kafka 3.9 does.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "messages/kafka/offset_fetch.hpp"

namespace samsa::actors {

namespace {

using group_answer = std::function<void(kafka::offset_fetch_group_response)>;

// One group's offsets: the partitions asked for (each carrying the group's error when there is one), or every
// committed one for a null topic list.
void fetch_group(kafka_handler_ptr self, const kafka::offset_fetch_group& asked, group_answer then) {
  auto topics = asked.topics;
  auto group = asked.group_id;
  check_coordinator(self, group, [=](kafka::error_code why) mutable {
    if (why != kafka::error_code::none) {
      // v2+ carry a group-level error; before that, each partition asked for carries it.
      kafka::offset_fetch_group_response resp;
      resp.group_id = group;
      resp.error = why;
      if (topics)
        for (auto& t : *topics) {
          kafka::offset_fetch_topic_response tr;
          tr.name = t.name;
          for (auto p : t.partition_indexes) {
            kafka::offset_fetch_partition fp;
            fp.partition_index = p;
            fp.metadata = ""; // as Kafka: no metadata is "", never null
            fp.error = why;
            tr.partitions.push_back(std::move(fp));
          }
          resp.topics.push_back(std::move(tr));
        }
      then(std::move(resp));
      return;
    }
    self->request(self->state.cfg.groups, timeouts::request, committed_atom::value, group)
      .then(
        [=](std::vector<persistence::committed_offset>& committed) mutable {
          kafka::offset_fetch_group_response resp;
          resp.group_id = group;
          std::map<std::pair<std::string, int32_t>, const persistence::committed_offset*> by_key;
          for (auto& c : committed)
            by_key.emplace(std::make_pair(c.topic, c.partition), &c);
          auto fill = [&](const std::string& topic, int32_t partition, kafka::offset_fetch_topic_response& tr) {
            kafka::offset_fetch_partition p;
            p.partition_index = partition;
            auto i = by_key.find({topic, partition});
            if (i != by_key.end()) {
              p.committed_offset = i->second->offset;
              p.committed_leader_epoch = i->second->leader_epoch;
              p.metadata = i->second->metadata.value_or("");
            } else {
              p.metadata = "";
            }
            tr.partitions.push_back(std::move(p));
          };
          if (topics) {
            for (auto& t : *topics) {
              kafka::offset_fetch_topic_response tr;
              tr.name = t.name;
              for (auto p : t.partition_indexes)
                fill(t.name, p, tr);
              resp.topics.push_back(std::move(tr));
            }
          } else {
            std::map<std::string, kafka::offset_fetch_topic_response> all;
            for (auto& c : committed) {
              auto& tr = all[c.topic];
              tr.name = c.topic;
              fill(c.topic, c.partition, tr);
            }
            for (auto& [name, tr] : all)
              resp.topics.push_back(std::move(tr));
          }
          then(std::move(resp));
        },
        [=](caf::error& e) mutable {
          kafka::offset_fetch_group_response resp;
          resp.group_id = group;
          resp.error = coordinator_error(e);
          then(std::move(resp));
        });
  });
}

} // namespace

caf::result<kafka_reply> handle_offset_fetch(kafka_handler_ptr self, const kafka_request& req) {
  kafka::offset_fetch_request fr;
  if (!decode_body(req, fr))
    return close_connection();
  auto header = req.header;
  auto rp = self->make_response_promise<kafka_reply>();
  auto groups = fr.all_groups(header.api_version);
  if (header.api_version < 8) {
    fetch_group(self, groups.front(), [=](kafka::offset_fetch_group_response g) mutable {
      kafka::offset_fetch_response resp;
      resp.topics = std::move(g.topics);
      resp.error = g.error;
      rp.deliver(encode_reply(header, resp));
    });
    return rp;
  }
  // v8+: one answer per group, in the order asked, once every group has answered.
  auto resp = std::make_shared<kafka::offset_fetch_response>();
  resp->groups.resize(groups.size());
  auto left = std::make_shared<size_t>(groups.size());
  if (groups.empty()) {
    rp.deliver(encode_reply(header, *resp));
    return rp;
  }
  for (size_t i = 0; i < groups.size(); ++i)
    fetch_group(self, groups[i], [=](kafka::offset_fetch_group_response g) mutable {
      resp->groups[i] = std::move(g);
      if (--*left == 0)
        rp.deliver(encode_reply(header, *resp));
    });
  return rp;
}

} // namespace samsa::actors
