// replication_control's changes to existing topics: config overrides and partition increases (rules in
// replication_control.hpp and cluster/topic_alter.hpp).
#include "cluster/controller/replication_control.hpp"

#include "cluster/replica_placer.hpp"

namespace samsa::cluster {

topic_change_decision replication_control::alter_configs(const metadata_image& img, const std::string& topic,
                                                         const std::vector<config_alter>& ops, bool incremental,
                                                         bool validate_only) {
  forget_settled(img);
  auto t = img.topic_by_name(topic);
  if (!t || deleting_.count(t->topic_id))
    return topic_change_decision::refused(change_error::unknown_topic, "unknown topic '" + topic + "'");
  std::map<std::string, std::string> current;
  if (auto in_flight = configs_in_flight_.find(topic); in_flight != configs_in_flight_.end())
    current = in_flight->second;
  else if (auto committed = img.configs(config_resource::topic, topic))
    current = *committed;
  auto r = alter_topic_configs(current, ops, incremental);
  if (r.error != change_error::none)
    return topic_change_decision::refused(r.error, r.reason);
  topic_change_decision d;
  for (auto& c : config_changes(topic, current, r.configs))
    d.records.push_back(std::move(c));
  d.configs = std::move(r.configs);
  d.partitions = static_cast<int32_t>(t->partitions.size());
  if (!d.records.empty() && !validate_only)
    configs_in_flight_[topic] = d.configs;
  return d;
}

topic_change_decision replication_control::create_partitions(const metadata_image& img, const std::string& topic,
                                                             int32_t count,
                                                             const std::vector<std::vector<int32_t>>& assignments,
                                                             const create_topic_context& ctx, bool validate_only) {
  forget_settled(img);
  auto t = img.topic_by_name(topic);
  if (!t || deleting_.count(t->topic_id) || t->partitions.empty())
    return topic_change_decision::refused(change_error::unknown_topic, "unknown topic '" + topic + "'");
  int32_t current = static_cast<int32_t>(t->partitions.size());
  if (auto g = growing_.find(t->topic_id); g != growing_.end())
    current = std::max(current, g->second);
  if (auto why = check_partition_increase(current, count); !why.empty())
    return topic_change_decision::refused(change_error::invalid_partitions, why);
  const auto rf = t->partitions.front().replicas.size();
  std::set<int32_t> known;
  for (const auto& [id, b] : img.brokers())
    known.insert(id);
  if (auto why = check_new_assignments(assignments, count - current, rf, known); !why.empty())
    return topic_change_decision::refused(change_error::invalid_replica_assignment, why);
  auto live = ctx.live ? *ctx.live : std::set<int32_t>{};
  if (!ctx.live)
    for (auto id : img.live_brokers())
      live.insert(id);
  auto replicas = assignments;
  if (replicas.empty()) {
    auto placed = place_replicas(count - current, static_cast<int16_t>(rf), {live.begin(), live.end()}, ctx.start,
                                 ctx.shift);
    if (!placed.error.empty())
      return topic_change_decision::refused(change_error::invalid_replication_factor, placed.error);
    replicas = std::move(placed.replicas);
  }
  topic_change_decision d;
  for (int32_t i = 0; i < count - current; ++i) {
    partition_record pr;
    pr.topic_id = t->topic_id;
    pr.partition = current + i;
    pr.replicas = replicas[static_cast<size_t>(i)];
    pr.isr = pr.replicas; // empty replicas are all in sync (as at creation)
    pr.leader = pr.replicas.front();
    for (auto r : pr.replicas)
      if (live.count(r)) {
        pr.leader = r;
        break;
      }
    d.records.push_back(std::move(pr));
  }
  if (auto committed = img.configs(config_resource::topic, topic))
    d.configs = *committed;
  d.partitions = count;
  if (!validate_only)
    growing_[t->topic_id] = count;
  return d;
}

} // namespace samsa::cluster
