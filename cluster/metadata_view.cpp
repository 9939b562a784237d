#include "cluster/metadata_view.hpp"

#include <vector>

#include "messages/murmur2.hpp"

namespace samsa::cluster {

topic_description describe_topic(const metadata_image& img, const topic_image& t) {
  topic_description d;
  d.name = t.name;
  d.topic_id = t.topic_id;
  d.partitions = static_cast<int32_t>(t.partitions.size());
  d.replication_factor = t.partitions.empty() ? 0 : static_cast<int16_t>(t.partitions.front().replicas.size());
  if (auto c = img.configs(config_resource::topic, t.name))
    d.configs = *c;
  for (size_t p = 0; p < t.partitions.size(); ++p) {
    const auto& reg = t.partitions[p];
    partition_state s;
    s.partition = static_cast<int32_t>(p);
    s.leader = reg.leader;
    s.leader_epoch = reg.leader_epoch;
    s.replicas = reg.replicas;
    s.isr = reg.isr;
    d.partition_states.push_back(std::move(s));
  }
  return d;
}

std::optional<broker_endpoint> endpoint_of(const metadata_image& img, int32_t node_id, const std::string& listener) {
  auto b = img.broker(node_id);
  if (!b)
    return std::nullopt;
  for (const auto& e : b->endpoints)
    if (e.name == listener)
      return e;
  return std::nullopt;
}

bool is_live(const metadata_image& img, int32_t node_id) {
  auto b = img.broker(node_id);
  return b && !b->fenced;
}

int32_t group_coordinator(const metadata_image& img, const std::string& group) {
  std::vector<int32_t> ids;
  for (const auto& [id, b] : img.brokers())
    ids.push_back(id);
  if (ids.empty())
    return -1;
  auto start = static_cast<size_t>(to_positive(murmur2(group.data(), group.size())) % ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    auto id = ids[(start + i) % ids.size()];
    if (is_live(img, id))
      return id;
  }
  return -1;
}

} // namespace samsa::cluster
