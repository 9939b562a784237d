#include "tools/cli_topics_view.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace samsa::cli {

bool under_replicated(const partition_state& p) {
  return p.isr.size() < p.replicas.size();
}

bool unavailable(const partition_state& p) {
  return p.leader < 0 || p.offline;
}

std::vector<topic_description> filter_topics(std::vector<topic_description> ds, const topic_filter& f) {
  std::vector<topic_description> out;
  for (auto& d : ds) {
    if (f.with_overrides && d.configs.empty())
      continue;
    if (f.under_replicated || f.unavailable) {
      auto& ps = d.partition_states;
      ps.erase(std::remove_if(ps.begin(), ps.end(),
                              [&](const partition_state& p) {
                                return (f.under_replicated && !under_replicated(p)) || (f.unavailable && !unavailable(p));
                              }),
               ps.end());
      if (ps.empty())
        continue;
    }
    out.push_back(std::move(d));
  }
  return out;
}

nlohmann::json topics_json(const std::vector<topic_description>& ds) {
  auto out = nlohmann::json::array();
  for (auto& d : ds) {
    auto parts = nlohmann::json::array();
    for (auto& p : d.partition_states)
      parts.push_back({{"partition", p.partition},
                       {"leader", p.leader < 0 ? nlohmann::json() : nlohmann::json(p.leader)},
                       {"leader_epoch", p.leader_epoch},
                       {"replicas", p.replicas},
                       {"isr", p.isr},
                       {"log_start_offset", p.log_start_offset},
                       {"log_end_offset", p.log_end_offset},
                       {"high_watermark", p.high_watermark},
                       {"size_bytes", p.size_bytes},
                       {"segments", p.segments},
                       {"offline", p.offline},
                       {"under_replicated", under_replicated(p)}});
    out.push_back({{"name", d.name},
                   {"topic_id", d.topic_id},
                   {"partitions", d.partitions},
                   {"replication_factor", d.replication_factor},
                   {"configs", d.configs},
                   {"partition_states", parts}});
  }
  return out;
}

} // namespace samsa::cli
