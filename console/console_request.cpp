#include "console/console_request.hpp"

#include <cctype>
#include <limits>
#include <vector>

#include "cluster/server_config.hpp"
#include "console/reports.hpp"

namespace samsa::console {

namespace {

parse_result fail(int status, std::string message) {
  parse_result r;
  r.status = status;
  r.message = std::move(message);
  return r;
}

parse_result ok(console_request req) {
  parse_result r;
  r.request = std::move(req);
  return r;
}

parse_result page(const char* file) {
  console_request req;
  req.kind = route::page;
  req.asset = file;
  return ok(req);
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    auto j = path.find('/', i);
    if (j == std::string::npos)
      j = path.size();
    parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

// "" when the topic name is valid (Kafka's rule, the one topics are created with), else a 400 message.
std::string topic_error(const std::string& name) {
  auto why = cluster::validate_topic_name(name);
  return why.empty() ? "" : "invalid topic name: " + why;
}

// Kafka allows any non-empty group id; the console refuses control characters and very long names, which
// no client creates, so a URL cannot make the broker look up a megabyte-long name.
std::string group_error(const std::string& name) {
  if (name.empty())
    return "invalid group name: empty";
  if (name.size() > max_group_name_bytes)
    return "invalid group name: longer than " + std::to_string(max_group_name_bytes) + " bytes";
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      return "invalid group name: contains a control character";
  return "";
}

const std::string* single_param(const std::multimap<std::string, std::string>& query, const std::string& key,
                                std::string& error) {
  auto n = query.count(key);
  if (n == 0)
    return nullptr;
  if (n > 1) {
    error = "parameter '" + key + "' given more than once";
    return nullptr;
  }
  return &query.find(key)->second;
}

parse_result records_request(const std::string& topic, const std::string& partition,
                             const std::multimap<std::string, std::string>& query) {
  console_request req;
  req.kind = route::records;
  req.name = topic;
  int64_t v = 0;
  if (!parse_bounded_int(partition, 0, std::numeric_limits<int32_t>::max(), v))
    return fail(400, "invalid partition '" + partition + "': expected an integer >= 0");
  req.partition = static_cast<int32_t>(v);
  for (auto& [key, value] : query)
    if (key != "offset" && key != "limit")
      return fail(400, "unknown parameter '" + key + "' (records take offset and limit)");
  std::string error;
  if (auto* offset = single_param(query, "offset", error)) {
    if (!parse_bounded_int(*offset, 0, std::numeric_limits<int64_t>::max(), v))
      return fail(400, "invalid offset '" + *offset + "': expected an integer >= 0");
    req.offset = v;
  }
  if (auto* limit = single_param(query, "limit", error)) {
    if (!parse_bounded_int(*limit, 1, max_records_limit, v))
      return fail(400, "invalid limit '" + *limit + "': expected an integer from 1 to "
                         + std::to_string(max_records_limit));
    req.limit = static_cast<int32_t>(v);
  }
  if (!error.empty())
    return fail(400, error);
  return ok(req);
}

parse_result named(route kind, const std::string& name, bool topic) {
  auto error = topic ? topic_error(name) : group_error(name);
  if (!error.empty())
    return fail(400, error);
  console_request req;
  req.kind = kind;
  req.name = name;
  return ok(req);
}

parse_result api_request(const std::string& rest, const std::multimap<std::string, std::string>& query) {
  if (rest == "overview" || rest == "groups" || rest == "reports") {
    console_request req;
    req.kind = rest == "overview" ? route::overview : rest == "groups" ? route::groups : route::reports;
    return ok(req);
  }
  if (starts_with(rest, "groups/"))
    return named(route::group, rest.substr(7), false);
  if (starts_with(rest, "topics/")) {
    auto parts = split_path(rest.substr(7)); // NAME[/partitions/P/records]
    if (auto error = topic_error(parts[0]); !error.empty())
      return fail(400, error);
    if (parts.size() == 1)
      return named(route::topic, parts[0], true);
    if (parts.size() == 4 && parts[1] == "partitions" && parts[3] == "records")
      return records_request(parts[0], parts[2], query);
  }
  return fail(404, "no such API: /api/" + rest);
}

} // namespace

bool parse_bounded_int(const std::string& text, int64_t min, int64_t max, int64_t& out) {
  if (text.empty() || text.size() > 20)
    return false;
  int64_t v = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
    int64_t digit = c - '0';
    if (v > (std::numeric_limits<int64_t>::max() - digit) / 10)
      return false;
    v = v * 10 + digit;
  }
  if (v < min || v > max)
    return false;
  out = v;
  return true;
}

parse_result parse_request(const std::string& path, const std::multimap<std::string, std::string>& query) {
  if (path == "/" || path == "/index.html")
    return page("console.html");
  if (path == "/groups" || path == "/groups/")
    return page("console.html");
  if (starts_with(path, "/groups/")) {
    auto r = named(route::page, path.substr(8), false);
    if (r.ok())
      r.request.asset = "console.html";
    return r;
  }
  if (starts_with(path, "/topics/")) {
    auto r = named(route::page, path.substr(8), true);
    if (r.ok())
      r.request.asset = "console.html";
    return r;
  }
  if (path == "/reports" || path == "/reports/")
    return page("console.html");
  if (starts_with(path, "/reports/")) {
    const std::string file = "report.html";
    auto tail = path.substr(9);
    if (tail.size() < file.size() || tail.compare(tail.size() - file.size(), file.size(), file) != 0)
      return fail(404, "not found: " + path + " (a run's report is /reports/RUN/report.html)");
    auto rel = tail.substr(0, tail.size() - file.size());
    if (!rel.empty() && rel.back() != '/')
      return fail(404, "not found: " + path);
    if (!rel.empty())
      rel.pop_back();
    if (!valid_report_path(rel))
      return fail(400, "invalid report path '" + rel + "': expected at most two names of letters, digits, '.', '_' and '-'");
    console_request req;
    req.kind = route::report;
    req.name = rel;
    return ok(req);
  }
  if (starts_with(path, "/static/")) {
    console_request req;
    req.kind = route::asset;
    req.asset = path.substr(8);
    return ok(req); // an unknown file is the server's 404 (it knows the embedded files)
  }
  if (starts_with(path, "/api/"))
    return api_request(path.substr(5), query);
  return fail(404, "not found: " + path + " (samsa serves the console at / and Prometheus metrics at /metrics)");
}

} // namespace samsa::console
