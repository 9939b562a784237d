#include "actors/broker.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <random>
#include <system_error>

#include <spdlog/spdlog.h>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actors/broker_groups.hpp"
#include "actors/group_coordinator.hpp"
#include "actors/partition_offline.hpp"
#include "actors/partition_replica.hpp"
#include "messages/murmur2.hpp"
#include "persistence/data_dir.hpp"

namespace samsa::actors {

namespace {

namespace fs = std::filesystem;
using self_ptr = broker_actor::stateful_pointer<broker_state>;
constexpr auto request_timeout = std::chrono::seconds(30);
constexpr int32_t max_partitions_per_topic = 10000;

fs::path data_dir(const cluster::server_config& cfg) {
  // log.dirs may list several directories; samsa uses the first one today.
  auto dirs = cfg.log_dirs;
  auto comma = dirs.find(',');
  return fs::path{comma == std::string::npos ? dirs : dirs.substr(0, comma)};
}

fs::path partition_dir(const cluster::server_config& cfg, const std::string& topic, int32_t p) {
  return data_dir(cfg) / persistence::partition_dir_string(topic, p);
}

std::string iso_time_now() {
  auto t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Spawns the topic's partition actors. A partition whose log cannot be opened gets an offline stand-in
// (KAFKA_STORAGE_ERROR to every request) and an error line: one damaged partition never keeps the node,
// or the rest of its topic, from serving.
topic_entry open_topic(caf::actor_system& sys, const cluster::server_config& cfg, const persistence::topic_record& rec,
                       std::shared_ptr<std::atomic<int64_t>> producer_id_limit, size_t* offline = nullptr) {
  topic_entry entry;
  entry.record = rec;
  auto log_cfg = cluster::effective_log_config(cfg, rec.configs);
  int32_t min_isr = cfg.min_insync_replicas;
  if (auto i = rec.configs.find("min.insync.replicas"); i != rec.configs.end())
    min_isr = std::stoi(i->second);
  for (int32_t p = 0; p < rec.partitions; ++p) {
    partition_replica_config pc;
    pc.topic = rec.name;
    pc.partition = p;
    pc.dir = partition_dir(cfg, rec.name, p);
    pc.log = log_cfg;
    pc.node_id = cfg.node_id;
    pc.min_insync_replicas = min_isr;
    pc.retention_check_interval_ms = cfg.log_retention_check_interval_ms;
    pc.producer_id_expiration_ms = cfg.producer_id_expiration_ms;
    pc.producer_id_limit = producer_id_limit;
    auto dir = pc.dir;
    auto hdl = spawn_partition_replica(sys, std::move(pc));
    if (hdl) {
      entry.partitions.push_back(std::move(*hdl));
      continue;
    }
    auto reason = describe(hdl.error());
    spdlog::error("{}-{} is offline: {}; the node serves its other partitions. Repair or move away {} and "
                  "restart to bring it back", rec.name, p, reason, dir.string());
    entry.partitions.push_back(spawn_offline_partition(sys, rec.name, p, dir, reason));
    if (offline)
      ++*offline;
  }
  entry.inflight.assign(entry.partitions.size(), 0);
  return entry;
}

topic_description describe_record(const persistence::topic_record& rec) {
  topic_description d;
  d.name = rec.name;
  d.topic_id = rec.topic_id;
  d.partitions = rec.partitions;
  d.replication_factor = rec.replication_factor;
  d.configs = rec.configs;
  return d;
}

// Deletes what the node can prove is its own garbage (the "-delete" tombstones of deleted partitions a
// crash left behind) and reports everything else it does not own, without touching it.
void tidy_data_dir(const fs::path& dir, const std::map<std::string, topic_entry>& topics) {
  auto scan = persistence::scan_data_dir(dir);
  for (auto& d : scan.deleted) {
    std::error_code ec;
    fs::remove_all(d, ec);
    if (ec)
      spdlog::warn("cannot remove {} (a partition of a deleted topic): {}", d.string(), ec.message());
    else
      spdlog::info("removed {}: a partition of a topic deleted before the last stop", d.string());
  }
  for (auto& [path, name] : scan.partitions) {
    auto t = topics.find(name.topic);
    if (t == topics.end() || name.partition >= t->second.record.partitions)
      spdlog::warn("leaving {} alone: it is not a partition of any topic of this node (move it away if it is "
                   "not needed)", path.string());
  }
  for (auto& path : scan.unknown)
    spdlog::warn("leaving {} alone: not a directory samsa knows", path.string());
}

// A node whose metadata is new (metadata.db missing or empty) but whose data directory holds partition logs
// has lost its topic list: starting would hide those records and a topic created under the same name would
// adopt or overwrite them. Returns the refusal message, or "" when there is nothing to protect.
std::string lost_metadata_check(const fs::path& dir) {
  std::vector<std::string> with_data;
  for (auto& [path, name] : persistence::scan_data_dir(dir).partitions)
    if (persistence::holds_log_data(path))
      with_data.push_back(path.filename().string());
  if (with_data.empty())
    return {};
  std::sort(with_data.begin(), with_data.end());
  std::string list;
  for (size_t i = 0; i < with_data.size() && i < 5; ++i)
    list += (i ? ", " : "") + with_data[i];
  if (with_data.size() > 5)
    list += ", ... (" + std::to_string(with_data.size()) + " in all)";
  return "data directory " + dir.string() + " holds partition logs (" + list + ") but " + (dir / "metadata.db").string()
         + " is missing or empty, so this node does not know their topics. Refusing to start so that nothing is "
           "hidden or deleted: restore metadata.db from a backup, or move the partition directories away to start "
           "an empty node";
}

void save_snapshot(broker_state& st) {
  // A versioned Boost blob of the metadata image: what a joining replica will bootstrap from.
  st.store->save_snapshot(st.store->image());
}

// Validates and creates a topic (metadata, then partition logs); validate_only stops before any change.
caf::expected<persistence::topic_record> create_topic(self_ptr self, topic_spec spec) {
  auto& st = self->state;
  if (auto why = cluster::validate_topic_name(spec.name); !why.empty())
    return make_error(api_errc::invalid_topic, why);
  if (spec.partitions == -1)
    spec.partitions = st.cfg.num_partitions;
  if (spec.partitions <= 0 || spec.partitions > max_partitions_per_topic)
    return make_error(api_errc::invalid_partitions,
                      "number of partitions must be between 1 and " + std::to_string(max_partitions_per_topic));
  if (spec.replication_factor == -1)
    spec.replication_factor = st.cfg.default_replication_factor;
  if (spec.replication_factor <= 0 || spec.replication_factor > 1)
    return make_error(api_errc::invalid_replication_factor,
                      "replication factor " + std::to_string(spec.replication_factor)
                        + " larger than available brokers: 1");
  if (auto why = cluster::validate_topic_configs(spec.configs); !why.empty())
    return make_error(api_errc::invalid_config, why);
  if (st.topics.count(spec.name) > 0)
    return make_error(api_errc::topic_already_exists, "topic '" + spec.name + "' already exists");
  persistence::topic_record rec;
  rec.name = spec.name;
  rec.partitions = spec.partitions;
  rec.replication_factor = spec.replication_factor;
  rec.configs = spec.configs;
  rec.created_ms = wall_clock_ms();
  for (int32_t p = 0; p < rec.partitions; ++p) {
    auto d = partition_dir(st.cfg, rec.name, p);
    if (persistence::holds_log_data(d))
      return make_error(api_errc::storage_error, "directory " + d.string() + " already holds records of a topic this "
                                                   "node does not know; move it away before creating topic '"
                                                   + rec.name + "'");
  }
  if (spec.validate_only)
    return rec;
  if (auto e = st.store->create_topic(rec); e != persistence::errc::ok)
    return make_error(to_api_errc(e), "cannot store topic: " + st.store->last_error());
  if (auto stored = st.store->get_topic(rec.name))
    rec = *stored; // picks up the generated topic id
  st.topics[rec.name] = open_topic(self->system(), st.cfg, rec, st.producer_id_limit);
  save_snapshot(st);
  spdlog::info("created topic {} ({} partition{}, topic id {}{})", rec.name, rec.partitions,
               rec.partitions == 1 ? "" : "s", rec.topic_id, rec.configs.empty() ? "" : ", with config overrides");
  return rec;
}

// Collects the answers of several partition actors into one reply.
struct produce_gather {
  produce_response response;
  size_t pending = 0;
  bool delivered = false;
  caf::typed_response_promise<produce_response> promise;
  void done() {
    if (--pending == 0 && !delivered) {
      delivered = true;
      promise.deliver(std::move(response));
    }
  }
};

// The group registry is dynamically typed (node-local): forward through a request and a promise.
template <class T, class... Ts>
caf::result<T> ask_groups(self_ptr self, Ts&&... xs) {
  auto rp = self->make_response_promise<T>();
  self->request(self->state.groups, request_timeout, std::forward<Ts>(xs)...)
    .then([=](T& x) mutable { rp.deliver(std::move(x)); }, [=](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

} // namespace

broker_state::~broker_state() {
  // Partition actors are owned by the broker: they stop (closing their logs cleanly) when it stops.
  for (auto& [name, t] : topics)
    for (auto& p : t.partitions)
      caf::anon_send_exit(p, caf::exit_reason::user_shutdown);
  if (groups)
    caf::anon_send_exit(groups, caf::exit_reason::user_shutdown);
}

caf::expected<broker_actor> spawn_broker(caf::actor_system& sys, const cluster::server_config& cfg) {
  std::error_code ec;
  auto dir = data_dir(cfg);
  fs::create_directories(dir, ec);
  if (ec)
    return make_error(api_errc::storage_error, "cannot create data directory " + dir.string() + ": " + ec.message());
  std::string err;
  auto holder = "pid " + std::to_string(::getpid()) + ", node.id " + std::to_string(cfg.node_id) + ", since "
                + iso_time_now();
  std::shared_ptr<persistence::data_dir_lock> lock = persistence::data_dir_lock::acquire(dir, holder, &err);
  if (!lock)
    return make_error(api_errc::storage_error, err);
  bool had_metadata = fs::exists(dir / "metadata.db", ec) && fs::file_size(dir / "metadata.db", ec) > 0;
  if (!had_metadata) {
    // Checked before SQLite creates the file, so a refused start changes nothing on disk.
    if (auto why = lost_metadata_check(dir); !why.empty())
      return make_error(api_errc::storage_error, why);
  }
  std::shared_ptr<persistence::metadata_store> store = persistence::metadata_store::open(dir / "metadata.db", &err);
  if (!store)
    return make_error(api_errc::storage_error, "cannot open " + (dir / "metadata.db").string() + ": " + err);
  if (auto id = store->node_id(); id && *id != cfg.node_id)
    return make_error(api_errc::invalid_config, "data directory " + dir.string() + " belongs to node.id "
                                                  + std::to_string(*id) + ", configured node.id is "
                                                  + std::to_string(cfg.node_id));
  if (!store->node_id() && store->list_topics().empty()) {
    // A metadata.db that exists but was never initialised (created by hand, or its tables were emptied).
    if (auto why = lost_metadata_check(dir); !why.empty())
      return make_error(api_errc::storage_error, why);
  }
  store->set_node_id(cfg.node_id);
  auto producer_id_limit = std::make_shared<std::atomic<int64_t>>(store->producer_id_limit());
  auto topics = std::make_shared<std::map<std::string, topic_entry>>();
  size_t partitions = 0, offline = 0;
  for (auto& rec : store->list_topics()) {
    auto entry = open_topic(sys, cfg, rec, producer_id_limit, &offline);
    partitions += entry.partitions.size();
    topics->emplace(rec.name, std::move(entry));
  }
  tidy_data_dir(dir, *topics);
  spdlog::info("data directory {}: {} topic{}, {} partition{}{}", dir.string(), topics->size(),
               topics->size() == 1 ? "" : "s", partitions, partitions == 1 ? "" : "s",
               offline ? " (" + std::to_string(offline) + " offline)" : std::string{});
  group_registry_config gcfg;
  gcfg.db_file = dir / "metadata.db";
  gcfg.group.initial_rebalance_delay_ms = cfg.group_initial_rebalance_delay_ms;
  gcfg.offsets_retention_ms = int64_t{cfg.offsets_retention_minutes} * 60 * 1000;
  auto groups = spawn_group_registry(sys, gcfg);
  if (!groups) {
    for (auto& [name, t] : *topics)
      for (auto& p : t.partitions)
        caf::anon_send_exit(p, caf::exit_reason::user_shutdown);
    return groups.error();
  }
  return sys.spawn(broker, cfg, std::move(store), std::move(topics), *groups, std::move(lock),
                   std::move(producer_id_limit));
}

broker_actor::behavior_type broker(self_ptr self, cluster::server_config cfg,
                                   std::shared_ptr<persistence::metadata_store> store,
                                   std::shared_ptr<std::map<std::string, topic_entry>> topics, caf::actor groups,
                                   std::shared_ptr<persistence::data_dir_lock> lock,
                                   std::shared_ptr<std::atomic<int64_t>> producer_id_limit) {
  auto& st = self->state;
  st.lock = std::move(lock);
  st.producer_id_limit = std::move(producer_id_limit);
  st.groups = std::move(groups);
  st.cfg = std::move(cfg);
  st.store = std::move(store);
  st.topics = std::move(*topics);
  st.info.cluster_id = st.store->cluster_id();
  st.info.node_id = st.cfg.node_id;
  st.info.kafka_listener = st.cfg.listener_host() + ":" + std::to_string(st.cfg.listener_port());
  st.info.native_listener = st.cfg.native_host() + ":" + std::to_string(st.cfg.native_port());
  st.info.data_dir = data_dir(st.cfg).string();
  save_snapshot(st);
  return {
    [=](create_atom, topic_spec& spec) -> caf::result<topic_description> {
      auto validate_only = spec.validate_only;
      auto entry = create_topic(self, std::move(spec));
      if (!entry)
        return entry.error();
      auto d = describe_record(*entry);
      for (int32_t p = 0; p < d.partitions; ++p) {
        partition_state s;
        s.partition = p;
        s.leader = self->state.cfg.node_id;
        s.replicas = s.isr = {s.leader};
        d.partition_states.push_back(s);
      }
      if (validate_only)
        d.topic_id.clear();
      return d;
    },
    [=](delete_atom, std::string& name) -> caf::result<bool> {
      auto& st = self->state;
      auto i = st.topics.find(name);
      if (i == st.topics.end())
        return make_error(api_errc::unknown_topic_or_partition, "unknown topic '" + name + "'");
      // Metadata first: a crash after this point leaves only orphan directories, removed at startup.
      if (auto e = st.store->delete_topic(name); e != persistence::errc::ok)
        return make_error(to_api_errc(e), "cannot delete topic: " + st.store->last_error());
      auto parts = std::move(i->second.partitions);
      st.topics.erase(i);
      caf::anon_send(st.groups, delete_atom::value, name); // committed offsets of the topic go too
      save_snapshot(st);
      spdlog::info("deleted topic {} ({} partition{})", name, parts.size(), parts.size() == 1 ? "" : "s");
      auto rp = self->make_response_promise<bool>();
      auto pending = std::make_shared<size_t>(parts.size());
      for (auto& p : parts) {
        self->request(p, request_timeout, delete_atom::value)
          .then([=](bool) mutable { if (--*pending == 0) rp.deliver(true); },
                [=](caf::error&) mutable { if (--*pending == 0) rp.deliver(true); });
      }
      return rp;
    },
    [=](describe_atom, std::vector<std::string>& names) -> caf::result<std::vector<topic_description>> {
      auto& st = self->state;
      std::vector<const topic_entry*> selected;
      if (names.empty()) {
        for (auto& [n, t] : st.topics)
          selected.push_back(&t);
      } else {
        for (auto& n : names) {
          auto i = st.topics.find(n);
          if (i == st.topics.end())
            return make_error(api_errc::unknown_topic_or_partition, "unknown topic '" + n + "'");
          selected.push_back(&i->second);
        }
      }
      auto out = std::make_shared<std::vector<topic_description>>();
      auto pending = std::make_shared<size_t>(0);
      for (auto* t : selected) {
        out->push_back(describe_record(t->record));
        out->back().partition_states.resize(t->partitions.size());
        *pending += t->partitions.size();
      }
      if (*pending == 0)
        return *out;
      auto rp = self->make_response_promise<std::vector<topic_description>>();
      for (size_t ti = 0; ti < selected.size(); ++ti) {
        for (size_t p = 0; p < selected[ti]->partitions.size(); ++p) {
          self->request(selected[ti]->partitions[p], request_timeout, info_atom::value)
            .then(
              [=](partition_state& s) mutable {
                (*out)[ti].partition_states[p] = std::move(s);
                if (--*pending == 0)
                  rp.deliver(std::move(*out));
              },
              [=](caf::error& e) mutable {
                if (--*pending == 0)
                  rp.deliver(std::move(*out));
              });
        }
      }
      return rp;
    },
    [=](produce_atom, produce_request& req) -> caf::result<produce_response> {
      auto& st = self->state;
      auto i = st.topics.find(req.topic);
      if (i == st.topics.end()) {
        if (!st.cfg.auto_create_topics_enable)
          return make_error(api_errc::unknown_topic_or_partition, "unknown topic '" + req.topic + "'");
        topic_spec spec;
        spec.name = req.topic;
        auto created = create_topic(self, std::move(spec));
        if (!created)
          return created.error();
        i = st.topics.find(req.topic);
      }
      auto& topic = i->second;
      auto n = static_cast<int32_t>(topic.partitions.size());
      produce_response immediate;
      immediate.topic = req.topic;
      if (req.acks != acks_none && req.acks != acks_leader && req.acks != acks_all)
        return make_error(api_errc::invalid_required_acks, "acks must be -1, 0 or 1");
      if (req.records.empty())
        return immediate;
      // Route: explicit partition, else murmur2(key) for keyed records, one round-robin partition for the rest.
      std::map<int32_t, std::vector<record>> by_partition;
      if (req.partition >= 0) {
        if (req.partition >= n) {
          partition_produce_result r;
          r.partition = req.partition;
          r.error = static_cast<uint8_t>(api_errc::unknown_topic_or_partition);
          r.error_message = "topic '" + req.topic + "' has " + std::to_string(n) + " partitions";
          immediate.partitions.push_back(std::move(r));
          return immediate;
        }
        by_partition[req.partition] = std::move(req.records);
      } else {
        auto spread = static_cast<int32_t>(st.round_robin++ % static_cast<uint32_t>(n));
        for (auto& r : req.records) {
          auto p = r.key ? partition_for_key(r.key->data(), r.key->size(), n) : spread;
          by_partition[p].push_back(std::move(r));
        }
      }
      auto gather = std::make_shared<produce_gather>();
      gather->response.topic = req.topic;
      gather->pending = by_partition.size();
      gather->promise = self->make_response_promise<produce_response>();
      auto acks = req.acks;
      bool early = acks == acks_none;
      for (auto& [p, recs] : by_partition)
        early = early && topic.inflight[p] < max_inflight_per_partition;
      for (auto& [p, recs] : by_partition) {
        auto count = static_cast<int32_t>(recs.size());
        ++topic.inflight[p];
        auto topic_name = req.topic;
        auto credit_back = [self, topic_name, p = p] {
          auto t = self->state.topics.find(topic_name);
          if (t != self->state.topics.end() && p < static_cast<int32_t>(t->second.inflight.size()))
            --t->second.inflight[p];
        };
        self->request(topic.partitions[p], request_timeout, produce_atom::value, std::move(recs), acks)
          .then(
            [=](partition_produce_result& r) {
              credit_back();
              if (early)
                return;
              gather->response.partitions.push_back(std::move(r));
              gather->done();
            },
            [=](caf::error& e) {
              credit_back();
              if (early)
                return;
              partition_produce_result r;
              r.partition = p;
              r.record_count = count;
              r.error = static_cast<uint8_t>(api_code(e) == api_errc::ok ? api_errc::request_timed_out : api_code(e));
              r.error_message = describe(e);
              gather->response.partitions.push_back(std::move(r));
              gather->done();
            });
        if (early) {
          partition_produce_result r;
          r.partition = p;
          r.record_count = count;
          gather->response.partitions.push_back(std::move(r));
        }
      }
      if (early) {
        gather->delivered = true;
        return std::move(gather->response);
      }
      return gather->promise;
    },
    [=](fetch_atom, fetch_request& req) -> caf::result<fetch_response> {
      auto& st = self->state;
      auto i = st.topics.find(req.topic);
      if (i == st.topics.end() || req.partition < 0
          || req.partition >= static_cast<int32_t>(i->second.partitions.size())) {
        fetch_response r;
        r.partition = req.partition;
        r.error = static_cast<uint8_t>(api_errc::unknown_topic_or_partition);
        return r;
      }
      return self->delegate(i->second.partitions[req.partition], fetch_atom::value, std::move(req));
    },
    [=](offsets_atom, std::string& topic, int32_t partition, int64_t ts) -> caf::result<offset_answer> {
      auto& st = self->state;
      auto i = st.topics.find(topic);
      if (i == st.topics.end() || partition < 0 || partition >= static_cast<int32_t>(i->second.partitions.size())) {
        offset_answer a;
        a.error = static_cast<uint8_t>(api_errc::unknown_topic_or_partition);
        return a;
      }
      return self->delegate(i->second.partitions[partition], offsets_atom::value, ts);
    },
    [=](partition_atom, std::string& topic, int32_t partition) -> caf::result<partition_actor> {
      auto& st = self->state;
      auto i = st.topics.find(topic);
      if (i == st.topics.end() || partition < 0 || partition >= static_cast<int32_t>(i->second.partitions.size()))
        return make_error(api_errc::unknown_topic_or_partition, topic + "-" + std::to_string(partition));
      return i->second.partitions[partition];
    },
    [=](info_atom) -> cluster_info { return self->state.info; },
    [=](groups_atom) -> caf::actor { return self->state.groups; },
    [=](groups_atom, list_atom) -> caf::result<std::vector<group_info>> {
      return ask_groups<std::vector<group_info>>(self, list_atom::value);
    },
    [=](groups_atom, describe_atom, std::string& group) -> caf::result<group_info> {
      return ask_groups<group_info>(self, describe_atom::value, std::move(group));
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
    [=](producer_id_atom) -> caf::result<int64_t> {
      auto& st = self->state;
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
      return st.next_producer_id++;
    },
  };
}

} // namespace samsa::actors
