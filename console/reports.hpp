#pragma once
// The console's list of experiment reports: the runs of `samsa experiment run` (docs/experiments.md) under
// one directory, by default ./experiment-runs (the runner's default --out, relative to the broker's working
// directory), each a directory holding report.html and summary.json. Read-only and bounded: the walk goes at
// most two directories deep (NAME-seedS/ and, for --runs, DIR/seed-S/), looks at most max_report_entries
// directory entries and lists at most max_reports runs; a summary.json is read only when it is small, a
// report.html is served only when its path is made of plain names and resolves (symbolic links included)
// inside the directory. Plain file I/O, no actors; tested with temporary directories (tests/console).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace samsa::console {

constexpr const char* default_reports_dir = "experiment-runs";
constexpr size_t max_reports = 500;
constexpr size_t max_report_entries = 10000;          // directory entries looked at per listing
constexpr uintmax_t max_summary_bytes = 1 << 20;
constexpr uintmax_t max_report_bytes = 64ull << 20;   // report.html served at most this large

struct report_entry {
  std::string path;        // the run's directory relative to the reports directory, '/'-separated
  int64_t mtime_ms = 0;    // report.html's modification time
  bool has_summary = false;
  std::string scenario;
  int64_t seed = -1;
  bool passed = false;
  int64_t faults_applied = -1;
  int64_t errors = 0;
};

// The runs under `root`, newest first; empty when root does not exist.
std::vector<report_entry> find_reports(const std::filesystem::path& root);

// A run's path as a URL carries it: 0 to 2 '/'-separated names of [A-Za-z0-9._-], none "." or "..".
bool valid_report_path(const std::string& rel);

// root/rel/report.html when rel is valid and the file exists inside root (after resolving links); else
// nullopt.
std::optional<std::filesystem::path> report_file(const std::filesystem::path& root, const std::string& rel);

// /api/reports: {"directory", "exists", "reports": [{"path", "url", "time_ms", "scenario", "seed", "passed",
// "faults_applied", "errors", "has_summary"}], "truncated"}.
std::string reports_json(const std::string& directory, bool exists, const std::vector<report_entry>& reports);

} // namespace samsa::console
