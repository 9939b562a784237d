#include "actors/broker.hpp"

#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <openssl/sha.h>

#include "actors/actor_clock.hpp"
#include "actors/broker_cluster.hpp"
#include "actors/broker_replication.hpp"
#include "actors/broker_groups.hpp"
#include "actors/broker_leaders.hpp"
#include "actors/broker_produce.hpp"
#include "actors/broker_topics.hpp"
#include "actors/group_coordinator.hpp"
#include "messages/cluster_api.hpp"

namespace samsa::actors {

namespace {

constexpr auto request_timeout = timeouts::request;

// 22 characters of base64url (like a Kafka Uuid) from SHA-256 of the voters line.
std::string cluster_id_for_voters(const std::string& voters) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(voters.data()), voters.size(), digest);
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string id;
  for (size_t i = 0; id.size() < 22; ++i)
    id += alphabet[digest[i] & 63];
  return id;
}

// The group registry is dynamically typed (node-local): forward through a request and a promise.
template <class T, class... Ts>
caf::result<T> ask_groups(broker_ptr self, Ts&&... xs) {
  auto rp = self->make_response_promise<T>();
  self->request(self->state.groups, request_timeout, std::forward<Ts>(xs)...)
    .then([=](T& x) mutable { rp.deliver(std::move(x)); }, [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

// The partition actor of (topic, partition) when this node leads it; else why not.
caf::expected<partition_actor> find_partition(const broker_state& st, const std::string& topic, int32_t partition) {
  if (auto e = leadership_error(st, topic, partition))
    return e;
  auto i = st.topics.find(topic);
  if (i == st.topics.end() || partition < 0 || partition >= static_cast<int32_t>(i->second.partitions.size())
      || !i->second.partitions[static_cast<size_t>(partition)])
    return make_error(api_errc::unknown_topic_or_partition, topic + "-" + std::to_string(partition));
  return i->second.partitions[static_cast<size_t>(partition)];
}

// Asks the partition's leader (this node's replica, or the leader's over CAF) a question answered with an
// offset_answer (ListOffsets, DeleteRecords); an error becomes the answer's error.
template <class Atom, class Arg>
caf::result<offset_answer> ask_leader(broker_ptr self, const std::string& topic, int32_t partition, Atom atom,
                                      Arg arg) {
  auto p = find_partition(self->state, topic, partition);
  if (p)
    return self->delegate(*p, atom, arg);
  auto failed = [](const caf::error& e) {
    offset_answer a;
    a.error = static_cast<uint8_t>(api_code(e));
    return a;
  };
  if (remote_leader(self->state, topic, partition) < 0)
    return failed(p.error());
  auto rp = self->make_response_promise<offset_answer>();
  with_leader_replica(
    self, topic, partition,
    [=](partition_actor leader) mutable {
      self->request(leader, timeouts::request, atom, arg)
        .then([=](offset_answer& a) mutable { rp.deliver(std::move(a)); },
              [=](caf::error& e) mutable { rp.deliver(failed(e)); });
    },
    [=](caf::error e) mutable { rp.deliver(failed(e)); });
  return rp;
}

} // namespace

broker_state::~broker_state() {
  // Partition actors are owned by the broker: they stop (closing their logs cleanly) when it stops.
  stop_partitions(topics);
  if (groups)
    caf::anon_send_exit(groups, caf::exit_reason::user_shutdown);
}

caf::expected<broker_actor> spawn_broker(caf::actor_system& sys, const cluster::server_config& cfg,
                                         caf::actor quorum) {
  auto data = open_node_data(sys, cfg);
  if (!data)
    return data.error();
  return spawn_broker(sys, cfg, std::move(*data), std::move(quorum));
}

caf::expected<broker_actor> spawn_broker(caf::actor_system& sys, const cluster::server_config& cfg, node_data data,
                                         caf::actor quorum, caf::actor controller, std::string incarnation_id) {
  group_registry_config gcfg;
  gcfg.db_file = data_dir(cfg) / "metadata.db";
  gcfg.group.initial_rebalance_delay_ms = cfg.group_initial_rebalance_delay_ms;
  gcfg.offsets_retention_ms = int64_t{cfg.offsets_retention_minutes} * 60 * 1000;
  gcfg.replicated_offsets = controller != nullptr; // a cluster node: offsets go through __consumer_offsets
  gcfg.offsets_commit_timeout_ms = cfg.offsets_commit_timeout_ms;
  auto groups = spawn_group_registry(sys, gcfg);
  if (!groups) {
    stop_partitions(data.topics);
    return groups.error();
  }
  return sys.spawn(broker, cfg, std::make_shared<node_data>(std::move(data)), *groups, std::move(quorum),
                   std::move(controller), std::move(incarnation_id));
}

broker_actor::behavior_type broker(broker_ptr self, cluster::server_config cfg, std::shared_ptr<node_data> data,
                                   caf::actor groups, caf::actor quorum, caf::actor controller,
                                   std::string incarnation_id) {
  auto& st = self->state;
  st.incarnation_id = std::move(incarnation_id);
  st.lock = std::move(data->lock);
  st.producer_id_limit = std::move(data->producer_id_limit);
  st.lease = std::move(data->lease);
  st.store = std::move(data->store);
  st.topics = std::move(data->topics);
  st.groups = std::move(groups);
  st.quorum = std::move(quorum);
  st.controller = std::move(controller);
  st.cfg = std::move(cfg);
  // A single node's id is created with its metadata database; a cluster's nodes share one, derived from the
  // voter set they are all configured with (Kafka writes it with `kafka-storage format` instead), so clients
  // never see two cluster ids for one cluster.
  st.info.cluster_id = clustered(st) ? cluster_id_for_voters(st.cfg.controller_quorum_voters) : st.store->cluster_id();
  st.info.node_id = st.cfg.node_id;
  st.info.kafka_listener = st.cfg.listener_host() + ":" + std::to_string(st.cfg.listener_port());
  st.info.native_listener = st.cfg.native_host() + ":" + std::to_string(st.cfg.native_port());
  st.info.data_dir = data_dir(st.cfg).string();
  save_snapshot(st);
  if (st.controller) // a cluster node: replicas follow the metadata image from now on
    caf::anon_send(caf::actor_cast<controller_actor>(st.controller), subscribe_atom::value, caf::actor_cast<caf::actor>(self));
  self->set_down_handler([=](caf::down_msg& dm) { forget_peer(self, dm.source); });
  return {
    [=](create_atom, topic_spec& spec) -> caf::result<topic_description> {
      if (clustered(self->state))
        return cluster_create_topic(self, std::move(spec));
      return handle_create_topic(self, spec);
    },
    [=](delete_atom, std::string& name) -> caf::result<bool> {
      if (clustered(self->state))
        return cluster_delete_topic(self, std::move(name));
      return handle_delete_topic(self, name);
    },
    [=](describe_atom, std::vector<std::string>& names) -> caf::result<std::vector<topic_description>> {
      if (clustered(self->state))
        return cluster_describe_topics(self, std::move(names));
      return handle_describe_topics(self, names);
    },
    [=](describe_atom, configs_atom, std::string& topic) { return handle_describe_topic_configs(self, topic); },
    [=](alter_atom, topic_config_change& change) -> caf::result<topic_description> {
      if (clustered(self->state))
        return cluster_alter_topic(self, std::move(change));
      return handle_alter_topic_configs(self, change);
    },
    [=](create_atom, partition_increase& inc) -> caf::result<topic_description> {
      if (clustered(self->state))
        return cluster_create_partitions(self, std::move(inc));
      return handle_create_partitions(self, inc);
    },
    [=](image_atom, image_ptr& img) { on_image(self, std::move(img)); },
    [=](replica_fetch_atom, replica_fetch_request& req) { return delegate_replica_fetch(self, req); },
    [=](epoch_end_atom, epoch_end_request& req) { return delegate_epoch_end(self, req); },
    [=](peer_atom, int32_t id) { return peer_broker(self, id); },
    [=](reassign_atom, std::vector<partition_reassignment>& reqs) { return cluster_reassign(self, std::move(reqs)); },
    [=](reassign_atom, list_atom, std::vector<std::string>& topics) { return cluster_reassignments(self, std::move(topics)); },
    [=](produce_atom, produce_request& req) { return handle_produce(self, req); },
    [=](fetch_atom, fetch_request& req) -> caf::result<fetch_response> {
      auto p = find_partition(self->state, req.topic, req.partition);
      if (p)
        return self->delegate(*p, fetch_atom::value, std::move(req));
      auto failed = [partition = req.partition](const caf::error& e) {
        fetch_response r;
        r.partition = partition;
        r.error = static_cast<uint8_t>(api_code(e));
        return r;
      };
      if (remote_leader(self->state, req.topic, req.partition) < 0)
        return failed(p.error());
      // Another node leads it: ask its replica (a long poll waits there).
      auto rp = self->make_response_promise<fetch_response>();
      auto timeout = std::chrono::milliseconds(std::max(req.max_wait_ms, 0)) + timeouts::request;
      with_leader_replica(
        self, req.topic, req.partition,
        [=](partition_actor leader) mutable {
          self->request(leader, timeout, fetch_atom::value, req)
            .then([=](fetch_response& r) mutable { rp.deliver(std::move(r)); },
                  [=](caf::error& e) mutable { rp.deliver(failed(e)); });
        },
        [=](caf::error e) mutable { rp.deliver(failed(e)); });
      return rp;
    },
    [=](offsets_atom, std::string& topic, int32_t partition, int64_t ts) -> caf::result<offset_answer> {
      return ask_leader(self, topic, partition, offsets_atom::value, ts);
    },
    [=](delete_records_atom, std::string& topic, int32_t partition, int64_t offset) -> caf::result<offset_answer> {
      return ask_leader(self, topic, partition, delete_records_atom::value, offset);
    },
    [=](partition_atom, std::string& topic, int32_t partition) -> caf::result<partition_actor> {
      auto p = find_partition(self->state, topic, partition);
      if (!p)
        return p.error();
      return *p;
    },
    [=](info_atom) -> cluster_info { return self->state.info; },
    [=](groups_atom) -> caf::actor { return self->state.groups; },
    [=](quorum_atom) -> caf::result<caf::actor> {
      if (!self->state.quorum)
        return make_error(api_errc::invalid_request, "node " + std::to_string(self->state.cfg.node_id)
                                                       + " runs no controller quorum member (controller.quorum.voters)");
      return self->state.quorum;
    },
    [=](controller_atom) -> caf::result<caf::actor> {
      if (!self->state.controller)
        return make_error(api_errc::invalid_request, "node " + std::to_string(self->state.cfg.node_id)
                                                       + " runs no controller (controller.quorum.voters)");
      return self->state.controller;
    },
    [=](groups_atom, list_atom) -> caf::result<std::vector<group_info>> {
      return ask_groups<std::vector<group_info>>(self, list_atom::value);
    },
    [=](groups_atom, describe_atom, std::string& group) -> caf::result<group_info> {
      auto rp = self->make_response_promise<group_info>();
      self->request(self->state.groups, request_timeout, describe_atom::value, std::move(group))
        .then(
          [=](group_info& g) mutable {
            g.coordinator = self->state.cfg.node_id; // the registry answers only for groups this node coordinates
            rp.deliver(std::move(g));
          },
          [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
      return rp;
    },
    [=](groups_atom, reset_atom, std::string& group, std::vector<partition_offset>& target) -> caf::result<bool> {
      return ask_groups<bool>(self, reset_atom::value, std::move(group), std::move(target));
    },
    [=](groups_atom, join_atom, group_join_request& req) { return native_join(self, req); },
    [=](groups_atom, sync_atom, group_sync_request& req) { return native_sync(self, req); },
    [=](groups_atom, heartbeat_atom, std::string& group, int32_t generation, std::string& member) {
      return native_heartbeat(self, group, generation, member);
    },
    [=](groups_atom, leave_atom, std::string& group, std::string& member) { return native_leave(self, group, member); },
    [=](groups_atom, commit_atom, std::string& group, int32_t generation, std::string& member,
        std::vector<partition_offset>& offsets) { return native_commit(self, group, generation, member, offsets); },
    [=](groups_atom, committed_atom, std::string& group) { return native_committed(self, group); },
    [=](producer_id_atom) -> caf::result<producer_id_t> {
      auto& st = self->state;
      if (clustered(st))
        return cluster_producer_id(self);
      if (st.next_producer_id >= st.producer_id_block_end) {
        // Reserve a block in SQLite first, so an id handed out is never handed out again after a restart.
        constexpr int64_t block = 1000;
        auto first = st.store->reserve_producer_ids(block);
        if (!first)
          return make_error(api_errc::storage_error, "cannot reserve producer ids: " + st.store->last_error());
        st.next_producer_id = *first;
        st.producer_id_block_end = *first + block;
        st.producer_id_limit->store(st.producer_id_block_end);
      }
      return producer_id_t{st.next_producer_id++};
    },
  };
}

} // namespace samsa::actors
