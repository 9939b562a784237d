#pragma once
// What the runner learns about the cluster while it runs: partition leaders and ISRs from Kafka Metadata
// (librdkafka), the quorum leader and the brokers' fencing from `samsa cluster status --output json` of a
// node (the native API; Kafka's Metadata names no Raft leader), and whether the cluster is healthy.
#include <librdkafka/rdkafka.h>

#include <string>
#include <vector>

#include "cluster/experiment/roles.hpp"
#include "tools/experiment/processes.hpp"

namespace samsa::experiment {

// A librdkafka handle for Metadata and CreateTopics (a producer that never produces).
class probe {
public:
  probe(node_set& nodes); // throws std::runtime_error
  ~probe();
  probe(const probe&) = delete;
  probe& operator=(const probe&) = delete;

  // Nodes up (running, not paused), partitions from Metadata, the quorum leader from a node's status, the
  // coordinator of each of `groups` (FindCoordinator, through librdkafka's DescribeConsumerGroups).
  cluster::experiment::cluster_snapshot snapshot(const std::set<int32_t>& faulted,
                                                 const std::vector<std::string>& groups = {});
  // Every node running and unpaused, every broker registered and unfenced, no partition under-replicated or
  // offline (as a node's image says), every partition led in Metadata. `why` says what is missing.
  bool healthy(std::string& why);
  // Creates the topic (retried until a controller takes it), true once Metadata shows it.
  bool create_topic(const cluster::experiment::topic_spec& t, double timeout_s, std::string& why);

private:
  // The node coordinating `group` now, -1 when no broker names one within a few seconds.
  int32_t coordinator(const std::string& group);

  node_set& nodes_;
  rd_kafka_t* rk_ = nullptr;
};

} // namespace samsa::experiment
