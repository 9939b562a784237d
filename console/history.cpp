#include "console/history.hpp"

#include <algorithm>

namespace samsa::console {

lag_history::lag_history(size_t samples_per_series, size_t max_series)
  : per_series_(std::max<size_t>(samples_per_series, 1)), max_series_(std::max<size_t>(max_series, 1)) {}

void lag_history::record(int64_t time_ms, const key& k, int64_t lag) {
  auto it = series_.find(k);
  if (it == series_.end()) {
    if (series_.size() >= max_series_) {
      auto oldest = std::min_element(series_.begin(), series_.end(), [](const auto& a, const auto& b) {
        return a.second.samples.back().time_ms < b.second.samples.back().time_ms;
      });
      series_.erase(oldest);
    }
    it = series_.emplace(k, series{}).first;
  }
  auto& s = it->second.samples;
  s.push_back({time_ms, lag});
  while (s.size() > per_series_)
    s.pop_front();
}

std::map<std::pair<std::string, int32_t>, std::vector<lag_sample>> lag_history::of_group(const std::string& group) const {
  std::map<std::pair<std::string, int32_t>, std::vector<lag_sample>> out;
  for (auto it = series_.lower_bound(key{group, "", 0}); it != series_.end() && it->first.group == group; ++it)
    out[{it->first.topic, it->first.partition}].assign(it->second.samples.begin(), it->second.samples.end());
  return out;
}

void lag_history::forget_older_than(int64_t before_ms) {
  for (auto it = series_.begin(); it != series_.end();)
    it = it->second.samples.back().time_ms < before_ms ? series_.erase(it) : std::next(it);
}

void rate_tracker::record(int64_t time_ms, const std::map<std::string, topic_counters>& reading) {
  previous_ = std::move(last_);
  previous_ms_ = last_ms_;
  last_ = reading;
  last_ms_ = time_ms;
  ++readings_;
}

bool rate_tracker::rate(const std::string& topic, topic_rates& out) const {
  auto now = last_.find(topic);
  auto before = previous_.find(topic);
  if (readings_ < 2 || now == last_.end() || before == previous_.end() || last_ms_ <= previous_ms_)
    return false;
  double seconds = static_cast<double>(last_ms_ - previous_ms_) / 1000.0;
  auto per_s = [&](int64_t a, int64_t b) { return b >= a ? static_cast<double>(b - a) / seconds : 0.0; };
  out.records_in_per_s = per_s(before->second.records_in, now->second.records_in);
  out.bytes_in_per_s = per_s(before->second.bytes_in, now->second.bytes_in);
  out.bytes_out_per_s = per_s(before->second.bytes_out, now->second.bytes_out);
  return true;
}

} // namespace samsa::console
