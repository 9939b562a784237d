#pragma once
// `samsa consume --offset earliest|latest|N|-N|@TIMESTAMP_MS`: where reading starts in each partition,
// parsed and resolved by plain functions (unit-tested in tests/tools); the consume command asks the broker
// for the bounds and the timestamp lookup and calls resolve_start.
#include <cstdint>
#include <optional>
#include <string>

namespace samsa::cli {

struct offset_spec {
  enum class kind {
    earliest,   // the log start
    latest,     // the log end: only records produced from now on
    absolute,   // N: offset N (past the end: the end)
    from_end,   // -N: N records before the end (before the log start: the log start)
    timestamp,  // @TS: the first record with a timestamp >= TS (none: the end)
  };
  kind what = kind::latest;
  int64_t value = 0; // N, or TS
};

// The spec, or nullopt with `error` saying what is accepted.
std::optional<offset_spec> parse_offset_spec(const std::string& s, std::string& error);

// What the broker says about one partition: its log start and end offsets and, for a timestamp spec, the
// offset the timestamp lookup answered (-1: no record at or after the timestamp).
struct partition_bounds {
  int64_t log_start = 0;
  int64_t log_end = 0;
  int64_t timestamp_offset = -1;
};

// The offset to start reading at, always within [log_start, log_end].
int64_t resolve_start(const offset_spec& spec, const partition_bounds& b);

} // namespace samsa::cli
