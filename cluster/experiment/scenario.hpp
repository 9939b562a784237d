#pragma once
// A failure-injection experiment's scenario (docs/experiments.md "Scenario files"): the cluster (node count,
// broker configuration), the topics, the workload (producers, assign consumers) and the faults, fixed at
// times or drawn at random intervals, each aimed at a role resolved when it fires (roles.hpp).
//
// Owns: plain values only. parse_scenario reads TOML (toml++) and validates everything a run would
// otherwise trip over later: unknown keys, wrong types, values out of range, references to topics or
// partitions that do not exist, a replication factor above the node count. Every refusal is a
// scenario_error whose message starts with "FILE:LINE:" and says what is wrong. No I/O except
// load_scenario, no clock, no actors.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace samsa::cluster::experiment {

class scenario_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// What a fault does to the nodes it targets, and how it heals after `duration`:
//   kill             kill -9, restart        pause  SIGSTOP, SIGCONT
//   stop             SIGTERM (controlled shutdown), wait for the exit, restart
//   rolling_restart  every node in turn: SIGTERM, restart, wait until the cluster is healthy (target ignored)
//   network partitions (each node in its own network namespace; packets dropped by nftables, see
//   net_plan.hpp and docs/experiments.md), healed by removing the drops:
//   isolate, split   the target nodes and the rest cannot reach each other (isolate: typically one node,
//                    split: a minority or majority against the rest)
//   ring             a ring of majorities: every node hears a majority, no two the same one (target ignored)
//   one_way          the rest no longer hear the target nodes; the targets still hear them ("one-way")
//   disk_full        the target nodes' data directories (each a tmpfs of [cluster] data_disk_mb, needs root)
//                    filled to the last byte by a filler file; healed by deleting it ("disk-full")
//   clock            the target nodes' wall clocks shifted by offset_ms (libfaketime, clock_skew.hpp), set
//                    back at the heal; their monotonic clocks stay real
enum class fault_kind { kill, pause, stop, rolling_restart, isolate, split, ring, one_way, disk_full, clock };
const char* to_string(fault_kind k);
std::optional<fault_kind> fault_kind_from(const std::string& s);
bool is_network_fault(fault_kind k);
bool is_disk_fault(fault_kind k);
bool is_clock_fault(fault_kind k);
bool targets_every_node(fault_kind k); // rolling_restart, ring: the target defaults to "all" and is ignored

// Whom a fault hits, resolved when it fires (roles.hpp):
//   leader, follower   the leader / a random in-sync... (any) follower of topic/partition, from Metadata
//   quorum_leader      the metadata quorum's leader (the active controller)
//   random             any node that is up;  minority / majority  (n-1)/2 / n/2+1 random nodes that are up
//   node               node `node`;  all  every node
//   coordinator        the group coordinator of consumer group `group` (FindCoordinator, via the admin API)
enum class role_kind { leader, follower, quorum_leader, random, minority, majority, node, all, coordinator };
const char* to_string(role_kind r);
std::optional<role_kind> role_kind_from(const std::string& s);

struct target_spec {
  role_kind role = role_kind::leader;
  std::string topic;     // leader, follower
  int32_t partition = 0; // leader, follower
  int32_t node = -1;     // node
  std::string group;     // coordinator
  std::string str() const; // "leader of t-0", "quorum-leader", "node 2", "coordinator of g"
};

struct fault_spec {
  fault_kind kind = fault_kind::kill;
  target_spec target;
  double at_s = 0;       // seconds after the workload started
  double duration_s = 0; // until the heal (restart, SIGCONT)
  int64_t offset_ms = 0;  // clock: the shift of the wall clock (negative: backwards); 0 for other kinds
  size_t line = 0;
};

// Faults drawn from a seed: from `start_s`, one after another (never two at once): a kind and a target
// drawn uniformly, a duration in [min_duration_s, max_duration_s], then a pause in
// [min_interval_s, max_interval_s] after its heal before the next. A clock fault's offset is drawn from
// `offsets_ms` (required when `kinds` has clock).
struct random_faults {
  std::vector<fault_kind> kinds;
  std::vector<target_spec> targets;
  std::vector<int64_t> offsets_ms;
  double start_s = 5;
  double min_interval_s = 5, max_interval_s = 10;
  double min_duration_s = 2, max_duration_s = 6;
  size_t line = 0;
};

struct topic_spec {
  std::string name;
  int32_t partitions = 1;
  int32_t replication_factor = 3;
  std::map<std::string, std::string> config; // topic-level keys, as CreateTopics sends them
  size_t line = 0;
};

// `count` librdkafka producers, each writing unique values at `rate` records/s with at most `max_in_flight`
// records outstanding; a record goes to the partition of its key (murmur2, as Java) when keys > 0 (key
// "k<i mod keys>"), else to the partitions in turn.
struct producer_spec {
  std::string topic;
  int count = 1;
  int acks = -1; // -1 all, 0, 1
  bool idempotent = true;
  double rate = 100;
  int keys = 0;
  int max_in_flight = 5;
  std::map<std::string, std::string> config; // extra librdkafka settings
  size_t line = 0;
};

// `count` consumers polling throughout: with an empty `group`, each assigned every partition of the topic
// from the beginning; with a group, members of that consumer group (subscribe, rebalance callbacks, explicit
// synchronous commits of what they read), docs/experiments.md.
struct consumer_spec {
  std::string topic;
  int count = 1;
  std::string group; // empty: assign
  size_t line = 0;
};

struct scenario {
  std::string name; // the file's stem unless given
  std::string description;
  std::string source; // the file, for messages
  double duration_s = 60;         // the workload with its faults
  double recovery_s = 5;          // writing on after every fault healed and the cluster is healthy
  double recovery_timeout_s = 60; // at most this long for the cluster to become healthy again
  double final_read_timeout_s = 60;
  int nodes = 3;
  std::map<std::string, std::string> node_config; // server.properties keys for every node
  int data_disk_mb = 0; // > 0: each node's data directory is a tmpfs of this size (needs root); disk-full needs it
  std::vector<topic_spec> topics;
  std::vector<producer_spec> producers;
  std::vector<consumer_spec> consumers;
  std::vector<fault_spec> faults;
  std::optional<random_faults> random;

  bool unsafe() const { return name.rfind("unsafe-", 0) == 0; } // expected to show anomalies
  const topic_spec* topic(const std::string& name) const;
  bool has_group(const std::string& group) const; // a [[consumer]] is a member of it
  bool has_disk_faults() const;                   // a [[fault]] or [random_faults] kind is disk-full
  bool has_clock_faults() const;                  // a [[fault]] or [random_faults] kind is clock
};

scenario parse_scenario(const std::string& text, const std::string& source, const std::string& default_name = "");
scenario load_scenario(const std::string& path); // the name defaults to the file's stem

} // namespace samsa::cluster::experiment
