#include "cluster/experiment/history_log.hpp"

#include <stdexcept>

namespace samsa::cluster::experiment {

history_log::history_log(const std::string& path) : t0_(std::chrono::steady_clock::now()) {
  f_ = std::fopen(path.c_str(), "w");
  if (f_ == nullptr)
    throw std::runtime_error(path + ": cannot write");
}

history_log::~history_log() { close(); }

int64_t history_log::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0_).count();
}

void history_log::write(checker::event e) {
  std::lock_guard<std::mutex> g{m_};
  if (f_ == nullptr)
    return;
  e.time_ns = now_ns(); // under the lock, so the file's order is the order of the times
  auto line = checker::encode_event(e);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), f_);
}

void history_log::close() {
  std::lock_guard<std::mutex> g{m_};
  if (f_ != nullptr)
    std::fclose(f_);
  f_ = nullptr;
}

} // namespace samsa::cluster::experiment
