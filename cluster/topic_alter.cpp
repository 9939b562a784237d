#include "cluster/topic_alter.hpp"

#include <algorithm>

#include "cluster/config_describe.hpp"
#include "cluster/controller/replication_control.hpp"
#include "cluster/server_config.hpp"

namespace samsa::cluster {

namespace {

config_alter_result refuse(change_error e, std::string why, const std::map<std::string, std::string>& current) {
  return {e, std::move(why), current};
}

std::vector<std::string> list_items(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty())
      out.push_back(std::move(item));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return out;
}

std::string join_items(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items)
    s += (s.empty() ? "" : ",") + i;
  return s;
}

// The key's list before an APPEND or SUBTRACT: its override, else the key's built-in default.
std::vector<std::string> current_list(const std::map<std::string, std::string>& configs, const std::string& key) {
  if (auto it = configs.find(key); it != configs.end())
    return list_items(it->second);
  for (const auto& e : describe_topic_configs(server_config{}, {}))
    if (e.name == key && e.value)
      return list_items(*e.value);
  return {};
}

} // namespace

bool list_typed_topic_key(const std::string& key) { return topic_config_type(key) == config_type::list; }

config_alter_result alter_topic_configs(const std::map<std::string, std::string>& current,
                                        const std::vector<config_alter>& ops, bool incremental) {
  std::set<std::string> seen;
  for (const auto& op : ops)
    if (!seen.insert(op.key).second)
      return refuse(change_error::invalid_request, "Error due to duplicate config keys: " + op.key, current);
  auto next = incremental ? current : std::map<std::string, std::string>{};
  for (const auto& op : ops) {
    if (op.key.empty())
      return refuse(change_error::invalid_config, "a config key must not be empty", current);
    if (!incremental) {
      if (!op.value)
        return refuse(change_error::invalid_request, "Null value not supported for: " + op.key, current);
      next[op.key] = *op.value;
      continue;
    }
    switch (static_cast<alter_op>(op.op)) {
      case alter_op::set:
        if (!op.value)
          return refuse(change_error::invalid_request, "Null value not supported for: " + op.key, current);
        next[op.key] = *op.value;
        break;
      case alter_op::remove:
        next.erase(op.key);
        break;
      case alter_op::append:
      case alter_op::subtract: {
        const bool append = static_cast<alter_op>(op.op) == alter_op::append;
        if (!list_typed_topic_key(op.key))
          return refuse(change_error::invalid_config,
                        std::string("Config value ") + (append ? "append" : "subtract")
                          + " is not allowed for config key: " + op.key,
                        current);
        auto items = current_list(next, op.key);
        for (const auto& v : list_items(op.value.value_or(""))) {
          auto at = std::find(items.begin(), items.end(), v);
          if (append && at == items.end())
            items.push_back(v);
          else if (!append && at != items.end())
            items.erase(at);
        }
        next[op.key] = join_items(items);
        break;
      }
      default:
        return refuse(change_error::invalid_request, "unknown config operation " + std::to_string(op.op) + " for " + op.key,
                      current);
    }
  }
  if (auto why = validate_topic_configs(next); !why.empty())
    return refuse(change_error::invalid_config, why, current);
  return {change_error::none, {}, std::move(next)};
}

std::vector<config_record> config_changes(const std::string& topic, const std::map<std::string, std::string>& before,
                                          const std::map<std::string, std::string>& after) {
  std::vector<config_record> out;
  for (const auto& [k, v] : after)
    if (auto it = before.find(k); it == before.end() || it->second != v)
      out.push_back(config_record{config_resource::topic, topic, k, v});
  for (const auto& [k, v] : before)
    if (after.count(k) == 0)
      out.push_back(config_record{config_resource::topic, topic, k, std::nullopt});
  return out;
}

std::string check_partition_increase(int32_t current, int32_t requested) {
  if (requested < current)
    return "Topic currently has " + std::to_string(current) + " partitions, which is higher than the requested "
           + std::to_string(requested) + ".";
  if (requested == current)
    return "Topic already has " + std::to_string(current) + " partitions.";
  if (requested > max_partitions_per_topic)
    return "number of partitions must be between 1 and " + std::to_string(max_partitions_per_topic);
  return {};
}

std::string check_new_assignments(const std::vector<std::vector<int32_t>>& assignments, int32_t new_partitions,
                                  size_t replication_factor, const std::set<int32_t>& known) {
  if (assignments.empty())
    return {};
  if (assignments.size() != static_cast<size_t>(new_partitions))
    return "Increasing the number of partitions by " + std::to_string(new_partitions) + " but "
           + std::to_string(assignments.size()) + " assignments provided.";
  for (size_t i = 0; i < assignments.size(); ++i) {
    const auto& a = assignments[i];
    if (a.size() != replication_factor)
      return "Inconsistent replication factor between partitions, partition 0 has " + std::to_string(replication_factor)
             + " replicas while new partition " + std::to_string(i) + " has " + std::to_string(a.size()) + ".";
    if (std::set<int32_t>(a.begin(), a.end()).size() != a.size())
      return "Duplicate brokers not allowed in replica assignment of new partition " + std::to_string(i) + ".";
    for (auto b : a)
      if (known.count(b) == 0)
        return "Unknown broker " + std::to_string(b) + " in the assignment of new partition " + std::to_string(i) + ".";
  }
  return {};
}

} // namespace samsa::cluster
