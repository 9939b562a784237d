#pragma once
// The plan of `samsa groups reset-offsets`: which offset each selected partition of a group gets, as Kafka's
// kafka-consumer-groups.sh --reset-offsets computes it. Pure: the bounds come in, the plan goes out; the
// command (tools/cli_groups.cpp) asks the broker for the bounds, prints the plan and, with --execute, applies it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace samsa::cli {

// Where to move the offsets to.
struct reset_spec {
  enum class kind { earliest, latest, offset, shift_by, datetime };
  kind what = kind::earliest;
  int64_t value = 0; // offset (offset), delta (shift_by), epoch milliseconds (datetime)
};

// One partition as the broker reports it: log start and end, the group's committed offset (if any) and, for
// a datetime reset, the first offset whose record timestamp is at or after the time (-1: none).
struct partition_bounds {
  std::string topic;
  int32_t partition = 0;
  int64_t log_start = 0;
  int64_t log_end = 0;
  std::optional<int64_t> committed;
  int64_t offset_at_time = -1;
};

struct reset_row {
  std::string topic;
  int32_t partition = 0;
  std::optional<int64_t> current; // committed now
  int64_t target = 0;
};

// The plan, or (in `error`) why there is none: a shift of a partition without a committed offset (Kafka
// refuses it too). Every target lies within [log_start, log_end] (out-of-range targets are clamped, as
// Kafka's tool does); a datetime after the last record moves to the log end.
struct reset_plan {
  std::vector<reset_row> rows;
  std::string error;
};
reset_plan plan_reset(const reset_spec& spec, const std::vector<partition_bounds>& partitions);

// --to-datetime: 'YYYY-MM-DDTHH:MM:SS[.sss]' with an optional 'Z' or '+HH:MM'/'-HH:MM' (without a zone:
// UTC), or epoch milliseconds. nullopt when it is neither.
std::optional<int64_t> parse_datetime_ms(const std::string& text);

// --topic T or --topic T:0,2,5 (Kafka's syntax: only those partitions). nullopt for a malformed value.
struct topic_selection {
  std::string topic;
  std::vector<int32_t> partitions; // empty: every partition
};
std::optional<topic_selection> parse_topic_selection(const std::string& text);

} // namespace samsa::cli
