#pragma once
// The native consumer-group client for CAF applications: an actor that joins a consumer group through a
// broker's typed API (in-process or remote), runs the partition assignor when it is the group leader
// (range, roundrobin or sticky from cluster/), fetches its partitions, hands records to the application
// and commits what was handed over. It speaks the same group protocol as Kafka clients, so native and
// Kafka consumers can share a group.
//
// The application gives a sink actor. For every non-empty fetch the sink receives
//   (records_atom, std::string topic, int32_t partition, std::vector<record>)
// and must answer it with a bool before the next batch is sent: that answer is the flow control and
// marks the records as processed (at-least-once: they are committed afterwards). On every rebalance the sink
// receives (assigned_atom, std::vector<partition_offset>) with the new assignment (offset = start position).
// Send (close_atom) to the consumer to commit, leave the group and stop. When the connection to the broker
// was lost (its handle went down), send (reconnect_atom, broker_actor) with a new handle: the consumer commits
// what it handed over through it and rejoins with the same member id. A partition assigned again starts at
// its committed offset or, when that is behind, after the last record handed over (a commit lost with the
// broker does not hand records over twice). With cfg.max_records the consumer
// stops fetching once it has handed that many records over (it stays in the group until closed).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "messages/native_api.hpp"

namespace samsa::actors {

using records_atom = caf::atom_constant<caf::atom("records")>;
using assigned_atom = caf::atom_constant<caf::atom("assigned")>;
using reconnect_atom = caf::atom_constant<caf::atom("reconnect")>;

struct group_consumer_config {
  std::string group_id;
  std::vector<std::string> topics;
  std::string assignor = "range"; // range | roundrobin | sticky
  std::string client_id = "samsa-native-consumer";
  int32_t session_timeout_ms = 10000;
  int32_t rebalance_timeout_ms = 30000;
  int32_t heartbeat_interval_ms = 1000;
  int32_t commit_interval_ms = 1000;
  bool from_beginning = true; // where to start without a committed offset (auto.offset.reset)
  int32_t max_wait_ms = 200;
  int32_t max_bytes = 1 << 20;
  // At most this many records in total are handed to the sink, then fetching stops (a batch is cut
  // short), so close commits exactly what was handed over (`samsa consume --group --max-messages`);
  // -1: no limit.
  int64_t max_records = -1;
};

struct group_consumer_state {
  group_consumer_config cfg;
  broker_actor broker;
  caf::actor sink;
  std::string member_id;
  int32_t generation = -1;
  uint64_t epoch = 0;                 // bumps on every (re)join: callbacks of an older epoch are ignored
  std::vector<partition_offset> assignment; // offset = next position to fetch
  // Per topic and partition, the offset after the last record the sink answered, kept across rejoins.
  std::map<std::pair<std::string, int32_t>, int64_t> handed_over;
  size_t next = 0;                    // round-robin cursor over the assignment
  bool dirty = false;                 // positions moved since the last commit
  bool joining = false;
  int64_t handed = 0;                 // records handed to the sink (counted against cfg.max_records)
  static inline const char* name = "samsa.group_consumer";
};

caf::behavior group_consumer(caf::stateful_actor<group_consumer_state>* self, broker_actor broker,
                             group_consumer_config cfg, caf::actor sink);

} // namespace samsa::actors
