#include "actors/broker_leaders.hpp"

#include <chrono>

#include "actors/broker_cluster.hpp"
#include "actors/broker_replication.hpp"
#include "cluster/metadata_image.hpp"
#include "cluster/metadata_view.hpp"

namespace samsa::actors {

namespace {

constexpr auto lookup_timeout = std::chrono::seconds(5);

const cluster::partition_registration* registration(const broker_state& st, const std::string& topic,
                                                    int32_t partition) {
  if (!st.image)
    return nullptr;
  auto t = st.image->topic_by_name(topic);
  if (!t || partition < 0 || partition >= static_cast<int32_t>(t->partitions.size()))
    return nullptr;
  return &t->partitions[static_cast<size_t>(partition)];
}

} // namespace

int32_t remote_leader(const broker_state& st, const std::string& topic, int32_t partition) {
  if (!clustered(st))
    return -1;
  auto reg = registration(st, topic, partition);
  if (!reg || reg->leader < 0 || reg->leader == st.cfg.node_id || !cluster::is_live(*st.image, reg->leader))
    return -1;
  return reg->leader;
}

void with_leader_replica(broker_ptr self, const std::string& topic, int32_t partition,
                         std::function<void(partition_actor)> found, std::function<void(caf::error)> failed) {
  auto& st = self->state;
  auto reg = registration(st, topic, partition);
  auto leader = remote_leader(st, topic, partition);
  if (!reg || leader < 0) {
    failed(make_error(api_errc::leader_not_available, topic + "-" + std::to_string(partition) + " has no live leader"));
    return;
  }
  const auto key = std::make_pair(topic, partition);
  if (auto i = st.remote_replicas.find(key); i != st.remote_replicas.end()) {
    if (i->second.leader_epoch == reg->leader_epoch && i->second.actor) {
      found(i->second.actor);
      return;
    }
    st.remote_replicas.erase(i);
  }
  const auto epoch = reg->leader_epoch;
  auto on_peer = [=](caf::actor peer) {
    self->request(caf::actor_cast<broker_actor>(peer), lookup_timeout, partition_atom::value, topic, partition)
      .then(
        [=](partition_actor& replica) {
          self->state.remote_replicas[key] = broker_state::remote_replica{epoch, replica};
          found(replica);
        },
        [=](caf::error& e) { failed(std::move(e)); });
  };
  if (auto p = st.peers.find(leader); p != st.peers.end()) {
    on_peer(p->second);
    return;
  }
  // Through the broker's own peer lookup (cached there, one connection attempt for every waiter).
  self->request(caf::actor_cast<broker_actor>(self), lookup_timeout, peer_atom::value, leader)
    .then([=](caf::actor& peer) { on_peer(std::move(peer)); }, [=](caf::error& e) { failed(std::move(e)); });
}

} // namespace samsa::actors
