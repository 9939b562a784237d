#include "persistence/hw_checkpoint.hpp"

#include <fstream>
#include <string>

#include "persistence/file_util.hpp"

namespace samsa::persistence {

namespace {
std::filesystem::path file_of(const std::filesystem::path& dir) { return dir / "high-watermark-checkpoint"; }
} // namespace

std::optional<int64_t> load_high_watermark(const std::filesystem::path& dir) {
  std::ifstream in(file_of(dir));
  std::string version, value;
  if (!in || !std::getline(in, version) || version != "0" || !std::getline(in, value) || value.empty())
    return std::nullopt;
  try {
    size_t used = 0;
    auto hw = std::stoll(value, &used);
    if (used != value.size() || hw < 0)
      return std::nullopt;
    return hw;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

errc save_high_watermark(const std::filesystem::path& dir, int64_t hw) {
  return write_file_atomic(file_of(dir), "0\n" + std::to_string(hw) + "\n");
}

} // namespace samsa::persistence
