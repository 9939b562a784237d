#include "actors/partition_manager.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <system_error>

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/partition_offline.hpp"
#include "actors/partition_replica.hpp"
#include "cluster/offsets_topic.hpp"

namespace samsa::actors {

namespace fs = std::filesystem;

namespace {

std::string iso_time_now() {
  auto t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
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

} // namespace

fs::path data_dir(const cluster::server_config& cfg) {
  // log.dirs may list several directories; samsa uses the first one today.
  auto dirs = cfg.log_dirs;
  auto comma = dirs.find(',');
  return fs::path{comma == std::string::npos ? dirs : dirs.substr(0, comma)};
}

fs::path partition_dir(const cluster::server_config& cfg, const std::string& topic, int32_t p) {
  return data_dir(cfg) / persistence::partition_dir_string(topic, p);
}

// A partition whose log cannot be opened gets an offline stand-in (KAFKA_STORAGE_ERROR to every request)
// and an error line: one damaged partition never keeps the node, or the rest of its topic, from serving.
partition_actor open_partition(caf::actor_system& sys, const cluster::server_config& cfg,
                               const persistence::topic_record& rec, int32_t p,
                               std::shared_ptr<std::atomic<int64_t>> producer_id_limit, size_t* offline,
                               const replica_wiring* wiring) {
  partition_replica_config pc;
  pc.topic = rec.name;
  pc.partition = p;
  pc.dir = partition_dir(cfg, rec.name, p);
  pc.log = cluster::partition_log_config(cfg, rec.name, rec.configs);
  pc.node_id = broker_id_t{cfg.node_id};
  pc.min_insync_replicas = cfg.min_insync_replicas;
  if (auto i = rec.configs.find("min.insync.replicas"); i != rec.configs.end())
    pc.min_insync_replicas = std::stoi(i->second);
  pc.retention_check_interval_ms = cfg.log_retention_check_interval_ms;
  pc.producer_id_expiration_ms = cfg.producer_id_expiration_ms;
  pc.producer_id_limit = std::move(producer_id_limit);
  pc.replica_lag_time_max_ms = cfg.replica_lag_time_max_ms;
  pc.replica_fetch_max_bytes = cfg.replica_fetch_max_bytes;
  pc.replica_fetch_wait_max_ms = cfg.replica_fetch_wait_max_ms;
  if (wiring) {
    pc.leadership = wiring->leadership;
    pc.broker = wiring->broker;
    pc.controller = wiring->controller;
    pc.progress_listener = wiring->progress_listener;
    pc.lease = wiring->lease;
  }
  auto dir = pc.dir;
  auto hdl = spawn_partition_replica(sys, std::move(pc));
  if (hdl)
    return std::move(*hdl);
  auto reason = describe(hdl.error());
  spdlog::error("{}-{} is offline: {}; the node serves its other partitions. Repair or move away {} and "
                "restart to bring it back", rec.name, p, reason, dir.string());
  if (offline)
    ++*offline;
  return spawn_offline_partition(sys, rec.name, p, dir, reason);
}

topic_entry open_topic(caf::actor_system& sys, const cluster::server_config& cfg, const persistence::topic_record& rec,
                       std::shared_ptr<std::atomic<int64_t>> producer_id_limit, size_t* offline) {
  topic_entry entry;
  entry.record = rec;
  for (int32_t p = 0; p < rec.partitions; ++p)
    entry.partitions.push_back(open_partition(sys, cfg, rec, p, producer_id_limit, offline));
  entry.inflight.assign(entry.partitions.size(), 0);
  return entry;
}

void stop_partitions(const std::map<std::string, topic_entry>& topics) {
  for (auto& [name, t] : topics)
    for (auto& p : t.partitions)
      if (p)
        caf::anon_send_exit(p, caf::exit_reason::user_shutdown);
}

caf::expected<node_data> open_node_data(caf::actor_system& sys, const cluster::server_config& cfg) {
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
  node_data out;
  auto& topics = out.topics;
  size_t partitions = 0, offline = 0;
  if (cfg.runs_quorum()) {
    // A cluster node opens its replicas once the metadata image says which are its own (broker_cluster).
    out.lease = std::make_shared<cluster::broker_lease>(cfg.broker_session_timeout_ms);
    spdlog::info("data directory {}: {} topic{} known from the last run; replicas open when the cluster's "
                 "metadata arrives", dir.string(), store->list_topics().size(), store->list_topics().size() == 1 ? "" : "s");
    out.lock = std::move(lock);
    out.store = std::move(store);
    out.producer_id_limit = std::move(producer_id_limit);
    return out;
  }
  for (auto& rec : store->list_topics()) {
    auto entry = open_topic(sys, cfg, rec, producer_id_limit, &offline);
    partitions += entry.partitions.size();
    topics.emplace(rec.name, std::move(entry));
  }
  tidy_data_dir(dir, topics);
  spdlog::info("data directory {}: {} topic{}, {} partition{}{}", dir.string(), topics.size(),
               topics.size() == 1 ? "" : "s", partitions, partitions == 1 ? "" : "s",
               offline ? " (" + std::to_string(offline) + " offline)" : std::string{});
  out.lock = std::move(lock);
  out.store = std::move(store);
  out.producer_id_limit = std::move(producer_id_limit);
  return out;
}

} // namespace samsa::actors
