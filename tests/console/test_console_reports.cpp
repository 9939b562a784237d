// The experiment reports the console lists and serves (console/reports.hpp), on real temporary directories.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "console/console_request.hpp"
#include "console/json_util.hpp"
#include "console/reports.hpp"

using namespace samsa::console;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("samsa-console-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
};

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream{p} << text;
}

} // namespace

TEST_CASE("runs are found two levels deep, with their summaries") {
  temp_dir t;
  auto root = t.path / "experiment-runs";
  write(root / "leader-kill-seed1" / "report.html", "<html>one</html>");
  write(root / "leader-kill-seed1" / "summary.json",
        R"({"scenario":"leader-kill","seed":1,"passed":true,"faults_applied":2,"errors":[]})");
  write(root / "mix" / "seed-100" / "report.html", "<html>two</html>");
  write(root / "mix" / "seed-100" / "summary.json", R"({"scenario":"random-mix","seed":100,"passed":false,"errors":["x","y"]})");
  write(root / "broken" / "report.html", "<html/>");
  write(root / "broken" / "summary.json", "{not json");
  write(root / "a" / "b" / "c" / "report.html", "too deep");
  write(root / "no-report" / "summary.json", "{}");
  auto runs = find_reports(root);
  REQUIRE(runs.size() == 3);
  std::map<std::string, report_entry> by;
  for (auto& r : runs)
    by[r.path] = r;
  CHECK(by["leader-kill-seed1"].scenario == "leader-kill");
  CHECK(by["leader-kill-seed1"].passed);
  CHECK(by["leader-kill-seed1"].faults_applied == 2);
  CHECK(by["mix/seed-100"].seed == 100);
  CHECK_FALSE(by["mix/seed-100"].passed);
  CHECK(by["mix/seed-100"].errors == 2);
  CHECK_FALSE(by["broken"].has_summary);
  auto j = json::parse(reports_json("/x/experiment-runs", true, runs));
  CHECK(j["reports"].size() == 3);
  for (auto& r : j["reports"])
    if (r["path"] == "broken")
      CHECK(r["passed"].is_null());
    else if (r["path"] == "mix/seed-100")
      CHECK(r["url"] == "/reports/mix/seed-100/report.html");
  CHECK(find_reports(t.path / "missing").empty());
}

TEST_CASE("only plain paths inside the directory are served") {
  temp_dir t;
  auto root = t.path / "runs";
  write(root / "r1" / "report.html", "ok");
  write(t.path / "secret" / "report.html", "outside");
  fs::create_directory_symlink(t.path / "secret", root / "link");
  CHECK(report_file(root, "r1"));
  CHECK_FALSE(report_file(root, "missing"));
  CHECK_FALSE(report_file(root, "link")); // resolves outside the reports directory
  CHECK_FALSE(report_file(root, "../secret"));
  CHECK_FALSE(valid_report_path(".."));
  CHECK_FALSE(valid_report_path("a/../b"));
  CHECK_FALSE(valid_report_path("a//b"));
  CHECK_FALSE(valid_report_path("a/b/c"));
  CHECK_FALSE(valid_report_path("/a"));
  CHECK(valid_report_path(""));
  CHECK(valid_report_path("mix/seed-100"));
}

TEST_CASE("report routes") {
  auto r = parse_request("/reports/mix/seed-1/report.html", {});
  REQUIRE(r.ok());
  CHECK(r.request.kind == route::report);
  CHECK(r.request.name == "mix/seed-1");
  CHECK(parse_request("/reports/report.html", {}).request.name.empty());
  CHECK(parse_request("/reports", {}).request.asset == "console.html");
  CHECK(parse_request("/api/reports", {}).request.kind == route::reports);
  CHECK(parse_request("/reports/../etc/report.html", {}).status == 400);
  CHECK(parse_request("/reports/x/summary.json", {}).status == 404);
  CHECK(parse_request("/reports/xreport.html", {}).status == 404);
}
