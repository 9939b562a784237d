#pragma once

// Metadata (key 3), versions 0-12 (v9+ flexible). Field history per Kafka's schema:
// request v1+ topics nullable (null = all topics; in v0 an EMPTY array means all), v4
// allow_auto_topic_creation, v8 include_{cluster,topic}_authorized_operations (cluster: v8-10 only),
// v10 topic_id per requested topic with the name nullable. Response v1 rack, controller_id, is_internal;
// v2 cluster_id; v3 throttle_time_ms; v5 offline_replicas; v7 leader_epoch; v8 topic/cluster authorized
// operations (cluster: v8-10 only); v10 topic_id; v12 the topic name nullable (a topic asked by an unknown
// id).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/uuid.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// Metadata request. `topics` null means "all topics" (v1+); in v0 the wire cannot say null
/// and an empty array means all, so use wants_all_topics() rather than testing `topics`.
/// From v10 each requested topic is a (topic id, nullable name) pair: `topics` holds the names, `topic_ids`
/// the ids of the entries that came without a name (a lookup by id); an entry with a name is asked by name.
struct metadata_request {
  std::optional<std::vector<std::string>> topics;
  std::vector<uuid> topic_ids;                        // v10+: topics asked by id alone
  bool allow_auto_topic_creation = true;             // v4+; before v4 brokers auto-create
  bool include_cluster_authorized_operations = false; // v8
  bool include_topic_authorized_operations = false;   // v8+

  bool wants_all_topics(int16_t version) const noexcept {
    return !topics || (version == 0 && topics->empty() && topic_ids.empty());
  }
};

/// A broker as listed in a Metadata response.
struct metadata_broker {
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack; // v1+
};

/// One partition's leadership and replica sets.
struct metadata_partition {
  error_code error = error_code::none;
  int32_t partition_index = 0;
  int32_t leader_id = -1;
  int32_t leader_epoch = -1; // v7+
  std::vector<int32_t> replica_nodes;
  std::vector<int32_t> isr_nodes;
  std::vector<int32_t> offline_replicas; // v5+
};

/// One topic (or the error for a requested topic that does not exist).
struct metadata_topic {
  error_code error = error_code::none;
  std::string name;          // v12+: empty is sent as null (a topic asked by an id this node does not know)
  uuid topic_id = zero_uuid; // v10+
  bool is_internal = false;  // v1+
  std::vector<metadata_partition> partitions;
  int32_t topic_authorized_operations = INT32_MIN; // v8+; INT32_MIN = not requested
};

/// Metadata response body.
struct metadata_response {
  int32_t throttle_time_ms = 0; // v3+
  std::vector<metadata_broker> brokers;
  std::optional<std::string> cluster_id; // v2+
  int32_t controller_id = -1;            // v1+; must be a real node id (kafkajs)
  std::vector<metadata_topic> topics;
  int32_t cluster_authorized_operations = INT32_MIN; // v8
};

bool decode(reader& r, int16_t version, metadata_request& req);
void encode(writer& w, int16_t version, const metadata_request& req);
void encode(writer& w, int16_t version, const metadata_response& resp);
bool decode(reader& r, int16_t version, metadata_response& resp);

} // namespace samsa::kafka
