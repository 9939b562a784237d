#include "cluster/metadata_view.hpp"

#include <vector>

#include "cluster/offsets_topic.hpp"

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
  auto t = img.topic_by_name(offsets_topic);
  if (!t || t->partitions.empty())
    return -1;
  auto p = offsets_partition_for(group, static_cast<int32_t>(t->partitions.size()));
  auto leader = t->partitions[static_cast<size_t>(p)].leader;
  return leader >= 0 && is_live(img, leader) ? leader : -1;
}

} // namespace samsa::cluster
