#pragma once
// What the web console remembers between requests, in memory and bounded: consumer-group lag over time
// (the group page's chart) and the previous reading of each topic's traffic counters (the overview's
// rates). Fed by the console's sampler (actors/node_console), read by the JSON endpoints. Plain classes,
// not thread-safe (node_console holds them under its mutex); time is passed in, so tests need no clock.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace samsa::console {

struct lag_sample {
  int64_t time_ms = 0;
  int64_t lag = 0;
};

// The last `samples_per_series` lag readings of each (group, topic, partition), for at most `max_series`
// series: a new series beyond that evicts the one whose last reading is the oldest, so memory is bounded by
// max_series * samples_per_series samples whatever the number of groups and partitions.
class lag_history {
public:
  struct key {
    std::string group;
    std::string topic;
    int32_t partition = 0;
    friend bool operator<(const key& a, const key& b) {
      return std::tie(a.group, a.topic, a.partition) < std::tie(b.group, b.topic, b.partition);
    }
  };

  explicit lag_history(size_t samples_per_series = 120, size_t max_series = 4096);

  void record(int64_t time_ms, const key& k, int64_t lag);
  // Every series of the group, by (topic, partition), oldest sample first.
  std::map<std::pair<std::string, int32_t>, std::vector<lag_sample>> of_group(const std::string& group) const;
  // Drops the series whose last reading is older than `before_ms` (groups or partitions that went away).
  void forget_older_than(int64_t before_ms);
  size_t series_count() const { return series_.size(); }

private:
  struct series {
    std::deque<lag_sample> samples;
  };
  size_t per_series_;
  size_t max_series_;
  std::map<key, series> series_;
};

struct topic_counters {
  int64_t records_in = 0;
  int64_t bytes_in = 0;
  int64_t bytes_out = 0;
};

struct topic_rates {
  double records_in_per_s = 0;
  double bytes_in_per_s = 0;
  double bytes_out_per_s = 0;
};

// Per topic, the rate between its last two readings of the (node-local, monotonic) traffic counters. A
// counter that went down (the topic was recreated, a partition moved away) gives 0, never a negative rate.
// Topics missing from a reading are forgotten.
class rate_tracker {
public:
  void record(int64_t time_ms, const std::map<std::string, topic_counters>& reading);
  // nullopt-like: false when the topic has fewer than two readings.
  bool rate(const std::string& topic, topic_rates& out) const;
  // The time between the last two readings; 0 before there are two.
  int64_t window_ms() const { return readings_ >= 2 ? last_ms_ - previous_ms_ : 0; }

private:
  int64_t readings_ = 0;
  int64_t previous_ms_ = 0;
  int64_t last_ms_ = 0;
  std::map<std::string, topic_counters> previous_;
  std::map<std::string, topic_counters> last_;
};

} // namespace samsa::console
