#include "actors/fetch_sessions.hpp"

#include <algorithm>

namespace samsa::actors {

fetch_session_cache::fetch_session_cache(fetch_session_limits limits, uint64_t seed)
  : limits_(limits), rng_(static_cast<std::mt19937::result_type>(seed)) {}

int32_t fetch_session_cache::new_id() {
  std::uniform_int_distribution<int32_t> d(1, INT32_MAX);
  for (;;) {
    auto id = d(rng_);
    if (sessions_.count(id) == 0)
      return id;
  }
}

bool fetch_session_cache::make_room(size_t partitions, int64_t now_ms) {
  auto fits = [&] {
    return sessions_.size() < limits_.max_sessions && partition_count_ + partitions <= limits_.max_partitions;
  };
  if (partitions > limits_.max_partitions)
    return false;
  // The least recently used session among those `evictable` says may go.
  auto least_recent = [&](auto evictable) {
    auto oldest = sessions_.end();
    for (auto i = sessions_.begin(); i != sessions_.end(); ++i)
      if (evictable(i->second) && (oldest == sessions_.end() || i->second.last_used_ms < oldest->second.last_used_ms))
        oldest = i;
    return oldest;
  };
  while (!fits()) {
    auto victim = least_recent([&](const session& s) { return now_ms - s.last_used_ms >= limits_.min_eviction_ms; });
    if (victim == sessions_.end())
      victim = least_recent([](const session& s) { return s.epoch == 1; }); // never continued
    if (victim == sessions_.end())
      return false;
    remove(victim->first);
  }
  return true;
}

void fetch_session_cache::add(session& s, const fetch_session_partition& p) {
  key k{p.topic, p.partition};
  auto i = s.index.find(k);
  if (i != s.index.end()) {
    auto& cached = *i->second;
    cached.fetch_offset = p.fetch_offset;
    cached.max_bytes = p.max_bytes;
    cached.current_leader_epoch = p.current_leader_epoch;
    cached.last_fetched_epoch = p.last_fetched_epoch;
    cached.log_start_offset = p.log_start_offset;
    return;
  }
  s.order.push_back(p);
  s.index.emplace(std::move(k), std::prev(s.order.end()));
  ++partition_count_;
}

int32_t fetch_session_cache::create(std::vector<fetch_session_partition> partitions, int64_t now_ms) {
  if (limits_.max_sessions == 0 || !make_room(partitions.size(), now_ms))
    return 0;
  auto id = new_id();
  auto& s = sessions_[id];
  s.last_used_ms = now_ms;
  for (auto& p : partitions) {
    key k{p.topic, p.partition};
    auto i = s.index.find(k);
    if (i != s.index.end()) { // named twice: the last one counts, as in Kafka's request map
      *i->second = std::move(p);
      continue;
    }
    s.order.push_back(std::move(p));
    s.index.emplace(std::move(k), std::prev(s.order.end()));
    ++partition_count_;
  }
  return id;
}

void fetch_session_cache::remove(int32_t id) {
  auto i = sessions_.find(id);
  if (i == sessions_.end())
    return;
  partition_count_ -= i->second.order.size();
  sessions_.erase(i);
}

fetch_session_cache::status fetch_session_cache::update(int32_t id, int32_t epoch,
                                                        const std::vector<fetch_session_partition>& changed,
                                                        const std::vector<key>& forgotten, int64_t now_ms,
                                                        std::vector<fetch_session_partition>* out) {
  auto i = sessions_.find(id);
  if (i == sessions_.end())
    return status::not_found;
  auto& s = i->second;
  if (s.epoch != epoch)
    return status::invalid_epoch;
  for (const auto& k : forgotten) {
    auto j = s.index.find(k);
    if (j == s.index.end())
      continue;
    s.order.erase(j->second);
    s.index.erase(j);
    --partition_count_;
  }
  for (const auto& p : changed)
    add(s, p);
  if (partition_count_ > limits_.max_partitions) {
    remove(id);
    return status::not_found;
  }
  s.epoch = s.epoch == INT32_MAX ? 1 : s.epoch + 1;
  s.last_used_ms = now_ms;
  if (out)
    out->assign(s.order.begin(), s.order.end());
  return status::ok;
}

std::vector<bool> fetch_session_cache::settle(int32_t id,
                                              const std::vector<std::pair<key, fetch_partition_outcome>>& outcomes) {
  std::vector<bool> listed(outcomes.size(), true);
  auto i = sessions_.find(id);
  if (i == sessions_.end())
    return listed;
  auto& s = i->second;
  std::vector<std::list<fetch_session_partition>::iterator> to_end;
  for (size_t n = 0; n < outcomes.size(); ++n) {
    const auto& [k, o] = outcomes[n];
    auto j = s.index.find(k);
    if (j == s.index.end())
      continue;
    auto& p = *j->second;
    bool changed = o.high_watermark != p.high_watermark || o.last_stable_offset != p.last_stable_offset ||
                   o.log_start_offset != p.answered_log_start_offset;
    listed[n] = o.error || o.has_records || changed;
    if (!listed[n])
      continue;
    p.high_watermark = o.high_watermark;
    p.last_stable_offset = o.last_stable_offset;
    p.answered_log_start_offset = o.log_start_offset;
    if (o.has_records)
      to_end.push_back(j->second);
  }
  for (auto it : to_end)
    s.order.splice(s.order.end(), s.order, it); // iterators (and the index) stay valid
  return listed;
}

std::vector<fetch_session_partition> fetch_session_cache::partitions_of(int32_t id) const {
  auto i = sessions_.find(id);
  if (i == sessions_.end())
    return {};
  return {i->second.order.begin(), i->second.order.end()};
}

int32_t fetch_session_cache::epoch_of(int32_t id) const {
  auto i = sessions_.find(id);
  return i == sessions_.end() ? 0 : i->second.epoch;
}

} // namespace samsa::actors
