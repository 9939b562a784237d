#pragma once
// The broker actor, one per node: the native API's facade. Its jobs live in their own files:
// partition_manager (data directory, opening the partition actors), broker_topics (topic administration,
// persisted through persistence::metadata_store), broker_produce (murmur2 routing and the acks=0 credit),
// broker_groups (native consumer groups). It never touches log files itself: data requests are delegated
// to the partition actors.
//
// Flow control: every partition has a bounded number of appends in flight from this broker. acks=0
// requests are answered at once only while the credit lasts; past it they are answered when the append
// completes, so a producer that waits for its answers can never grow a partition's mailbox without bound.
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "cluster/server_config.hpp"
#include "messages/native_api.hpp"
#include "actors/partition_manager.hpp"
#include "persistence/data_dir.hpp"
#include "persistence/metadata_store.hpp"

namespace samsa::actors {

struct broker_state {
  cluster::server_config cfg;
  std::shared_ptr<persistence::metadata_store> store;
  std::map<std::string, topic_entry> topics;
  uint32_t round_robin = 0;
  int64_t next_producer_id = 0;  // ids in [next_producer_id, producer_id_block_end) are reserved
  int64_t producer_id_block_end = 0;
  std::shared_ptr<std::atomic<int64_t>> producer_id_limit; // first never-reserved id; read by partitions
  std::shared_ptr<const cluster::broker_lease> lease; // cluster: renewed by the lifecycle, read by leaders
  cluster_info info;
  caf::actor groups; // the node's group registry (committed offsets, group coordinators)
  caf::actor quorum; // the node's controller quorum member (quorum_actor), or null without a quorum
  caf::actor controller; // the node's controller actor (controller_actor), or null without a quorum
  bool catching_up_logged = false;
  // cluster node: the incarnation this process registered as (empty: not checked). Until an image holds that
  // registration, images are the last run's view replayed from the local log: its leaderships are stale, and
  // `image` stays null (on_image).
  std::string incarnation_id;
  bool registration_wait_logged = false;
  image_ptr image;       // cluster node: the newest metadata image (null until the first arrives)
  std::vector<caf::typed_response_promise<producer_id_t>> producer_id_waiters; // cluster: waiting for a block
  std::map<int32_t, caf::actor> peers; // cluster: other nodes' brokers (broker_replication)
  struct remote_replica {
    int32_t leader_epoch = -1;
    partition_actor actor;
  };
  // cluster: other nodes' leader replicas the native API was routed to, per leader epoch (broker_leaders)
  std::map<std::pair<std::string, int32_t>, remote_replica> remote_replicas;
  std::map<int32_t, std::vector<caf::typed_response_promise<caf::actor>>> peer_waiters; // lookups under way
  std::shared_ptr<persistence::data_dir_lock> lock; // held while the broker runs: one process per data directory
  static inline const char* name = "samsa.broker";
  ~broker_state();
};

// Appends in flight per partition before acks=0 stops being answered early.
constexpr int32_t max_inflight_per_partition = 32;

// Opens the node's metadata database and partition logs under cfg.log_dirs synchronously (so a bad data
// directory fails here with a clear error) and spawns the broker actor.
// `quorum`: the node's quorum member, handed to peers that ask (quorum_atom); null without a quorum.
caf::expected<broker_actor> spawn_broker(caf::actor_system& sys, const cluster::server_config& cfg,
                                         caf::actor quorum = {});
// The same with the data directory already opened (open_node_data), for callers that need the metadata
// database migrated before the broker exists (the quorum's SQLite store lives in it).
// `controller`: the node's controller actor (actors/controller), handed out on controller_atom.
// `incarnation_id`: the id this process registers with (broker_lifecycle); when set, the broker acts on no
// metadata image before one holds this incarnation's registration (see on_image).
caf::expected<broker_actor> spawn_broker(caf::actor_system& sys, const cluster::server_config& cfg, node_data data,
                                         caf::actor quorum, caf::actor controller = {},
                                         std::string incarnation_id = {});

using broker_ptr = broker_actor::stateful_pointer<broker_state>;

broker_actor::behavior_type broker(broker_ptr self, cluster::server_config cfg, std::shared_ptr<node_data> data,
                                   caf::actor groups, caf::actor quorum, caf::actor controller,
                                   std::string incarnation_id);

} // namespace samsa::actors
