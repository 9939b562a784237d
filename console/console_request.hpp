#pragma once
// The web console's routes (GET only, read-only) and the validation of everything a URL carries: which page
// or JSON endpoint a path names, the topic or group name in it, and the records query (partition, offset,
// limit). Pure: no httplib, no actors, so every refusal is tested in microseconds (tests/console).
//
// Pages are one static HTML shell (console/web/console.html) whose script renders the page the path names
// from the JSON endpoints:
//   /                         overview page          /api/overview
//   /topics/NAME              topic page             /api/topics/NAME
//                                                    /api/topics/NAME/partitions/P/records?offset=O&limit=N
//   /groups                   consumer groups page   /api/groups
//   /groups/NAME              one group's page       /api/groups/NAME
//   /reports                  experiment reports     /api/reports
//   /reports[/RUN]/report.html a run's report (a file of console/reports.hpp's directory)
//   /static/FILE              CSS and JS (console/web, embedded at build time)
// A malformed value is a 400 with a message naming it; any other path is a 404. Bounds (max_records_limit,
// max_group_name_bytes) keep every answer small whatever the URL says.
#include <cstdint>
#include <map>
#include <string>

namespace samsa::console {

constexpr int32_t default_records_limit = 20;
constexpr int32_t max_records_limit = 200;
constexpr size_t max_group_name_bytes = 1024;

enum class route {
  page,      // an embedded HTML file (asset)
  asset,     // an embedded CSS/JS file
  overview,  // /api/overview
  topic,     // /api/topics/NAME
  records,   // /api/topics/NAME/partitions/P/records
  groups,    // /api/groups
  group,     // /api/groups/NAME
  reports,   // /api/reports
  report,    // /reports/RUN/report.html (name: RUN, '/'-separated, possibly empty)
};

struct console_request {
  route kind = route::page;
  std::string asset;       // page and asset: the embedded file's name
  std::string name;        // topic or group
  int32_t partition = -1;  // records
  int64_t offset = -1;     // records: the first offset wanted; -1: from the log start
  int32_t limit = default_records_limit; // records: at most this many records (1..max_records_limit)
};

// Either the request or an HTTP error (400 or 404) with a one-line message.
struct parse_result {
  int status = 200;
  std::string message;
  console_request request;
  bool ok() const { return status == 200; }
};

// `path` as the HTTP server decoded it (percent-escapes resolved); `query` its parameters.
parse_result parse_request(const std::string& path, const std::multimap<std::string, std::string>& query);

// A decimal integer in [min, max] with nothing around it; false for anything else (sign, spaces, overflow).
bool parse_bounded_int(const std::string& text, int64_t min, int64_t max, int64_t& out);

} // namespace samsa::console
