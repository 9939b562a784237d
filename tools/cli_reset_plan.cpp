#include "tools/cli_reset_plan.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace samsa::cli {

reset_plan plan_reset(const reset_spec& spec, const std::vector<partition_bounds>& partitions) {
  reset_plan plan;
  for (const auto& p : partitions) {
    int64_t target = 0;
    switch (spec.what) {
      case reset_spec::kind::earliest: target = p.log_start; break;
      case reset_spec::kind::latest: target = p.log_end; break;
      case reset_spec::kind::offset: target = spec.value; break;
      case reset_spec::kind::shift_by:
        if (!p.committed) {
          plan.rows.clear();
          plan.error = "cannot shift the offset of " + p.topic + "-" + std::to_string(p.partition)
                       + ": the group has no committed offset there (use --to-earliest, --to-latest or --to-offset)";
          return plan;
        }
        target = *p.committed + spec.value;
        break;
      case reset_spec::kind::datetime: target = p.offset_at_time < 0 ? p.log_end : p.offset_at_time; break;
    }
    target = std::clamp(target, p.log_start, std::max(p.log_start, p.log_end));
    plan.rows.push_back({p.topic, p.partition, p.committed, target});
  }
  return plan;
}

namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

} // namespace

std::optional<int64_t> parse_datetime_ms(const std::string& text) {
  if (all_digits(text)) {
    if (text.size() > 15)
      return std::nullopt;
    return std::stoll(text);
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) != 6 || used != 19)
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
    return std::nullopt;
  std::string rest = text.substr(19);
  int64_t millis = 0;
  if (!rest.empty() && rest[0] == '.') {
    size_t n = 1;
    while (n < rest.size() && std::isdigit(static_cast<unsigned char>(rest[n])))
      ++n;
    auto frac = rest.substr(1, n - 1);
    if (frac.empty() || frac.size() > 9)
      return std::nullopt;
    frac.resize(3, '0');
    millis = std::stoll(frac.substr(0, 3));
    rest = rest.substr(n);
  }
  int64_t offset_minutes = 0;
  if (rest == "Z" || rest.empty()) {
  } else if ((rest[0] == '+' || rest[0] == '-') && rest.size() == 6 && rest[3] == ':'
             && std::isdigit(static_cast<unsigned char>(rest[1])) && std::isdigit(static_cast<unsigned char>(rest[2]))
             && std::isdigit(static_cast<unsigned char>(rest[4])) && std::isdigit(static_cast<unsigned char>(rest[5]))) {
    int oh = std::stoi(rest.substr(1, 2)), om = std::stoi(rest.substr(4, 2));
    if (oh > 23 || om > 59)
      return std::nullopt;
    offset_minutes = (rest[0] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - offset_minutes * 60;
  return secs * 1000 + millis;
}

std::optional<topic_selection> parse_topic_selection(const std::string& text) {
  topic_selection sel;
  auto colon = text.find(':');
  sel.topic = text.substr(0, colon);
  if (sel.topic.empty())
    return std::nullopt;
  if (colon == std::string::npos)
    return sel;
  std::string list = text.substr(colon + 1);
  size_t pos = 0;
  while (pos <= list.size()) {
    auto comma = list.find(',', pos);
    auto item = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (!all_digits(item) || item.size() > 9)
      return std::nullopt;
    sel.partitions.push_back(static_cast<int32_t>(std::stol(item)));
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  std::sort(sel.partitions.begin(), sel.partitions.end());
  sel.partitions.erase(std::unique(sel.partitions.begin(), sel.partitions.end()), sel.partitions.end());
  return sel;
}

} // namespace samsa::cli
