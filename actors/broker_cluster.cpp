#include "actors/broker_cluster.hpp"
#include "actors/broker_replication.hpp"

#include <algorithm>
#include <chrono>

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/actor_clock.hpp"
#include "actors/broker_topics.hpp"
#include "actors/group_offsets_log.hpp"
#include "actors/partition_replica.hpp"
#include "cluster/controller/replication_control.hpp"
#include "cluster/metadata_image.hpp"
#include "cluster/metadata_view.hpp"
#include "cluster/offsets_topic.hpp"
#include "messages/cluster_api.hpp"
#include "persistence/data_dir.hpp"

namespace samsa::actors {

namespace {

using std::chrono::milliseconds;

bool hosts(const cluster::partition_registration& p, int32_t node) {
  return std::find(p.replicas.begin(), p.replicas.end(), node) != p.replicas.end();
}

persistence::topic_record record_of(const cluster::metadata_image& img, const cluster::topic_image& t) {
  auto d = cluster::describe_topic(img, t);
  persistence::topic_record rec;
  rec.name = d.name;
  rec.topic_id = d.topic_id;
  rec.partitions = d.partitions;
  rec.replication_factor = d.replication_factor;
  rec.configs = d.configs;
  return rec;
}

// The topic is gone from the image (or is another topic under the same name now): stop its local
// replicas and remove their directories, forget it in the metadata database and its committed offsets.
void remove_local_topic(broker_ptr self, const persistence::topic_record& rec) {
  auto& st = self->state;
  std::vector<partition_actor> open;
  if (auto i = st.topics.find(rec.name); i != st.topics.end() && i->second.record.topic_id == rec.topic_id) {
    open = std::move(i->second.partitions);
    st.topics.erase(i);
  }
  for (int32_t p = 0; p < rec.partitions; ++p) {
    auto* actor = p < static_cast<int32_t>(open.size()) && open[static_cast<size_t>(p)] ? &open[static_cast<size_t>(p)] : nullptr;
    if (actor) {
      caf::anon_send(*actor, delete_atom::value); // it closes its log and removes the directory (tombstone)
      continue;
    }
    auto dir = partition_dir(st.cfg, rec.name, p);
    std::error_code ec;
    if (std::filesystem::exists(dir, ec) && persistence::remove_partition_dir(dir) != persistence::errc::ok)
      spdlog::warn("cannot remove {} (a replica of deleted topic {}); remove it by hand", dir.string(), rec.name);
  }
  if (auto stored = st.store->get_topic(rec.name); stored && stored->topic_id == rec.topic_id)
    st.store->delete_topic(rec.name);
  caf::anon_send(st.groups, delete_atom::value, rec.name);
  spdlog::info("cluster: topic {} (id {}) is deleted: its local replicas are removed", rec.name, rec.topic_id);
}

std::string join_ids(const std::vector<int32_t>& xs) {
  std::string s;
  for (auto x : xs)
    s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

// The directory of a replica this node no longer hosts: removed through its tombstone.
void remove_stale_replica(const broker_state& st, const std::string& topic, int32_t p) {
  auto dir = partition_dir(st.cfg, topic, p);
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec))
    return;
  if (persistence::remove_partition_dir(dir) == persistence::errc::ok)
    spdlog::info("cluster: removed {}: the replica was reassigned away from this node", dir.string());
  else
    spdlog::warn("cannot remove {} (a replica reassigned away from this node); remove it by hand", dir.string());
}

// Asks the node's controller and passes its answer (or error) on.
template <class T, class... Ts>
caf::result<T> ask_controller(broker_ptr self, Ts&&... xs) {
  auto rp = self->make_response_promise<T>();
  self->request(caf::actor_cast<controller_actor>(self->state.controller), timeouts::request, std::forward<Ts>(xs)...)
    .then([=](T& x) mutable { rp.deliver(std::move(x)); }, [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

} // namespace

void on_image(broker_ptr self, image_ptr img) {
  auto& st = self->state;
  if (!img || (st.image && img->offset() <= st.image->offset()))
    return;
  // After a restart the quorum replays the metadata log from the start: until the replay reaches the offset
  // the node's tables reflect, a topic missing from the image may just not be created yet. Such an image
  // is neither reconciled nor served from.
  const bool first = !st.image;
  auto reflected = first ? st.store->cluster_image_offset() : -1; // later images are newer than an accepted one
  if (img->offset() < reflected) {
    if (!st.catching_up_logged) {
      st.catching_up_logged = true;
      spdlog::info("cluster: catching up with the metadata log (at offset {}, this node's tables reflect offset {})",
                   img->offset(), reflected);
    }
    return;
  }
  // After a restart the replayed log is the last run's view: this node may still lead partitions in it (and
  // coordinate groups) that the quorum has since moved away. Until an image holds this process's own
  // registration (the controller fences a new incarnation and moves its leaderships in the same commit),
  // nothing is opened or served as leader: a restarted node never acts as a stale leader or coordinator.
  if (first && !st.incarnation_id.empty()) { // once an image was accepted, every later one holds it too
    auto b = img->broker(st.cfg.node_id);
    if (!b || b->incarnation_id != st.incarnation_id) {
      if (!st.registration_wait_logged) {
        st.registration_wait_logged = true;
        spdlog::info("cluster: waiting for this node's registration (incarnation {}) in the metadata log before "
                     "acting on it (at offset {})", st.incarnation_id, img->offset());
      }
      return;
    }
    spdlog::info("cluster: this node's registration is in the metadata log at offset {}: acting on it",
                 img->offset());
  }
  st.image = img;
  bool changed = false;
  const auto self_id = st.cfg.node_id;
  // Every producer id below the image's watermark may have been handed out by some node.
  auto limit = img->next_producer_id();
  if (st.producer_id_limit->load() < limit)
    st.producer_id_limit->store(limit);
  // Topics this node knew that are gone: at the first image, those of its database (the last run's view);
  // after that st.topics holds every topic of the database.
  std::vector<persistence::topic_record> known;
  if (first)
    known = st.store->list_topics();
  else
    for (const auto& [name, entry] : st.topics)
      known.push_back(entry.record);
  for (const auto& rec : known) {
    auto t = img->topic_by_name(rec.name);
    if (!t || t->topic_id != rec.topic_id) {
      remove_local_topic(self, rec);
      changed = true;
    }
  }
  // Topics of the image: recorded in the database, their local replicas open.
  for (const auto& [id, t] : img->topics_by_id()) {
    auto rec = record_of(*img, t);
    auto& entry = st.topics[rec.name];
    const bool fresh = entry.record.topic_id.empty(); // not opened by this process yet
    // The database is read once per topic and process; afterwards entry.record is what it holds.
    auto stored = fresh ? st.store->get_topic(rec.name) : std::optional<persistence::topic_record>{entry.record};
    if (!stored) {
      rec.created_ms = wall_clock_ms();
      if (st.store->create_topic(rec) != persistence::errc::ok)
        spdlog::warn("cluster: cannot record topic {} in the metadata database: {}", rec.name, st.store->last_error());
      changed = true;
    } else {
      if (stored->configs != rec.configs) {
        st.store->set_topic_configs(rec.name, rec.configs);
        changed = true;
      }
      if (stored->partitions < rec.partitions) { // CreatePartitions
        st.store->set_partition_count(rec.name, rec.partitions);
        changed = true;
      }
    }
    // Overrides changed while the replicas run (AlterConfigs): they apply them at once.
    const bool reconfigured = !fresh && stored && stored->configs != rec.configs;
    if (fresh)
      spdlog::info("cluster: topic {} (id {}, {} partition{})", rec.name, rec.topic_id, rec.partitions,
                   rec.partitions == 1 ? "" : "s");
    entry.record = rec;
    if (rec.name == cluster::offsets_topic) // the registry routes groups by the log's partition count
      caf::anon_send(st.groups, offsets_log_atom::value, static_cast<int32_t>(t.partitions.size()));
    entry.partitions.resize(t.partitions.size());
    entry.inflight.resize(t.partitions.size(), 0);
    for (size_t p = 0; p < t.partitions.size(); ++p) {
      auto& actor = entry.partitions[p];
      bool mine = hosts(t.partitions[p], self_id);
      if (mine && !actor) {
        replica_wiring w{leadership_of(st, t, p), caf::actor_cast<caf::actor_addr>(self),
                         caf::actor_cast<caf::actor_addr>(st.controller),
                         rec.name == cluster::offsets_topic ? st.groups : caf::actor{}, st.lease};
        actor = open_partition(self->system(), st.cfg, rec, static_cast<int32_t>(p), st.producer_id_limit, nullptr, &w);
        entry.published.resize(entry.partitions.size(), {-1, -1});
        entry.published[p] = {t.partitions[p].leader_epoch, t.partitions[p].partition_epoch};
        spdlog::info("cluster: opened replica {}-{} (leader {}, epoch {})", rec.name, p, t.partitions[p].leader,
                     t.partitions[p].leader_epoch);
      } else if (!mine && actor) {
        // Reassigned away (the reassignment completed or was cancelled): the replica learns the new
        // leadership first (it stops leading or following: parked requests are answered
        // NOT_LEADER_OR_FOLLOWER, so clients refresh their metadata), then deletes its log.
        caf::anon_send(caf::actor_cast<partition_replica_actor>(actor), leadership_atom::value, leadership_of(st, t, p));
        caf::anon_send(actor, delete_atom::value);
        spdlog::info("cluster: replica {}-{} was reassigned away (replicas now [{}]): it stops and its data is deleted",
                     rec.name, p, join_ids(t.partitions[p].replicas));
        actor = nullptr;
      } else if (!mine && first) {
        // A replica reassigned away while this node was down: its directory is the only trace.
        remove_stale_replica(st, rec.name, static_cast<int32_t>(p));
      }
    }
    if (reconfigured) {
      push_topic_configs(st, entry);
      spdlog::info("cluster: topic {} has new config overrides: applied to its local replicas", rec.name);
    }
  }
  publish_leadership(self); // replicas whose leader, epochs or ISR changed switch role or apply the ISR
  if (!changed)
    return;
  if (st.store->set_cluster_image_offset(img->offset()) != persistence::errc::ok)
    spdlog::warn("cluster: cannot record the metadata offset in the database: {}", st.store->last_error());
  save_snapshot(st); // the node's view as a versioned Boost snapshot, as on a single node
}

caf::error leadership_error(const broker_state& st, const std::string& topic, int32_t partition) {
  if (!st.controller)
    return {};
  if (!st.image)
    return make_error(api_errc::leader_not_available, "this node has not received the cluster's metadata yet");
  auto t = st.image->topic_by_name(topic);
  if (!t || partition < 0 || partition >= static_cast<int32_t>(t->partitions.size()))
    return make_error(api_errc::unknown_topic_or_partition, topic + "-" + std::to_string(partition));
  const auto& p = t->partitions[static_cast<size_t>(partition)];
  if (p.leader == st.cfg.node_id)
    return {};
  if (p.leader < 0 || !cluster::is_live(*st.image, p.leader))
    return make_error(api_errc::leader_not_available, topic + "-" + std::to_string(partition) + " has no live leader");
  return make_error(api_errc::not_leader_or_follower, topic + "-" + std::to_string(partition) + " is led by node "
                                                        + std::to_string(p.leader));
}

} // namespace samsa::actors

namespace samsa::actors {

caf::result<topic_description> cluster_create_topic(broker_ptr self, topic_spec spec) {
  return ask_controller<topic_description>(self, create_atom::value, std::move(spec));
}

caf::result<bool> cluster_delete_topic(broker_ptr self, std::string name) {
  return ask_controller<bool>(self, delete_atom::value, std::move(name));
}

caf::result<topic_description> cluster_alter_topic(broker_ptr self, topic_config_change change) {
  return ask_controller<topic_description>(self, alter_atom::value, std::move(change));
}

caf::result<topic_description> cluster_create_partitions(broker_ptr self, partition_increase inc) {
  return ask_controller<topic_description>(self, create_atom::value, std::move(inc));
}

caf::result<std::vector<topic_description>> cluster_describe_topics(broker_ptr self, std::vector<std::string> names) {
  auto& st = self->state;
  if (!st.image)
    return make_error(api_errc::leader_not_available, "this node has not received the cluster's metadata yet");
  auto img = st.image;
  std::vector<const cluster::topic_image*> selected;
  if (names.empty()) {
    for (const auto& [id, t] : img->topics_by_id())
      selected.push_back(&t);
    std::sort(selected.begin(), selected.end(), [](auto* a, auto* b) { return a->name < b->name; });
  } else {
    for (const auto& n : names) {
      auto t = img->topic_by_name(n);
      if (!t)
        return make_error(api_errc::unknown_topic_or_partition, "unknown topic '" + n + "'");
      selected.push_back(t);
    }
  }
  auto out = std::make_shared<std::vector<topic_description>>();
  // The log offsets of the partitions this node leads come from their replica actors.
  std::vector<std::pair<size_t, partition_actor>> ask;
  for (auto* t : selected) {
    out->push_back(cluster::describe_topic(*img, *t));
    auto local = st.topics.find(t->name);
    for (size_t p = 0; p < t->partitions.size(); ++p) {
      auto& ps = out->back().partition_states[p];
      if (ps.leader >= 0 && !cluster::is_live(*img, ps.leader))
        ps.offline = true;
      if (ps.leader == st.cfg.node_id && local != st.topics.end() && p < local->second.partitions.size()
          && local->second.partitions[p])
        ask.emplace_back(out->size() - 1, local->second.partitions[p]);
    }
  }
  if (ask.empty())
    return *out;
  auto rp = self->make_response_promise<std::vector<topic_description>>();
  auto pending = std::make_shared<size_t>(ask.size());
  for (auto& [ti, actor] : ask) {
    auto i = ti;
    self->request(actor, timeouts::request, info_atom::value)
      .then(
        [=](partition_state& s) mutable {
          auto& ps = (*out)[i].partition_states[static_cast<size_t>(s.partition)];
          ps.log_start_offset = s.log_start_offset;
          ps.log_end_offset = s.log_end_offset;
          ps.high_watermark = s.high_watermark;
          ps.size_bytes = s.size_bytes;
          ps.segments = s.segments;
          ps.damaged_regions = s.damaged_regions;
          ps.offline = ps.offline || s.offline;
          ps.records_in = s.records_in; // traffic counters of the replica here (metrics, console rates)
          ps.bytes_in = s.bytes_in;
          ps.bytes_out = s.bytes_out;
          if (--*pending == 0)
            rp.deliver(std::move(*out));
        },
        [=](caf::error&) mutable {
          if (--*pending == 0)
            rp.deliver(std::move(*out));
        });
  }
  return rp;
}

caf::result<std::vector<reassignment_outcome>> cluster_reassign(broker_ptr self, std::vector<partition_reassignment> reqs) {
  if (!clustered(self->state))
    return make_error(api_errc::invalid_request,
                      "partition reassignment needs a cluster (controller.quorum.voters); this is a single node");
  return ask_controller<std::vector<reassignment_outcome>>(self, reassign_atom::value, std::move(reqs));
}

caf::result<std::vector<reassignment_info>> cluster_reassignments(broker_ptr self, std::vector<std::string> topics) {
  if (!clustered(self->state))
    return std::vector<reassignment_info>{}; // a single node never moves a partition
  return ask_controller<std::vector<reassignment_info>>(self, reassign_atom::value, list_atom::value, std::move(topics));
}

caf::result<producer_id_t> cluster_producer_id(broker_ptr self) {
  auto& st = self->state;
  if (st.next_producer_id < st.producer_id_block_end)
    return producer_id_t{st.next_producer_id++};
  auto rp = self->make_response_promise<producer_id_t>();
  st.producer_id_waiters.push_back(rp);
  if (st.producer_id_waiters.size() > 1)
    return rp; // a block is being allocated
  auto me = st.image ? st.image->broker(st.cfg.node_id) : nullptr;
  auto fail = [=](caf::error e) {
    auto waiters = std::move(self->state.producer_id_waiters);
    self->state.producer_id_waiters.clear();
    for (auto& w : waiters)
      w.deliver(e);
  };
  if (!me) {
    fail(make_error(api_errc::leader_not_available, "this node is not registered with the cluster yet"));
    return rp;
  }
  self->request(caf::actor_cast<controller_actor>(st.controller), timeouts::request, producer_id_atom::value,
                broker_id_t{st.cfg.node_id}, me->broker_epoch)
    .then(
      [=](producer_id_t first) {
        auto& st = self->state;
        st.next_producer_id = first.value;
        st.producer_id_block_end = first.value + cluster::producer_id_block;
        if (st.producer_id_limit->load() < st.producer_id_block_end)
          st.producer_id_limit->store(st.producer_id_block_end);
        auto waiters = std::move(st.producer_id_waiters);
        st.producer_id_waiters.clear();
        for (auto& w : waiters) {
          if (st.next_producer_id < st.producer_id_block_end)
            w.deliver(producer_id_t{st.next_producer_id++});
          else // more waiters than a block holds: they ask again
            w.deliver(make_error(api_errc::leader_not_available, "producer ids are being allocated; retry"));
        }
      },
      [=](caf::error& e) { fail(e); });
  return rp;
}

} // namespace samsa::actors
