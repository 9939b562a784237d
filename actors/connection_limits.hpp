#pragma once
// Connection accounting for the Kafka listener, as plain logic (no CAF, no sockets) so it is tested in
// microseconds: the per-address and total connection counts behind max.connections and
// max.connections.per.ip, the rate limit of the listener's operator log lines, and the process's
// file-descriptor budget (RLIMIT_NOFILE).
//
// Owned by the listener's acceptor (kafka_listener.cpp), which runs on the multiplexer thread: nothing
// here is thread-safe, nothing needs to be.
#include <cstdint>
#include <string>
#include <unordered_map>

namespace samsa::actors {

// Counts open connections in total and per peer address. Invariant: total() is the sum of the per-address
// counts; an address with no connection has no entry (so a scan of many one-off clients does not grow it).
class connection_limits {
public:
  connection_limits(int64_t max_total, int64_t max_per_ip) : max_total_(max_total), max_per_ip_(max_per_ip) {}

  // Counts a new connection from `ip` unless that address already has max.connections.per.ip; false means
  // refuse it (Kafka closes such a connection at once). The total limit is not checked here: the listener
  // stops accepting at max.connections instead (see at_total_limit), as Kafka's acceptor blocks.
  bool admit(const std::string& ip);
  // A counted connection from `ip` has ended.
  void release(const std::string& ip);

  bool at_total_limit() const { return total_ >= max_total_; }
  int64_t total() const { return total_; }
  int64_t from(const std::string& ip) const;
  int64_t max_total() const { return max_total_; }
  int64_t max_per_ip() const { return max_per_ip_; }

private:
  int64_t max_total_;
  int64_t max_per_ip_;
  int64_t total_ = 0;
  std::unordered_map<std::string, int64_t> per_ip_;
};

// Rate limit for one kind of log line: the first event prints at once, later events within `window_ms` of
// the last printed line are only counted, and the count is reported by the next printed line (or by flush,
// which the owner calls from a timer so a flood that stops is still summed up).
class log_rate_limit {
public:
  explicit log_rate_limit(int64_t window_ms) : window_ms_(window_ms) {}

  // True when the caller should print its line now; *suppressed is then the number of events swallowed
  // since the previous printed line (0 otherwise).
  bool should_log(int64_t now_ms, int64_t* suppressed);
  // Events swallowed since the last printed line, reset to 0: for a "N more in the last 10 s" line.
  int64_t take_suppressed();
  int64_t suppressed() const { return suppressed_; }
  int64_t window_ms() const { return window_ms_; }

private:
  int64_t window_ms_;
  bool logged_ = false;
  int64_t last_logged_ms_ = 0;
  int64_t suppressed_ = 0;
};

// Raises the soft RLIMIT_NOFILE to the hard limit (each partition holds three descriptors per segment and
// each connection one, so 2,000 partitions already need 6,000 while many systems start processes at
// 1,024) and logs the result at info level. Returns the soft limit in force afterwards.
int64_t raise_open_files_limit();

// The current soft RLIMIT_NOFILE.
int64_t open_files_limit();

// The lowest descriptor number not in use (what the next accept() or open() would get). Since the kernel
// always hands out the lowest free number, a value near the limit means the process is nearly out of
// descriptors. One dup/close pair: cheap enough to call per accepted connection.
int64_t lowest_free_descriptor();

} // namespace samsa::actors
