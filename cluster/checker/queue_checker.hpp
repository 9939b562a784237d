#pragma once
// The checker of an experiment's history: Jepsen's Kafka queue workload anomalies (jepsen.tests.kafka, the
// order-based checks, no Elle cycles), consumer groups' ownership and committed offsets, and write
// availability. Each anomaly's definition as implemented is in docs/experiments.md "Anomalies"; in short:
//
// Version order. Per partition, every (offset, value) any poll returned (whatever its completion) and every
// acknowledged offset of a send that must have committed (ok, or info and its value was read by an ok
// poll) is one observation. The offsets that hold at least one value, in order, get dense indexes 0, 1, ...:
// offsets nobody saw (gaps of the log: repaired damage, never-acknowledged writes) are not counted, so
// reading across them is not a skip, while reading across an offset someone else saw is.
//
//   inconsistent-offsets   one offset of a partition holds two values
//   duplicate              one value at two offsets of a partition
//   G1a                    an ok poll read a value whose send completed fail
//   lost-write             a value that must have committed, whose last index is at or below the highest
//                          first index of any value an ok poll read in that partition, was never read
//   unseen                 an ok send's value was never read by any ok poll
//   poll-skip              a process's ok poll starts more than one index after where its previous ok poll
//                          of that partition ended
//   nonmonotonic-poll      ... starts at or before it
//   int-poll-skip          two consecutive reads of a partition in one poll are more than one index apart
//   int-nonmonotonic-poll  ... go back or repeat
//   nonmonotonic-send      a process's send lands at or below the index of its previous send to that partition
//   double-ownership       two members of a group own one partition in the same generation
//   backwards-commit       a group's committed offset for a partition, observed by an ok commit or fetched at
//                          a rebalance, is below that of an ok commit that completed before it started
//
// A process's poll history restarts (nothing to compare with) after its rebalance, after an assign with
// seek_to_beginning, for a partition an assign drops; a poll open while its process rebalanced is exempt.
//
// Pure: a history in, a result out. Throws history_error for a malformed history.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cluster/checker/availability.hpp"
#include "cluster/checker/history.hpp"

namespace samsa::cluster::checker {

struct check_options {
  size_t max_examples = 8; // examples kept per anomaly; the count is always complete
};

// An operation named by an example: where its events are (1-based line, or event number for a history
// built in code, which is the line it gets when encoded).
struct op_ref {
  int64_t process = 0;
  op_f f = op_f::send;
  event_type type = event_type::info;
  size_t invoke_line = 0;
  size_t completion_line = 0;
  int64_t invoke_ns = 0;
  int64_t completion_ns = 0;
};

struct anomaly_example {
  std::string partition;   // "orders-3"; empty when the example is not about one partition
  std::string explanation; // one sentence
  std::vector<std::string> values;
  std::vector<int64_t> offsets;
  std::vector<op_ref> ops;
};

struct anomaly {
  size_t count = 0;
  std::vector<anomaly_example> examples; // the first check_options::max_examples
};

struct op_counts {
  size_t ok = 0;
  size_t fail = 0;
  size_t info = 0; // indeterminate, including operations never completed
};

struct check_result {
  bool valid = true;                        // no anomaly
  std::map<std::string, anomaly> anomalies; // by name, only those found
  std::map<std::string, op_counts> ops;     // by f (send, poll, assign, commit, rebalance, fault)
  size_t events = 0;
  availability_report availability;
};

// Every anomaly name the checker reports, in the order of the header comment.
const std::vector<std::string>& anomaly_names();

check_result check(const history& h, const check_options& options = {});
check_result check_history_file(const std::string& path, const check_options& options = {});

// For scripts: one JSON object (docs/experiments.md "Summary"): valid, anomaly_types, anomalies (count and
// examples each), ops, availability (times in milliseconds).
std::string to_json(const check_result& r);
// For people: the verdict, each anomaly with its examples, the availability figures.
std::string to_text(const check_result& r);

} // namespace samsa::cluster::checker
