// DescribeLogDirs (key 35), v0-4: the node's one log directory (log.dirs, as an absolute path) with the
// partitions it holds and their sizes, from the broker's describe (the sizes its partition actors report);
// v4 adds the volume's total and usable bytes. A null topic list means every partition here; a named
// partition this node does not hold is left out, as Kafka does. On a cluster node the partitions are those
// whose replica set names this node; sizes come from the broker's describe, which reports them for the
// partitions this node leads (0 for a follower replica until it reports those too).
#include "actors/kafka_handler.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "messages/kafka/describe_log_dirs.hpp"

namespace samsa::actors {

namespace {

kafka::describe_log_dirs_result describe_dir(const cluster_info& info, const std::vector<topic_description>& topics,
                                             const std::optional<std::vector<kafka::describe_log_dirs_topic>>& wanted,
                                             int32_t node_id, bool clustered) {
  kafka::describe_log_dirs_result dir;
  std::error_code ec;
  auto path = std::filesystem::absolute(info.data_dir, ec).lexically_normal();
  dir.log_dir = (ec ? std::filesystem::path(info.data_dir) : path).string();
  if (auto space = std::filesystem::space(dir.log_dir, ec); !ec) {
    dir.total_bytes = static_cast<int64_t>(space.capacity);
    dir.usable_bytes = static_cast<int64_t>(space.available);
  }
  std::set<std::pair<std::string, int32_t>> asked;
  if (wanted)
    for (auto& t : *wanted)
      for (auto p : t.partitions)
        asked.emplace(t.topic, p);
  for (auto& t : topics) {
    kafka::describe_log_dirs_topic_result tr;
    tr.name = t.name;
    for (auto& ps : t.partition_states) {
      if (wanted && !asked.count({t.name, ps.partition}))
        continue;
      if (clustered && std::find(ps.replicas.begin(), ps.replicas.end(), node_id) == ps.replicas.end())
        continue;
      tr.partitions.push_back({ps.partition, ps.size_bytes, std::max<int64_t>(ps.high_watermark - ps.log_end_offset, 0),
                               false});
    }
    if (!tr.partitions.empty())
      dir.topics.push_back(std::move(tr));
  }
  return dir;
}

} // namespace

caf::result<kafka_reply> handle_describe_log_dirs(kafka_handler_ptr self, const kafka_request& req) {
  kafka::describe_log_dirs_request dr;
  if (!decode_body(req, dr))
    return close_connection();
  auto header = req.header;
  auto wanted = dr.topics;
  auto rp = self->make_response_promise<kafka_reply>();
  auto broker = self->state.cfg.broker;
  auto failed = [=](const caf::error& e) mutable {
    kafka::describe_log_dirs_response resp;
    kafka::describe_log_dirs_result dir;
    dir.error = to_kafka(e);
    resp.results.push_back(std::move(dir));
    rp.deliver(encode_reply(header, resp));
  };
  self->request(broker, timeouts::request, info_atom::value)
    .then(
      [=](cluster_info& info) mutable {
        self->request(broker, timeouts::request, describe_atom::value, std::vector<std::string>{})
          .then(
            [=](std::vector<topic_description>& topics) mutable {
              kafka::describe_log_dirs_response resp;
              resp.results.push_back(describe_dir(info, topics, wanted, self->state.cfg.server.node_id,
                                                  static_cast<bool>(self->state.cfg.controller)));
              rp.deliver(encode_reply(header, resp));
            },
            [=](caf::error& e) mutable { failed(e); });
      },
      [=](caf::error& e) mutable { failed(e); });
  return rp;
}

} // namespace samsa::actors
