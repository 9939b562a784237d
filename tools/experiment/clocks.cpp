#include "tools/experiment/clocks.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "cluster/experiment/clock_skew.hpp"
#include "tools/experiment/processes.hpp"

extern char** environ;

namespace samsa::experiment {

namespace {

namespace ex = cluster::experiment;
namespace fs = std::filesystem;

int64_t real_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The file written next to it and renamed over it: a reader sees the old content or the new, never a part.
bool write_atomic(const std::string& path, const std::string& text) {
  auto tmp = path + ".tmp";
  {
    std::ofstream out{tmp, std::ios::trunc};
    out << text;
    if (!out.flush())
      return false;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  return !ec;
}

} // namespace

std::optional<std::string> find_libfaketime(std::string& why) {
  if (const char* env = std::getenv("SAMSA_LIBFAKETIME"); env != nullptr && *env != '\0') {
    if (access(env, R_OK) == 0)
      return std::string{env};
    why = std::string{"SAMSA_LIBFAKETIME="} + env + " cannot be read";
    return std::nullopt;
  }
  std::vector<fs::path> candidates;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib", ec)) // multiarch: /usr/lib/x86_64-linux-gnu/faketime
    candidates.push_back(e.path() / "faketime" / "libfaketimeMT.so.1");
  candidates.emplace_back("/usr/lib/faketime/libfaketimeMT.so.1");
  candidates.emplace_back("/usr/local/lib/faketime/libfaketimeMT.so.1");
  for (const auto& c : candidates)
    if (access(c.c_str(), R_OK) == 0)
      return c.string();
  why = "libfaketime is not installed (no /usr/lib/*/faketime/libfaketimeMT.so.1: apt-get install libfaketime, "
        "or set SAMSA_LIBFAKETIME=PATH)";
  return std::nullopt;
}

run_clocks::run_clocks(std::string lib, const std::vector<std::string>& node_dirs, const std::string& log)
  : lib_(std::move(lib)), log_(log) {
  std::vector<std::string> inherited;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    inherited.emplace_back(*e);
  for (const auto& d : node_dirs) {
    dirs_.push_back(fs::absolute(d).string());
    offsets_.push_back(0);
    env_.push_back(ex::faketime_environment(inherited, lib_, file(static_cast<int>(dirs_.size()))));
    if (!write_atomic(file(static_cast<int>(dirs_.size())), ex::faketime_file_text(0)))
      throw std::runtime_error("cannot write " + file(static_cast<int>(dirs_.size())));
  }
  note("libfaketime " + lib_ + "; each node reads its offset from its faketime.rc on every wall-clock call "
       "(FAKETIME_NO_CACHE=1), monotonic clock real (FAKETIME_DONT_FAKE_MONOTONIC=1)");
}

std::string run_clocks::file(int node) const { return dirs_.at(static_cast<size_t>(node - 1)) + "/faketime.rc"; }

bool run_clocks::set(int node, int64_t offset_ms, std::string& what) {
  auto text = ex::faketime_file_text(offset_ms);
  if (!write_atomic(file(node), text)) {
    what = "cannot write " + file(node);
    note("fail: node " + std::to_string(node) + " " + ex::clock_offset_text(offset_ms) + ": " + what);
    return false;
  }
  offsets_.at(static_cast<size_t>(node - 1)) = offset_ms;
  // Measured: `date` under the node's own environment reads the same file the broker reads.
  const char* date = access("/usr/bin/date", X_OK) == 0 ? "/usr/bin/date" : "/bin/date";
  auto before = real_now_ms();
  auto out = run_capture({date, "+%s%3N"}, 5, true, &environment(node));
  auto after = real_now_ms();
  char* end = nullptr;
  long long shown = out ? std::strtoll(out->c_str(), &end, 10) : 0;
  if (!out || end == out->c_str()) {
    what = "wrote " + ex::clock_offset_text(offset_ms) + " but could not run date under libfaketime";
    note("fail: node " + std::to_string(node) + ": " + what);
    return false;
  }
  double measured = static_cast<double>(shown) - static_cast<double>(before + after) / 2;
  char buf[160];
  std::snprintf(buf, sizeof buf, "clock %s (date under libfaketime: %+.1f s)",
                ex::clock_offset_text(offset_ms).c_str(), measured / 1000);
  what = buf;
  bool ok = std::abs(measured - static_cast<double>(offset_ms)) <= 1000 + static_cast<double>(after - before);
  note(std::string{ok ? "ok:   " : "fail: "} + "node " + std::to_string(node) + " " + file(node) + " = " +
       text.substr(0, text.size() - 1) + ": " + what);
  if (!ok)
    what = "the shift did not show: " + what;
  return ok;
}

bool run_clocks::preloaded(pid_t pid) {
  std::ifstream maps{"/proc/" + std::to_string(pid) + "/maps"};
  std::string line;
  while (std::getline(maps, line))
    if (line.find("libfaketime") != std::string::npos)
      return true;
  return false;
}

void run_clocks::note(const std::string& line) const {
  std::ofstream{log_, std::ios::app} << line << "\n";
}

} // namespace samsa::experiment
