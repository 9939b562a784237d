#include "actors/broker_replication.hpp"

#include <chrono>

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/broker_cluster.hpp"
#include "actors/partition_replica.hpp"
#include "actors/peer_lookup.hpp"
#include "cluster/metadata_image.hpp"
#include "cluster/metadata_view.hpp"

namespace samsa::actors {

namespace {

int32_t topic_min_isr(const broker_state& st, const std::string& topic) {
  auto i = st.topics.find(topic);
  if (i != st.topics.end())
    if (auto c = i->second.record.configs.find("min.insync.replicas"); c != i->second.record.configs.end())
      try {
        return std::stoi(c->second);
      } catch (const std::exception&) {
      }
  return st.cfg.min_insync_replicas;
}

} // namespace

partition_leadership leadership_of(const broker_state& st, const cluster::topic_image& t, size_t p) {
  const auto& reg = t.partitions[p];
  partition_leadership l;
  l.topic_id = t.topic_id;
  l.replicas = to_broker_ids(reg.replicas);
  l.isr = to_broker_ids(reg.isr);
  l.leader = broker_id_t{reg.leader};
  l.leader_epoch = leader_epoch_t{reg.leader_epoch};
  l.partition_epoch = partition_epoch_t{reg.partition_epoch};
  l.min_insync_replicas = topic_min_isr(st, t.name);
  return l;
}

void publish_leadership(broker_ptr self) {
  auto& st = self->state;
  if (!st.image)
    return;
  for (const auto& [id, t] : st.image->topics_by_id()) {
    auto entry = st.topics.find(t.name);
    if (entry == st.topics.end())
      continue;
    auto& e = entry->second;
    e.published.resize(e.partitions.size(), {-1, -1});
    for (size_t p = 0; p < t.partitions.size() && p < e.partitions.size(); ++p) {
      if (!e.partitions[p])
        continue;
      std::pair<int32_t, int32_t> now{t.partitions[p].leader_epoch, t.partitions[p].partition_epoch};
      if (e.published[p] == now)
        continue;
      e.published[p] = now;
      caf::anon_send(caf::actor_cast<partition_replica_actor>(e.partitions[p]), leadership_atom::value,
                     leadership_of(st, t, p));
    }
  }
}

partition_actor local_replica(const broker_state& st, const std::string& topic, int32_t partition) {
  auto i = st.topics.find(topic);
  if (i == st.topics.end() || partition < 0 || partition >= static_cast<int32_t>(i->second.partitions.size()))
    return {};
  return i->second.partitions[static_cast<size_t>(partition)];
}

caf::result<replica_fetch_response> delegate_replica_fetch(broker_ptr self, replica_fetch_request& req) {
  auto p = local_replica(self->state, req.topic, req.partition);
  if (!p) {
    replica_fetch_response r;
    r.error = static_cast<uint8_t>(api_errc::unknown_topic_or_partition);
    return r;
  }
  return self->delegate(caf::actor_cast<partition_replica_actor>(p), replica_fetch_atom::value, std::move(req));
}

caf::result<epoch_end_response> delegate_epoch_end(broker_ptr self, epoch_end_request& req) {
  auto p = local_replica(self->state, req.topic, req.partition);
  if (!p) {
    epoch_end_response r;
    r.error = static_cast<uint8_t>(api_errc::unknown_topic_or_partition);
    return r;
  }
  return self->delegate(caf::actor_cast<partition_replica_actor>(p), epoch_end_atom::value, std::move(req));
}

caf::result<caf::actor> peer_broker(broker_ptr self, int32_t id) {
  auto& st = self->state;
  if (auto i = st.peers.find(id); i != st.peers.end())
    return i->second;
  if (!st.image)
    return make_error(api_errc::leader_not_available, "this node has not received the cluster's metadata yet");
  auto ep = cluster::endpoint_of(*st.image, id, "NATIVE");
  if (!ep)
    return make_error(api_errc::leader_not_available,
                      "node " + std::to_string(id) + " has registered no native listener with the cluster");
  auto rp = self->make_response_promise<caf::actor>();
  auto& waiters = st.peer_waiters[id];
  waiters.push_back(rp);
  if (waiters.size() > 1)
    return rp; // a lookup is under way
  auto done = [=](caf::expected<caf::actor> peer) {
    auto& st = self->state;
    auto ws = std::move(st.peer_waiters[id]);
    st.peer_waiters.erase(id);
    if (peer) {
      st.peers[id] = *peer;
      self->monitor(*peer);
    }
    for (auto& w : ws) {
      if (peer)
        w.deliver(*peer);
      else
        w.deliver(peer.error());
    }
  };
  connect_node_broker(
    self, voter_address{ep->host, ep->port}, native_security::from(st.cfg),
    std::chrono::milliseconds(3000),
    [=](broker_actor b) mutable { done(caf::actor_cast<caf::actor>(b)); },
    [=](std::string why) mutable {
      done(make_error(api_errc::leader_not_available, "cannot reach node " + std::to_string(id) + ": " + why));
    });
  return rp;
}

void forget_peer(broker_ptr self, const caf::actor_addr& who) {
  auto& peers = self->state.peers;
  for (auto i = peers.begin(); i != peers.end();) {
    if (i->second.address() == who) {
      spdlog::info("cluster: lost the connection to node {}'s broker", i->first);
      i = peers.erase(i);
    } else {
      ++i;
    }
  }
}

} // namespace samsa::actors
