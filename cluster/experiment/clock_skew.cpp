#include "cluster/experiment/clock_skew.hpp"

#include <utility>

namespace samsa::cluster::experiment {

std::string faketime_file_text(int64_t offset_ms) {
  // |offset_ms| fits: scenarios are limited to a year; the magnitude is taken as unsigned either way.
  uint64_t mag = offset_ms < 0 ? uint64_t(0) - static_cast<uint64_t>(offset_ms) : static_cast<uint64_t>(offset_ms);
  std::string s = (offset_ms < 0 ? "-" : "+") + std::to_string(mag / 1000);
  if (auto ms = mag % 1000; ms != 0) {
    std::string frac = std::to_string(ms);
    s += "." + std::string(3 - frac.size(), '0') + frac;
  }
  return s + "\n";
}

std::string clock_offset_text(int64_t offset_ms) {
  uint64_t mag = offset_ms < 0 ? uint64_t(0) - static_cast<uint64_t>(offset_ms) : static_cast<uint64_t>(offset_ms);
  std::string s = offset_ms < 0 ? "-" : "+";
  if (mag == 0)
    return "+0";
  if (mag % 1000 != 0)
    return s + std::to_string(mag) + "ms";
  uint64_t secs = mag / 1000;
  const std::pair<uint64_t, const char*> units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (const auto& [size, unit] : units)
    if (secs >= size) {
      s += std::to_string(secs / size) + unit;
      secs %= size;
    }
  return s;
}

std::vector<std::string> faketime_environment(const std::vector<std::string>& inherited, const std::string& lib,
                                              const std::string& file) {
  std::vector<std::string> env;
  std::string preload = lib;
  for (const auto& e : inherited) {
    if (e.rfind("FAKETIME", 0) == 0)
      continue;
    if (e.rfind("LD_PRELOAD=", 0) == 0) {
      if (e.size() > 11)
        preload += ":" + e.substr(11);
      continue;
    }
    env.push_back(e);
  }
  env.push_back("LD_PRELOAD=" + preload);
  env.push_back("FAKETIME_TIMESTAMP_FILE=" + file);
  env.push_back("FAKETIME_NO_CACHE=1");
  env.push_back("FAKETIME_DONT_FAKE_MONOTONIC=1");
  return env;
}

} // namespace samsa::cluster::experiment
