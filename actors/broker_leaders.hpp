#pragma once
// The native API follows leaders (issue "Replicated partitions", item 7): a CAF application connected to
// any node of a cluster produces to, fetches from and lists offsets of every partition; a request for a
// partition another node leads goes straight to that leader's replica (found through its broker's strict
// partition_atom, so nothing is forwarded twice), and a leadership change is followed, not failed. Kafka
// clients are not forwarded: they get NOT_LEADER_OR_FOLLOWER and follow Metadata, as Kafka's protocol says.
#include <functional>
#include <string>

#include "actors/broker.hpp"

namespace samsa::actors {

// The live node leading (topic, partition) when it is not this one; -1 otherwise (this node leads it, or
// no live node does, or a single node).
int32_t remote_leader(const broker_state& st, const std::string& topic, int32_t partition);

// Finds the leader's replica of (topic, partition) on its node (cached per leader epoch) and calls found
// with it, or failed with why not. Both run in the broker's context.
void with_leader_replica(broker_ptr self, const std::string& topic, int32_t partition,
                         std::function<void(partition_actor)> found, std::function<void(caf::error)> failed);

} // namespace samsa::actors
