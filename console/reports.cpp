#include "console/reports.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <sstream>
#include <system_error>

#include "console/json_util.hpp"

namespace samsa::console {

namespace fs = std::filesystem;

namespace {

using nlohmann::json;

bool plain_name(const std::string& n) {
  if (n.empty() || n == "." || n == ".." || n.size() > 255)
    return false;
  for (unsigned char c : n)
    if (!(std::isalnum(c) || c == '.' || c == '_' || c == '-'))
      return false;
  return true;
}

int64_t mtime_ms(const fs::path& p) {
  std::error_code ec;
  auto t = fs::last_write_time(p, ec);
  if (ec)
    return 0;
  auto since = t - fs::file_time_type::clock::now() + std::chrono::system_clock::now();
  return std::chrono::duration_cast<std::chrono::milliseconds>(since.time_since_epoch()).count();
}

void read_summary(const fs::path& file, report_entry& e) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec || size > max_summary_bytes)
    return;
  std::ifstream in{file};
  auto j = json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return;
  e.has_summary = true;
  if (j.contains("scenario") && j["scenario"].is_string())
    e.scenario = j["scenario"].get<std::string>();
  if (j.contains("seed") && j["seed"].is_number_integer())
    e.seed = j["seed"].get<int64_t>();
  if (j.contains("passed") && j["passed"].is_boolean())
    e.passed = j["passed"].get<bool>();
  if (j.contains("faults_applied") && j["faults_applied"].is_number_integer())
    e.faults_applied = j["faults_applied"].get<int64_t>();
  if (j.contains("errors") && j["errors"].is_array())
    e.errors = static_cast<int64_t>(j["errors"].size());
}

struct walker {
  fs::path root;
  size_t entries_seen = 0;
  std::vector<report_entry> out;

  void visit(const fs::path& dir, const std::string& rel, int depth) {
    std::error_code ec;
    if (fs::is_regular_file(dir / "report.html", ec)) {
      report_entry e;
      e.path = rel;
      e.mtime_ms = mtime_ms(dir / "report.html");
      read_summary(dir / "summary.json", e);
      out.push_back(std::move(e));
    }
    if (depth == 2)
      return;
    std::vector<std::string> children;
    for (fs::directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec)) {
      if (++entries_seen > max_report_entries)
        return;
      auto name = it->path().filename().string();
      std::error_code dir_ec;
      if (plain_name(name) && it->is_directory(dir_ec))
        children.push_back(name);
    }
    std::sort(children.begin(), children.end());
    for (auto& c : children)
      visit(dir / c, rel.empty() ? c : rel + "/" + c, depth + 1);
  }
};

} // namespace

std::vector<report_entry> find_reports(const fs::path& root) {
  walker w{root, 0, {}};
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    return {};
  w.visit(root, "", 0);
  std::stable_sort(w.out.begin(), w.out.end(), [](auto& a, auto& b) { return a.mtime_ms > b.mtime_ms; });
  if (w.out.size() > max_reports)
    w.out.resize(max_reports);
  return w.out;
}

bool valid_report_path(const std::string& rel) {
  if (rel.empty())
    return true;
  size_t names = 0, i = 0;
  while (i <= rel.size()) {
    auto j = rel.find('/', i);
    if (j == std::string::npos)
      j = rel.size();
    if (!plain_name(rel.substr(i, j - i)) || ++names > 2)
      return false;
    i = j + 1;
  }
  return true;
}

std::optional<fs::path> report_file(const fs::path& root, const std::string& rel) {
  if (!valid_report_path(rel))
    return std::nullopt;
  std::error_code ec;
  auto base = fs::canonical(root, ec);
  if (ec)
    return std::nullopt;
  auto file = fs::canonical(root / rel / "report.html", ec);
  if (ec || !fs::is_regular_file(file, ec))
    return std::nullopt;
  auto b = base.string() + "/";
  if (file.string().compare(0, b.size(), b) != 0) // a link out of the reports directory
    return std::nullopt;
  return file;
}

std::string reports_json(const std::string& directory, bool exists, const std::vector<report_entry>& reports) {
  json list = json::array();
  for (auto& r : reports)
    list.push_back({{"path", r.path},
                    {"url", "/reports/" + (r.path.empty() ? std::string() : r.path + "/") + "report.html"},
                    {"time_ms", r.mtime_ms},
                    {"has_summary", r.has_summary},
                    {"scenario", r.scenario},
                    {"seed", r.seed},
                    {"passed", r.has_summary ? json(r.passed) : json(nullptr)},
                    {"faults_applied", r.faults_applied},
                    {"errors", r.errors}});
  return dump(json{{"directory", directory},
                   {"exists", exists},
                   {"reports", std::move(list)},
                   {"truncated", reports.size() >= max_reports}});
}

} // namespace samsa::console
