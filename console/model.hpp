#pragma once
// The JSON the console's pages fetch, rendered from what the node's actors answered (native API types) and
// the console's history. Pure: node_console (actors/) gathers the inputs with timeouts, these functions only
// shape them, so every field is checked by doctest (tests/console) without a broker.
//
// Lag, here as in Kafka's kafka-consumer-groups, is the partition's high watermark (the end a consumer can
// read to) minus the group's committed offset, at least 0; unknown (null) where this node does not know
// the partition's offsets (a cluster node knows those of the partitions it leads).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/config_describe.hpp"
#include "console/history.hpp"
#include "messages/native_api.hpp"

namespace samsa::console {

struct node_row {
  int32_t id = -1;
  bool fenced = false;
  std::string kafka;  // host:port of its Kafka listener ("" unknown)
};

struct quorum_row {
  int32_t leader = -1; // -1: none known
  int64_t term = 0;
  std::string role;    // this node's role: leader, follower, candidate, learner, ...
  bool voter = true;
};

struct overview_model {
  int32_t node_id = -1;
  std::string cluster_id;
  bool clustered = false;
  std::vector<node_row> nodes;       // the image's brokers on a cluster, this node alone otherwise
  std::optional<quorum_row> quorum;  // a cluster node's quorum member
  std::vector<topic_description> topics;
  std::map<std::string, topic_rates> rates; // topics with two readings
  int64_t rate_window_ms = 0;
  std::vector<group_info> groups;    // described (committed offsets) where the answer came in time
  bool complete = true;              // every actor answered in time
};

struct topic_model {
  int32_t node_id = -1;
  bool clustered = false;
  topic_description topic;
  std::vector<cluster::config_entry> configs; // effective configs (cluster/config_describe)
};

struct group_model {
  group_info group;
  std::vector<topic_description> topics; // for the partitions' high watermarks
  std::map<std::pair<std::string, int32_t>, std::vector<lag_sample>> history;
  int32_t node_id = -1;
  bool clustered = false;
};

// Whether this node knows a partition's log offsets: always on a single node; on a cluster only for the
// partitions it leads (cluster describe fills in only those).
bool offsets_known(const partition_state& p, int32_t node_id, bool clustered);

// The group's lag on one partition, nullopt when the end or the committed offset is unknown.
std::optional<int64_t> partition_lag(const std::vector<topic_description>& topics, int32_t node_id, bool clustered,
                                     const partition_offset& committed);

std::string overview_json(const overview_model& m);
std::string topic_json(const topic_model& m);
std::string groups_json(const std::vector<group_info>& groups, const std::vector<topic_description>& topics,
                        int32_t node_id, bool clustered);
std::string group_json(const group_model& m);
// {"error": message}, the body of every 4xx/5xx answer of the JSON endpoints.
std::string error_json(const std::string& message);

const char* source_label(cluster::config_source s);

} // namespace samsa::console
