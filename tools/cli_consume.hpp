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

// SIGINT and SIGTERM, while one lives, only set a flag (stop_requested): the consumer finishes the fetch
// or reconnect wait it is in (a fraction of a second), then exits 0 (in a group: after committing and
// leaving).
class stop_signals {
public:
  stop_signals();
  ~stop_signals();
  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

private:
  void (*old_int_)(int);
  void (*old_term_)(int);
};
bool stop_requested();

// Why a monitored broker went away (its down message's reason), for lost_broker_line.
std::string lost_reason(const caf::error& reason);

// --follow after the broker was lost (lost_broker_line printed): connects to --broker again, waiting the
// delays of reconnect_backoff between attempts, until it answers (its new handle, monitored by `self`) or
// the user stops the command (nullopt, promptly: the waits are sliced to see Ctrl-C).
std::optional<broker_actor> reconnect(caf::scoped_actor& self, const args& a);

// `samsa consume --group G`: joins G (the native group consumer), prints the records of the partitions
// assigned to it from the group's committed offsets (plan.start: where a partition without one starts),
// commits what was printed and leaves the group on exit (the end of the log without --follow,
// --max-messages, Ctrl-C or SIGTERM). With --follow a lost broker is reconnected (`a` names it) and the
// group rejoined, nothing printed twice.
int consume_in_group(caf::scoped_actor& self, broker_actor broker, const args& a, const std::string& group,
                     const consume_plan& plan, const record_printer& printer);

} // namespace samsa::cli
