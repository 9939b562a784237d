#pragma once
// The broker's part in partition replication (docs/cluster-design.md §4): it tells each local replica what
// the metadata image says about its partition (leadership_atom: leader, epochs, ISR), delegates the replica
// fetches and OffsetsForLeaderEpoch requests of other nodes' followers to the local replica, and finds other
// nodes' brokers for its followers (peer_atom), keeping each handle while its connection lives.
#include <string>

#include "actors/broker.hpp"
#include "cluster/metadata_image.hpp"

namespace samsa::actors {

// What a local replica of `t`'s partition p needs from the image (cluster only).
partition_leadership leadership_of(const broker_state& st, const cluster::topic_image& t, size_t p);

// After an image: every local replica whose registration changed (leader epoch or partition epoch) hears it.
void publish_leadership(broker_ptr self);

// The local replica of (topic, partition), leader or follower; null when this node has none.
partition_actor local_replica(const broker_state& st, const std::string& topic, int32_t partition);

caf::result<replica_fetch_response> delegate_replica_fetch(broker_ptr self, replica_fetch_request& req);
caf::result<epoch_end_response> delegate_epoch_end(broker_ptr self, epoch_end_request& req);

// The broker of node `id` (cached; looked up through the native listener the image registers for it).
caf::result<caf::actor> peer_broker(broker_ptr self, int32_t id);
// A peer's broker is gone (down_msg): forget it, the next lookup connects again.
void forget_peer(broker_ptr self, const caf::actor_addr& who);

} // namespace samsa::actors
