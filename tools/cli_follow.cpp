#include "tools/cli_follow.hpp"

#include <algorithm>

namespace samsa::cli {

reconnect_backoff::reconnect_backoff(std::chrono::milliseconds first, std::chrono::milliseconds cap)
  : first_(first), cap_(std::max(cap, first)), current_(first) {}

std::chrono::milliseconds reconnect_backoff::next() {
  auto wait = current_;
  current_ = std::min(cap_, current_ * 2);
  ++attempts_;
  return wait;
}

void reconnect_backoff::reset() {
  current_ = first_;
  attempts_ = 0;
}

void printed_positions::printed(int32_t partition, int64_t offset) {
  auto& at = next_.try_emplace(partition, offset + 1).first->second;
  at = std::max(at, offset + 1);
}

int64_t printed_positions::next(int32_t partition) const {
  auto it = next_.find(partition);
  return it == next_.end() ? -1 : it->second;
}

int64_t printed_positions::resume_at(int32_t partition, int64_t start) const {
  return std::max(start, next(partition));
}

std::string lost_broker_line(const std::string& address, const std::string& why, bool reconnecting) {
  return "lost the broker at " + address + " (" + why + ")" + (reconnecting ? "; reconnecting" : "");
}

std::string resume_line(const std::string& topic, const std::vector<std::pair<int32_t, int64_t>>& positions,
                        const std::string& prefix) {
  if (positions.empty())
    return prefix + "no partition of " + topic + " to resume";
  std::string s = prefix + "resuming ";
  for (size_t i = 0; i < positions.size(); ++i)
    s += (i == 0 ? "" : ", ") + topic + "-" + std::to_string(positions[i].first) + " at offset "
         + std::to_string(positions[i].second);
  return s;
}

bool follow_retries(api_errc e) {
  switch (e) {
    case api_errc::request_timed_out:
    case api_errc::broker_shutting_down:
    case api_errc::not_leader_or_follower:
    case api_errc::leader_not_available:
      return true;
    default:
      return false;
  }
}

} // namespace samsa::cli
