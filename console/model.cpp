#include "console/model.hpp"

#include <algorithm>
#include <set>

#include "console/json_util.hpp"

namespace samsa::console {

namespace {

using nlohmann::json;

const partition_state* find_partition(const std::vector<topic_description>& topics, const std::string& topic,
                                      int32_t partition) {
  for (auto& t : topics)
    if (t.name == topic) {
      if (partition < 0 || static_cast<size_t>(partition) >= t.partition_states.size())
        return nullptr;
      return &t.partition_states[static_cast<size_t>(partition)];
    }
  return nullptr;
}

json offset_or_null(bool known, int64_t v) {
  return known ? json(v) : json(nullptr);
}

json partition_json(const partition_state& p, int32_t node_id, bool clustered) {
  bool known = offsets_known(p, node_id, clustered);
  return {{"partition", p.partition},
          {"leader", p.leader},
          {"leader_epoch", p.leader_epoch},
          {"replicas", p.replicas},
          {"isr", p.isr},
          {"offsets_here", known},
          {"log_start_offset", offset_or_null(known, p.log_start_offset)},
          {"log_end_offset", offset_or_null(known, p.log_end_offset)},
          {"high_watermark", offset_or_null(known, p.high_watermark)},
          {"size_bytes", offset_or_null(known, p.size_bytes)},
          {"segments", offset_or_null(known, p.segments)},
          {"offline", p.offline},
          {"under_replicated", clustered && p.isr.size() < p.replicas.size()}};
}

struct group_totals {
  int64_t lag = 0;
  bool lag_known = false;
};

group_totals totals(const group_info& g, const std::vector<topic_description>& topics, int32_t node_id,
                    bool clustered) {
  group_totals t;
  for (auto& c : g.committed)
    if (auto lag = partition_lag(topics, node_id, clustered, c)) {
      t.lag += *lag;
      t.lag_known = true;
    }
  return t;
}

json group_summary(const group_info& g, const std::vector<topic_description>& topics, int32_t node_id,
                   bool clustered) {
  auto t = totals(g, topics, node_id, clustered);
  std::set<std::string> topic_names;
  for (auto& c : g.committed)
    topic_names.insert(c.topic);
  return {{"group_id", g.group_id},
          {"state", g.state},
          {"protocol_type", g.protocol_type},
          {"members", g.members.size()},
          {"topics", topic_names},
          {"partitions", g.committed.size()},
          {"total_lag", t.lag_known ? json(t.lag) : json(nullptr)}};
}

} // namespace

const char* source_label(cluster::config_source s) {
  switch (s) {
    case cluster::config_source::dynamic_topic:
      return "topic override";
    case cluster::config_source::dynamic_broker:
    case cluster::config_source::dynamic_default_broker:
      return "dynamic broker config";
    case cluster::config_source::static_broker:
      return "broker config";
    case cluster::config_source::default_config:
      return "default";
    case cluster::config_source::unknown:
      break;
  }
  return "unknown";
}

bool offsets_known(const partition_state& p, int32_t node_id, bool clustered) {
  return !clustered || p.leader == node_id;
}

std::optional<int64_t> partition_lag(const std::vector<topic_description>& topics, int32_t node_id, bool clustered,
                                     const partition_offset& committed) {
  auto* p = find_partition(topics, committed.topic, committed.partition);
  if (!p || committed.offset < 0 || !offsets_known(*p, node_id, clustered) || p->offline)
    return std::nullopt;
  return std::max<int64_t>(0, p->high_watermark - committed.offset);
}

std::string overview_json(const overview_model& m) {
  json nodes = json::array();
  for (auto& n : m.nodes)
    nodes.push_back({{"id", n.id},
                     {"fenced", n.fenced},
                     {"kafka", n.kafka},
                     {"this_node", n.id == m.node_id},
                     {"quorum_leader", m.quorum && m.quorum->leader == n.id}});
  json quorum = nullptr;
  if (m.quorum)
    quorum = {{"leader", m.quorum->leader}, {"term", m.quorum->term}, {"role", m.quorum->role}, {"voter", m.quorum->voter}};
  json topics = json::array();
  int64_t partitions = 0;
  for (auto& t : m.topics) {
    int64_t size = 0, records = 0, offline = 0, under = 0, here = 0;
    for (auto& p : t.partition_states) {
      offline += p.offline ? 1 : 0;
      under += m.clustered && p.isr.size() < p.replicas.size() ? 1 : 0;
      if (!offsets_known(p, m.node_id, m.clustered))
        continue;
      ++here;
      size += p.size_bytes;
      records += std::max<int64_t>(0, p.high_watermark - p.log_start_offset);
    }
    partitions += static_cast<int64_t>(t.partition_states.size());
    json rates = nullptr;
    if (auto r = m.rates.find(t.name); r != m.rates.end())
      rates = {{"records_in_per_s", r->second.records_in_per_s},
               {"bytes_in_per_s", r->second.bytes_in_per_s},
               {"bytes_out_per_s", r->second.bytes_out_per_s}};
    topics.push_back({{"name", t.name},
                      {"partitions", t.partition_states.size()},
                      {"replication_factor", t.replication_factor},
                      {"partitions_here", here},
                      {"size_bytes", size},
                      {"records", records},
                      {"offline_partitions", offline},
                      {"under_replicated_partitions", under},
                      {"rates", std::move(rates)}});
  }
  json groups = json::array();
  for (auto& g : m.groups)
    groups.push_back(group_summary(g, m.topics, m.node_id, m.clustered));
  json out{{"node", {{"id", m.node_id}, {"cluster_id", m.cluster_id}, {"clustered", m.clustered}}},
           {"nodes", std::move(nodes)},
           {"quorum", std::move(quorum)},
           {"topics", std::move(topics)},
           {"partitions", partitions},
           {"groups", std::move(groups)},
           {"rate_window_ms", m.rate_window_ms},
           {"complete", m.complete}};
  return dump(out);
}

std::string topic_json(const topic_model& m) {
  json parts = json::array();
  for (auto& p : m.topic.partition_states)
    parts.push_back(partition_json(p, m.node_id, m.clustered));
  json configs = json::array();
  for (auto& c : m.configs)
    configs.push_back({{"name", c.name},
                       {"value", c.value ? json(*c.value) : json(nullptr)},
                       {"source", source_label(c.source)},
                       {"sensitive", c.sensitive},
                       {"read_only", c.read_only}});
  json out{{"name", m.topic.name},
           {"topic_id", m.topic.topic_id},
           {"replication_factor", m.topic.replication_factor},
           {"node_id", m.node_id},
           {"clustered", m.clustered},
           {"partitions", std::move(parts)},
           {"configs", std::move(configs)}};
  return dump(out);
}

std::string groups_json(const std::vector<group_info>& groups, const std::vector<topic_description>& topics,
                        int32_t node_id, bool clustered) {
  json out = json::array();
  for (auto& g : groups)
    out.push_back(group_summary(g, topics, node_id, clustered));
  return dump(json{{"groups", std::move(out)}});
}

std::string group_json(const group_model& m) {
  const auto& g = m.group;
  json members = json::array();
  std::map<std::pair<std::string, int32_t>, std::string> owner;
  for (auto& mem : g.members) {
    json assignment = json::array();
    for (auto& a : mem.assignment) {
      assignment.push_back({{"topic", a.topic}, {"partition", a.partition}});
      owner[{a.topic, a.partition}] = mem.member_id;
    }
    members.push_back({{"member_id", mem.member_id},
                       {"group_instance_id", mem.group_instance_id},
                       {"client_id", mem.client_id},
                       {"client_host", mem.client_host},
                       {"assignment", std::move(assignment)}});
  }
  // Every partition the group committed or is assigned, in (topic, partition) order.
  std::map<std::pair<std::string, int32_t>, int64_t> committed;
  for (auto& c : g.committed)
    committed[{c.topic, c.partition}] = c.offset;
  for (auto& [k, member] : owner)
    committed.emplace(k, -1);
  json partitions = json::array();
  int64_t total = 0;
  bool any = false;
  for (auto& [k, offset] : committed) {
    auto* p = find_partition(m.topics, k.first, k.second);
    bool known = p && offsets_known(*p, m.node_id, m.clustered);
    auto lag = partition_lag(m.topics, m.node_id, m.clustered, partition_offset{k.first, k.second, offset});
    if (lag) {
      total += *lag;
      any = true;
    }
    json history = json::array();
    if (auto h = m.history.find(k); h != m.history.end())
      for (auto& s : h->second)
        history.push_back({s.time_ms, s.lag});
    auto o = owner.find(k);
    partitions.push_back({{"topic", k.first},
                          {"partition", k.second},
                          {"committed_offset", offset >= 0 ? json(offset) : json(nullptr)},
                          {"log_end_offset", known ? json(p->log_end_offset) : json(nullptr)},
                          {"high_watermark", known ? json(p->high_watermark) : json(nullptr)},
                          {"lag", lag ? json(*lag) : json(nullptr)},
                          {"leader", p ? json(p->leader) : json(nullptr)},
                          {"member_id", o != owner.end() ? json(o->second) : json(nullptr)},
                          {"history", std::move(history)}});
  }
  json out{{"group_id", g.group_id},
           {"state", g.state},
           {"protocol_type", g.protocol_type},
           {"protocol", g.protocol},
           {"members", std::move(members)},
           {"partitions", std::move(partitions)},
           {"total_lag", any ? json(total) : json(nullptr)}};
  return dump(out);
}

std::string error_json(const std::string& message) {
  return dump(json{{"error", message}});
}

} // namespace samsa::console
