#pragma once
// `samsa consume`: the pieces its two modes share (cli_consume.cpp reads chosen partitions from chosen
// offsets; cli_consume_group.cpp reads as a member of a consumer group and commits).
#include <cstdint>
#include <optional>
#include <string>

#include "tools/cli_common.hpp"
#include "tools/cli_offset_spec.hpp"
#include "tools/cli_record_format.hpp"

namespace samsa::cli {

// How each record is printed: --format, --output json, or the default value line (with --print-key and
// --print-offset, as Kafka's console consumer prints them).
struct record_printer {
  enum class mode { plain, format, json };
  mode how = mode::plain;
  record_format format;
  bool print_key = false;
  bool print_offset = false;
  std::string separator = "\t";

  // The record's line, newline included (--format: exactly what the format says).
  std::string line(const located_record& x) const;
};

// The printer the options ask for; nullopt (after printing why) for a bad or contradictory choice.
std::optional<record_printer> make_printer(const args& a);

// What one `samsa consume` run reads and how it stops.
struct consume_plan {
  std::string topic;
  offset_spec start;          // --offset, --from-beginning (earliest), default latest
  int64_t max_messages = -1;  // --max-messages; -1: no limit
  bool follow = false;        // --follow: keep waiting at the end of the log
};

// `samsa consume --group G`: joins G (the native group consumer), prints the records of the partitions
// assigned to it from the group's committed offsets (plan.start: where a partition without one starts),
// commits what was printed and leaves the group on exit (the end of the log without --follow,
// --max-messages, Ctrl-C or SIGTERM).
int consume_in_group(caf::scoped_actor& self, const broker_actor& broker, const std::string& group,
                     const consume_plan& plan, const record_printer& printer);

} // namespace samsa::cli
