#include "messages/prometheus.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace samsa::prometheus {

namespace {

bool name_char(char c, bool first, bool colon_ok) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_ok && c == ':');
  return first ? alpha : alpha || (c >= '0' && c <= '9');
}

bool valid_name(std::string_view name, bool colon_ok) {
  if (name.empty())
    return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0, colon_ok))
      return false;
  return true;
}

const char* type_name(metric_type t) {
  switch (t) {
    case metric_type::counter: return "counter";
    case metric_type::gauge: return "gauge";
    case metric_type::histogram: return "histogram";
  }
  return "untyped";
}

void check_labels(const label_set& labels) {
  for (auto& [k, v] : labels)
    if (!valid_label_name(k) || k == "le")
      throw std::invalid_argument("invalid Prometheus label name '" + k + "'");
}

void append_labels(std::string& out, const label_set& labels, const std::string* le = nullptr) {
  if (labels.empty() && le == nullptr)
    return;
  out += '{';
  bool first = true;
  for (auto& [k, v] : labels) {
    if (!first)
      out += ',';
    first = false;
    out += k;
    out += "=\"";
    out += escape_label_value(v);
    out += '"';
  }
  if (le != nullptr) {
    if (!first)
      out += ',';
    out += "le=\"";
    out += *le;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, const std::string& name, const label_set& labels, double value,
                   const std::string* le = nullptr) {
  out += name;
  append_labels(out, labels, le);
  out += ' ';
  out += format_value(value);
  out += '\n';
}

constexpr double micros_per_unit = 1e6;

} // namespace

// -- histogram ----------------------------------------------------------------------------------------

histogram::histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  for (size_t i = 0; i < bounds_.size(); ++i)
    if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1]))
      throw std::invalid_argument("histogram bounds must be finite and strictly increasing");
  buckets_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i)
    buckets_[i].store(0, std::memory_order_relaxed);
}

void histogram::observe(double value) {
  if (std::isnan(value))
    return; // belongs to no bucket; a NaN sum would poison every later scrape
  auto i = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<int64_t>(std::llround(value * micros_per_unit)), std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

histogram_snapshot histogram::snapshot() const {
  histogram_snapshot s;
  s.bounds = bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // The count is at least every bucket, so +Inf never reads below a finite bucket.
  s.count = std::max(running + buckets_[bounds_.size()].load(std::memory_order_relaxed),
                     count_.load(std::memory_order_relaxed));
  s.sum = static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / micros_per_unit;
  return s;
}

std::vector<double> latency_buckets_seconds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

// -- exposition ---------------------------------------------------------------------------------------

exposition::family& exposition::find_or_add(std::string_view name, std::string_view help, metric_type type) {
  for (auto& f : families_) {
    if (f.name != name)
      continue;
    if (f.type != type)
      throw std::invalid_argument("metric '" + std::string(name) + "' is already a " + type_name(f.type));
    return f;
  }
  if (!valid_metric_name(name))
    throw std::invalid_argument("invalid Prometheus metric name '" + std::string(name) + "'");
  families_.push_back(family{std::string(name), std::string(help), type, {}});
  return families_.back();
}

exposition::sample& exposition::sample_for(family& f, label_set&& labels) {
  check_labels(labels);
  for (auto& s : f.samples)
    if (s.labels == labels)
      return s;
  f.samples.push_back(sample{std::move(labels), 0, {}});
  return f.samples.back();
}

void exposition::counter(std::string_view name, std::string_view help, label_set labels, double value) {
  auto& f = find_or_add(name, help, metric_type::counter);
  sample_for(f, std::move(labels)).value += value;
}

void exposition::gauge(std::string_view name, std::string_view help, label_set labels, double value) {
  auto& f = find_or_add(name, help, metric_type::gauge);
  sample_for(f, std::move(labels)).value = value;
}

void exposition::histogram(std::string_view name, std::string_view help, label_set labels,
                           const histogram_snapshot& h) {
  if (h.cumulative.size() != h.bounds.size())
    throw std::invalid_argument("histogram snapshot with " + std::to_string(h.bounds.size()) + " bounds and "
                                + std::to_string(h.cumulative.size()) + " counts");
  auto& f = find_or_add(name, help, metric_type::histogram);
  sample_for(f, std::move(labels)).hist = h;
}

void exposition::declare(std::string_view name, std::string_view help, metric_type type) {
  find_or_add(name, help, type);
}

std::string exposition::render() const {
  std::string out;
  for (auto& f : families_) {
    out += "# HELP " + f.name + " " + escape_help(f.help) + "\n";
    out += "# TYPE " + f.name + " " + type_name(f.type) + "\n";
    for (auto& s : f.samples) {
      if (f.type != metric_type::histogram) {
        append_sample(out, f.name, s.labels, s.value);
        continue;
      }
      auto bucket = f.name + "_bucket";
      for (size_t i = 0; i < s.hist.bounds.size(); ++i) {
        auto le = format_value(s.hist.bounds[i]);
        append_sample(out, bucket, s.labels, static_cast<double>(s.hist.cumulative[i]), &le);
      }
      const std::string inf = "+Inf";
      append_sample(out, bucket, s.labels, static_cast<double>(s.hist.count), &inf);
      append_sample(out, f.name + "_sum", s.labels, s.hist.sum);
      append_sample(out, f.name + "_count", s.labels, static_cast<double>(s.hist.count));
    }
  }
  return out;
}

// -- text helpers -------------------------------------------------------------------------------------

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  // Integers (counts, offsets, bytes) exactly, without an exponent, up to 2^53.
  if (v == std::floor(v) && std::fabs(v) <= 9007199254740992.0) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(v));
    return std::string(buf, r.ptr);
  }
  // The shortest digits that read back exactly; plain decimals (0.0005, not 5e-04) where that stays short.
  char buf[400];
  auto a = std::fabs(v);
  auto fmt = a >= 1e-6 && a < 1e15 ? std::chars_format::fixed : std::chars_format::scientific;
  auto r = std::to_chars(buf, buf + sizeof buf, v, fmt);
  return std::string(buf, r.ptr);
}

bool valid_metric_name(std::string_view name) {
  return valid_name(name, true);
}

bool valid_label_name(std::string_view name) {
  return valid_name(name, false) && name.substr(0, 2) != "__";
}

} // namespace samsa::prometheus
