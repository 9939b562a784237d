#include "tools/cli_offset_spec.hpp"

#include <algorithm>
#include <cctype>

namespace samsa::cli {

namespace {

// A non-negative decimal number that fits int64_t.
std::optional<int64_t> digits(const std::string& s) {
  if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  return std::stoll(s);
}

} // namespace

std::optional<offset_spec> parse_offset_spec(const std::string& s, std::string& error) {
  using k = offset_spec::kind;
  if (s == "earliest" || s == "beginning")
    return offset_spec{k::earliest, 0};
  if (s == "latest" || s == "end")
    return offset_spec{k::latest, 0};
  std::optional<int64_t> n;
  if (!s.empty() && s[0] == '-' && (n = digits(s.substr(1))) && *n > 0)
    return offset_spec{k::from_end, *n};
  if (!s.empty() && s[0] == '@' && (n = digits(s.substr(1))))
    return offset_spec{k::timestamp, *n};
  if ((n = digits(s)))
    return offset_spec{k::absolute, *n};
  error = "--offset takes earliest, latest, N (an offset), -N (N records before the end) or @TIMESTAMP_MS, got '" + s
          + "'";
  return std::nullopt;
}

int64_t resolve_start(const offset_spec& spec, const partition_bounds& b) {
  using k = offset_spec::kind;
  int64_t at = b.log_end;
  switch (spec.what) {
    case k::earliest: at = b.log_start; break;
    case k::latest: at = b.log_end; break;
    case k::absolute: return spec.value; // as asked: outside the log the broker answers offset_out_of_range
    case k::from_end: at = b.log_end - spec.value; break;
    case k::timestamp: at = b.timestamp_offset < 0 ? b.log_end : b.timestamp_offset; break;
  }
  return std::clamp(at, b.log_start, std::max(b.log_start, b.log_end));
}

} // namespace samsa::cli
