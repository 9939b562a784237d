#include "actors/connection_limits.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

namespace samsa::actors {

bool connection_limits::admit(const std::string& ip) {
  auto i = per_ip_.find(ip);
  if (i != per_ip_.end() && i->second >= max_per_ip_)
    return false;
  if (i == per_ip_.end())
    per_ip_.emplace(ip, 1);
  else
    ++i->second;
  ++total_;
  return true;
}

void connection_limits::release(const std::string& ip) {
  auto i = per_ip_.find(ip);
  if (i == per_ip_.end())
    return;
  --total_;
  if (--i->second <= 0)
    per_ip_.erase(i);
}

int64_t connection_limits::from(const std::string& ip) const {
  auto i = per_ip_.find(ip);
  return i == per_ip_.end() ? 0 : i->second;
}

bool log_rate_limit::should_log(int64_t now_ms, int64_t* suppressed) {
  *suppressed = 0;
  if (logged_ && now_ms - last_logged_ms_ < window_ms_) {
    ++suppressed_;
    return false;
  }
  logged_ = true;
  last_logged_ms_ = now_ms;
  *suppressed = take_suppressed();
  return true;
}

int64_t log_rate_limit::take_suppressed() {
  auto n = suppressed_;
  suppressed_ = 0;
  return n;
}

int64_t open_files_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0)
    return -1;
  return lim.rlim_cur == RLIM_INFINITY ? INT64_MAX : static_cast<int64_t>(lim.rlim_cur);
}

int64_t raise_open_files_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    spdlog::warn("cannot read the open files limit (RLIMIT_NOFILE): {}", std::strerror(errno));
    return -1;
  }
  auto before = lim.rlim_cur;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
      spdlog::warn("cannot raise the open files limit (RLIMIT_NOFILE) from {} to {}: {}", before, lim.rlim_max,
                   std::strerror(errno));
      lim.rlim_cur = before;
    }
  }
  if (lim.rlim_cur != before)
    spdlog::info("open files limit (RLIMIT_NOFILE): {} (raised from {})", lim.rlim_cur, before);
  else
    spdlog::info("open files limit (RLIMIT_NOFILE): {} (the hard limit)", lim.rlim_cur);
  return lim.rlim_cur == RLIM_INFINITY ? INT64_MAX : static_cast<int64_t>(lim.rlim_cur);
}

int64_t lowest_free_descriptor() {
  int fd = ::fcntl(0, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    if (errno == EBADF)
      return 0; // stdin is closed: descriptor 0 itself is free
    return errno == EMFILE ? open_files_limit() : -1; // EMFILE: none free at all
  }
  ::close(fd);
  return fd;
}

} // namespace samsa::actors
