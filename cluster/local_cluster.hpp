#pragma once
// The layout of a local cluster on loopback, as `samsa cluster start` builds it: which node gets which
// ports, directories and generated server.properties, and how a second start on the same directory brings
// the same cluster back. Pure: text in, text out; tools/cli_cluster_start.cpp does the files and processes.
//
// Ports from one base P (default 9092, so node 1 gets the single node's default ports):
//   node i (1..N): Kafka listener 127.0.0.1:P+i-1, native API (samsa.native.listener) 127.0.0.1:P+10000+i-1
// Nodes 1..N are voters (combined mode, process.roles=broker,controller): Kafka's documentation recommends 3
// or 5 controllers, so a local cluster has 1 to 5 of them. Nodes N+1..N+M (--brokers M, 0 to 8) are broker-only
// (process.roles=broker, KRaft's observers): they follow the metadata log as Raft learners, register as
// brokers and host replicas, but never vote; their number may change between starts (the voters may not).
//
// Directory D (default ./samsa-cluster):
//   D/samsa-cluster.properties   nodes=N, base.port=P: what a second start without options reuses
//   D/.lock                      held by the running `samsa cluster start`
//   D/node<i>/server.properties  generated at every start (edits are overwritten; use --set)
//   D/node<i>/data/              the node's log.dirs (kept across starts)
//   D/node<i>/broker.log         the node's stdout and stderr, appended
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace samsa::cluster {

constexpr int local_cluster_max_nodes = 5;   // voters
constexpr int local_cluster_max_brokers = 8; // broker-only nodes beside them
constexpr int local_cluster_default_nodes = 3;
constexpr int local_cluster_default_base_port = 9092;
constexpr int local_cluster_native_offset = 10000; // native port = Kafka port + this
constexpr int local_cluster_http_offset = 552;      // HTTP (metrics) port = Kafka port + this (9092 -> 9644)
constexpr const char* local_cluster_marker_file = "samsa-cluster.properties";

// One node of the layout. Paths are D joined with the names above (D as given to plan_local_cluster).
struct local_node {
  int32_t id = 0;
  bool voter = true;      // false: process.roles=broker (a learner of the metadata quorum)
  uint16_t kafka_port = 0;
  uint16_t native_port = 0;
  uint16_t http_port = 0; // samsa.http.listener (Prometheus /metrics)
  std::string dir;        // D/node<i>
  std::string data_dir;   // D/node<i>/data
  std::string properties; // D/node<i>/server.properties
  std::string log;        // D/node<i>/broker.log
};

struct local_cluster {
  std::string dir;
  int nodes = 0;   // voters: node ids 1..nodes
  int brokers = 0; // broker-only nodes: ids nodes+1..nodes+brokers
  int base_port = 0;
  std::vector<local_node> node_list;
  std::vector<std::pair<std::string, std::string>> extra; // --set key=value, for every node

  int total() const { return nodes + brokers; }
  // controller.quorum.voters: "1@127.0.0.1:P+10000,2@..." (the voters only).
  std::string voters() const;
  // Kafka bootstrap servers of every node: "127.0.0.1:P,127.0.0.1:P+1,...".
  std::string bootstrap_servers() const;
  // The generated server.properties of node `n` (commented; `samsa broker --config` reads it).
  std::string node_properties(const local_node& n) const;
  // The marker file's text.
  std::string marker() const;
};

// What the command line asked for and what the directory already holds (the marker, when present).
struct local_cluster_request {
  std::string dir;
  std::optional<long long> nodes;
  std::optional<long long> brokers;
  std::optional<long long> base_port;
  std::vector<std::string> sets;   // "key=value"
  std::optional<std::string> marker; // text of D/samsa-cluster.properties
};

struct local_cluster_plan {
  local_cluster cluster;
  std::string error; // empty when the plan is usable
  bool ok() const { return error.empty(); }
};

// The layout for a request: node count and base port from the options, else from the marker, else the
// defaults. Refused with a reason: a node count outside 1..5, ports beyond 65535, a marker naming another
// node count than --nodes (the voter set of existing data would change), a malformed marker, a --set that
// is not key=value or names a key the layout owns (node.id, process.roles, listeners, advertised.listeners,
// samsa.native.listener, log.dirs, controller.quorum.voters).
local_cluster_plan plan_local_cluster(const local_cluster_request& req);

} // namespace samsa::cluster
