#pragma once
// Prometheus metrics as plain values: a lock-free fixed-bucket histogram that hot paths observe into, and
// `exposition`, one scrape's samples rendered in Prometheus' text exposition format (version 0.0.4, what
// /metrics serves). No I/O, no actors: the node's HTTP listener (actors/http_listener) fills an exposition
// from atomics and actor answers and serves render()'s text.
//
// Format rules kept here (https://prometheus.io/docs/instrumenting/exposition_formats/):
// - one `# HELP` and one `# TYPE` line per family, before its samples; HELP text escapes `\` and newline;
// - label values escape `\`, `"` and newline; metric and label names are checked ([a-zA-Z_:][a-zA-Z0-9_:]*,
//   labels without ':' and not starting with "__");
// - a histogram family `x` renders `x_bucket{...,le="B"}` with cumulative counts for every bound, then
//   `le="+Inf"` (= the count), `x_sum` and `x_count`;
// - values: integers as integers, other numbers in the shortest form that reads back exactly, `+Inf`,
//   `-Inf`, `NaN`.
// A name or label that breaks the rules is a programming error: std::invalid_argument.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace samsa::prometheus {

// Label name/value pairs in the order they are rendered.
using label_set = std::vector<std::pair<std::string, std::string>>;

enum class metric_type { counter, gauge, histogram };

// A histogram's state at one moment: `cumulative[i]` observations were <= bounds[i].
struct histogram_snapshot {
  std::vector<double> bounds;
  std::vector<uint64_t> cumulative;
  double sum = 0;
  uint64_t count = 0;
};

// Fixed upper bounds (strictly increasing, finite), observed from any thread without locking. The sum is
// kept in integer micro-units (1e-6 of the observed unit) so it can be an atomic add; a snapshot read while
// observations land may be off by the observations in flight, never torn.
class histogram {
public:
  explicit histogram(std::vector<double> upper_bounds);
  void observe(double value);
  histogram_snapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_; // bounds_.size() + 1 (the last: above every bound)
  std::atomic<uint64_t> count_{0};
  std::atomic<int64_t> sum_micros_{0};
};

// Request latencies in seconds: 0.5 ms to 30 s (produce acks=all and long-poll fetches included).
std::vector<double> latency_buckets_seconds();

// The samples of one scrape, grouped into families in the order the families were first named.
class exposition {
public:
  // counter(): a label set given twice adds up; gauge(): the last value wins.
  void counter(std::string_view name, std::string_view help, label_set labels, double value);
  void gauge(std::string_view name, std::string_view help, label_set labels, double value);
  void histogram(std::string_view name, std::string_view help, label_set labels, const histogram_snapshot& h);
  // Declares a family without samples (rendered as HELP and TYPE only), so a scrape shows what exists.
  void declare(std::string_view name, std::string_view help, metric_type type);

  std::string render() const;

private:
  struct sample {
    label_set labels;
    double value = 0;
    histogram_snapshot hist;
  };
  struct family {
    std::string name;
    std::string help;
    metric_type type;
    std::vector<sample> samples;
  };
  family& find_or_add(std::string_view name, std::string_view help, metric_type type);
  sample& sample_for(family& f, label_set&& labels);

  std::vector<family> families_;
};

// Text helpers, public for the tests.
std::string escape_label_value(std::string_view v);
std::string escape_help(std::string_view v);
std::string format_value(double v);
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);

// The Content-Type of render()'s text.
inline constexpr const char* content_type = "text/plain; version=0.0.4; charset=utf-8";

} // namespace samsa::prometheus
