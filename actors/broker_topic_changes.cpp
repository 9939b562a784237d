// A single node's changes to existing topics: config overrides (AlterConfigs, IncrementalAlterConfigs) and
// partition increases (CreatePartitions). The rules are cluster/topic_alter.hpp's (the controller applies
// the same ones on a cluster); here they are stored in the metadata database and applied to the live
// partition actors without a restart. Also a topic's effective configs for `samsa topics describe
// --all-configs`, on any node.
#include <spdlog/spdlog.h>

#include "actors/broker_cluster.hpp"
#include "actors/broker_topics.hpp"
#include "actors/partition_replica.hpp"
#include "cluster/config_describe.hpp"
#include "cluster/offsets_topic.hpp"
#include "cluster/topic_alter.hpp"

namespace samsa::actors {

namespace {

std::string describe_overrides(const std::map<std::string, std::string>& configs) {
  std::string s;
  for (const auto& [k, v] : configs)
    s += (s.empty() ? "" : ", ") + k + "=" + v;
  return s.empty() ? "none" : s;
}

} // namespace

api_errc to_api_errc(cluster::change_error e) {
  switch (e) {
    case cluster::change_error::none: return api_errc::ok;
    case cluster::change_error::unknown_topic: return api_errc::unknown_topic_or_partition;
    case cluster::change_error::invalid_request: return api_errc::invalid_request;
    case cluster::change_error::invalid_config: return api_errc::invalid_config;
    case cluster::change_error::invalid_partitions: return api_errc::invalid_partitions;
    case cluster::change_error::invalid_replica_assignment: return api_errc::invalid_replica_assignment;
    case cluster::change_error::invalid_replication_factor: return api_errc::invalid_replication_factor;
  }
  return api_errc::invalid_request;
}

std::vector<cluster::config_alter> to_alters(const std::vector<config_alteration>& ops) {
  std::vector<cluster::config_alter> out;
  for (const auto& op : ops)
    out.push_back({op.key, op.op, op.value});
  return out;
}

void push_topic_configs(broker_state& st, const topic_entry& entry) {
  auto log = cluster::partition_log_config(st.cfg, entry.record.name, entry.record.configs);
  int32_t min_isr = st.cfg.min_insync_replicas;
  if (auto i = entry.record.configs.find("min.insync.replicas"); i != entry.record.configs.end())
    min_isr = std::stoi(i->second); // validated when it was set
  for (const auto& p : entry.partitions)
    if (p)
      caf::anon_send(caf::actor_cast<partition_replica_actor>(p), topic_config_atom::value, log, min_isr);
}

caf::result<topic_description> handle_alter_topic_configs(broker_ptr self, topic_config_change& change) {
  auto& st = self->state;
  auto i = st.topics.find(change.topic);
  if (i == st.topics.end())
    return make_error(api_errc::unknown_topic_or_partition, "unknown topic '" + change.topic + "'");
  auto& entry = i->second;
  auto r = cluster::alter_topic_configs(entry.record.configs, to_alters(change.ops), change.incremental);
  if (r.error != cluster::change_error::none)
    return make_error(to_api_errc(r.error), r.reason);
  auto rec = entry.record;
  rec.configs = r.configs;
  if (change.validate_only || rec.configs == entry.record.configs)
    return describe_record(rec);
  if (auto e = st.store->set_topic_configs(rec.name, rec.configs); e != persistence::errc::ok)
    return make_error(to_api_errc(e), "cannot store the configs of topic '" + rec.name + "': " + st.store->last_error());
  entry.record.configs = rec.configs;
  push_topic_configs(st, entry);
  save_snapshot(st);
  spdlog::info("topic {}: config overrides now {}", rec.name, describe_overrides(rec.configs));
  return describe_record(rec);
}

caf::result<topic_description> handle_create_partitions(broker_ptr self, partition_increase& inc) {
  auto& st = self->state;
  auto i = st.topics.find(inc.topic);
  if (i == st.topics.end())
    return make_error(api_errc::unknown_topic_or_partition, "unknown topic '" + inc.topic + "'");
  auto& entry = i->second;
  const int32_t current = entry.record.partitions;
  if (auto why = cluster::check_partition_increase(current, inc.count); !why.empty())
    return make_error(api_errc::invalid_partitions, why);
  if (auto why = cluster::check_new_assignments(inc.assignments, inc.count - current, 1, {st.cfg.node_id});
      !why.empty())
    return make_error(api_errc::invalid_replica_assignment, why);
  if (auto e = check_partition_dirs_free(st, inc.topic, current, inc.count))
    return e;
  auto rec = entry.record;
  rec.partitions = inc.count;
  if (inc.validate_only)
    return describe_record(rec);
  if (auto e = st.store->set_partition_count(rec.name, rec.partitions); e != persistence::errc::ok)
    return make_error(to_api_errc(e), "cannot store the partition count of topic '" + rec.name
                                        + "': " + st.store->last_error());
  entry.record.partitions = rec.partitions;
  for (int32_t p = current; p < rec.partitions; ++p)
    entry.partitions.push_back(open_partition(self->system(), st.cfg, entry.record, p, st.producer_id_limit));
  entry.inflight.resize(entry.partitions.size(), 0);
  save_snapshot(st);
  spdlog::info("topic {}: grew from {} to {} partitions", rec.name, current, rec.partitions);
  return describe_record(rec);
}

caf::result<std::vector<topic_config_info>> handle_describe_topic_configs(broker_ptr self, const std::string& topic) {
  auto& st = self->state;
  const std::map<std::string, std::string>* overrides = nullptr;
  if (auto i = st.topics.find(topic); i != st.topics.end() && !i->second.record.topic_id.empty())
    overrides = &i->second.record.configs;
  if (!overrides)
    return make_error(api_errc::unknown_topic_or_partition, "unknown topic '" + topic + "'");
  std::vector<topic_config_info> out;
  for (auto& e : cluster::describe_topic_configs(st.cfg, *overrides))
    out.push_back({e.name, e.value, cluster::source_name(e.source), e.read_only, e.sensitive});
  return out;
}

} // namespace samsa::actors
