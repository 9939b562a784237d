#pragma once
// `samsa consume --follow` across a broker restart: the decisions, without I/O. The consumer notices the
// lost connection (the broker's proxy goes down), says so once, reconnects after the delays of
// reconnect_backoff and resumes every partition at the offset after the last record it printed
// (printed_positions: nothing printed twice, nothing skipped). The glue (signals, connecting, fetching) is
// in cli_consume.cpp and cli_consume_group.cpp.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "messages/native_errors.hpp"

namespace samsa::cli {

// The waits between reconnect attempts: `first`, then doubling, never above `cap` (so a restarted broker is
// found at most `cap` after it listens again). Attempts are not counted against a limit: --follow waits
// until the broker is back or the user stops it.
class reconnect_backoff {
public:
  explicit reconnect_backoff(std::chrono::milliseconds first = std::chrono::milliseconds(100),
                             std::chrono::milliseconds cap = std::chrono::seconds(2));
  // The wait before the next attempt.
  std::chrono::milliseconds next();
  // A connection succeeded: the next loss starts again at `first`.
  void reset();
  int attempts() const { return attempts_; }

private:
  std::chrono::milliseconds first_, cap_, current_;
  int attempts_ = 0;
};

// Per partition, the offset after the last record printed. Only moves forward. After a reconnect a
// partition resumes here; in a group, where the group's commit is behind it (the last commit was lost with
// the broker), the records below it are fetched again and dropped instead of printed twice.
class printed_positions {
public:
  // Records up to `offset` of `partition` were printed.
  void printed(int32_t partition, int64_t offset);
  // The offset after the last record printed of `partition`, or -1 when none was.
  int64_t next(int32_t partition) const;
  // Whether the record at `offset` still has to be printed.
  bool fresh(int32_t partition, int64_t offset) const { return offset >= next(partition); }
  // Where a partition the group hands over at `start` (its committed offset) really resumes: past what this
  // consumer printed already.
  int64_t resume_at(int32_t partition, int64_t start) const;

private:
  std::map<int32_t, int64_t> next_;
};

// "lost the broker at ADDR (WHY); reconnecting" (--follow) or "lost the broker at ADDR (WHY)" (an error
// without it).
std::string lost_broker_line(const std::string& address, const std::string& why, bool reconnecting);

// "reconnected; resuming t-0 at offset 10, t-1 at offset 7" (`prefix` replaces "reconnected; ").
std::string resume_line(const std::string& topic, const std::vector<std::pair<int32_t, int64_t>>& positions,
                        const std::string& prefix = "reconnected; ");

// Whether a fetch answered with `e` is retried (after a backoff) by --follow rather than ending the command:
// a partition whose leadership is moving or a broker that cannot answer in time.
bool follow_retries(api_errc e);

} // namespace samsa::cli
