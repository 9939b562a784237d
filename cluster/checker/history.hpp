#pragma once
// The history of a failure-injection experiment (docs/experiments.md "History format"), as Jepsen records
// one: every client operation is an `invoke` event followed, on the same process, by its completion (`ok`,
// `fail`: definitely not applied, or `info`: indeterminate, as after a timeout, a disconnect or
// NOT_LEADER_OR_FOLLOWER), with the offsets the client saw. Observations that are not calls stand alone
// on one line: a consumer group member's assignment (`rebalance`, type ok), the start or stop of a fault
// (`fault`, type info) and a partition's leader as the runner's probe saw it change (`leader`, type info). A history file holds one event per line as a JSON object (JSON lines).
//
// Owns: plain values only. `history` is the list of events in the order they happened (the runner writes
// each as it happens, so a later line never happened before an earlier one); `pair_ops` matches each
// invoke with its completion. No I/O except `read_history_file`, no clock, no actors.
// Invariants checked by pair_ops: a process has at most one operation open at a time, a completion has the
// f of the invoke it completes, time never runs backwards within an operation, every fault stop follows a
// start of the same name. An invoke never completed by the end of the history counts as `info`.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace samsa::cluster::checker {

// A malformed history: `what()` names the line (1-based) and what is wrong with it.
class history_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

enum class event_type { invoke, ok, fail, info };
enum class op_f { send, poll, assign, commit, rebalance, fault, leader };

const char* to_string(event_type t);
const char* to_string(op_f f);

struct topic_partition {
  std::string topic;
  int32_t partition = 0;
  std::string str() const { return topic + "-" + std::to_string(partition); } // Kafka's "orders-3"
  friend bool operator<(const topic_partition& a, const topic_partition& b) {
    return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
  }
  friend bool operator==(const topic_partition& a, const topic_partition& b) {
    return a.topic == b.topic && a.partition == b.partition;
  }
};

// One record a poll returned.
struct record_read {
  topic_partition tp;
  int64_t offset = 0;
  std::string value;
};

// A committed offset (commit: what the member asked to commit; rebalance: what it fetched as committed).
struct partition_offset {
  topic_partition tp;
  int64_t offset = 0;
};

// The process of fault and leader annotations: the nemesis (the runner), not a client.
constexpr int64_t nemesis_process = -1;

// One line of a history. Which fields matter depends on f and type (docs/experiments.md):
//   send     invoke: tp, value                  ok: offset (absent: acks=0, unknown)
//   poll     invoke: -                          ok (also info): reads, in the order returned
//   assign   invoke: partitions, seek_to_beginning
//   commit   invoke: group, offsets
//   rebalance   ok (one line): group, generation, member, partitions, offsets (committed, as fetched)
//   fault     info (one line): fault_name, fault_start, fault_target
//   leader    info (one line): tp, leader (-1: none) as Metadata named it
// Completions of fail/info may carry `error`, the client's error name.
struct event {
  int64_t process = 0; // client id; nemesis_process for faults
  event_type type = event_type::invoke;
  op_f f = op_f::send;
  int64_t time_ns = 0; // since the start of the run
  topic_partition tp;
  std::string value;
  std::optional<int64_t> offset;
  std::vector<record_read> reads;
  std::vector<topic_partition> partitions;
  bool seek_to_beginning = false;
  std::string group;
  std::string member;
  int32_t generation = -1;
  std::vector<partition_offset> offsets;
  std::string fault_name;
  std::string fault_target;
  bool fault_start = true;
  int32_t leader = -1; // leader: the partition's leader node, -1 when Metadata named none
  std::string error;
  size_t line = 0; // 1-based line of the file it was read from; 0 when built in code
};

struct history {
  std::vector<event> events;
  std::string source = "history"; // the file it was read from, for messages
};

// One operation: an invoke and its completion, or a one-line observation (rebalance, fault, leader), as indexes
// into history::events. `type` is the completion's (info for an invoke never completed).
struct op {
  op_f f = op_f::send;
  int64_t process = 0;
  event_type type = event_type::info;
  size_t invoke = 0;     // the invoke event, or the observation itself
  size_t completion = 0; // the completion event; == invoke for an observation
  bool completed = true; // false: the history ended while this op was open
  int64_t invoke_ns = 0;
  int64_t completion_ns = 0;
};

// The operations of a history in the order of their first event. Throws history_error.
std::vector<op> pair_ops(const history& h);

// Where event `i` is, for messages: "SOURCE line N" ("SOURCE event N" for a history built in code).
std::string where(const history& h, size_t i);

// JSON lines. decode_history throws history_error naming the line for a line that is not a JSON object, an
// unknown type or f, a missing field or a field of the wrong type; blank lines are skipped and unknown
// fields ignored. `source` names the input in messages ("run1/history.jsonl").
std::string encode_event(const event& e); // one line, no newline
std::string encode_history(const history& h);
history decode_history(const std::string& text, const std::string& source = "history");
history read_history_file(const std::string& path); // throws history_error when unreadable too

} // namespace samsa::cluster::checker
