#include "cluster/config_describe.hpp"

#include <algorithm>
#include <functional>

namespace samsa::cluster {

namespace {

// How one broker key reads back: its Kafka type and its value in server_config (nullopt: not kept as
// such, e.g. log.retention.hours, which parsing folds into log.retention.ms).
struct broker_key_view {
  std::string_view key;
  config_type type;
  std::function<std::optional<std::string>(const server_config&)> value;
};

template <class T>
broker_key_view number(std::string_view key, T server_config::*member) {
  constexpr auto type = sizeof(T) == 8 ? config_type::long_type
                        : sizeof(T) == 2 ? config_type::short_type : config_type::int_type;
  return {key, type, [=](const server_config& s) { return std::optional<std::string>(std::to_string(s.*member)); }};
}

broker_key_view text(std::string_view key, std::string server_config::*member, config_type type = config_type::string) {
  return {key, type, [=](const server_config& s) { return std::optional<std::string>(s.*member); }};
}

broker_key_view flag(std::string_view key, bool server_config::*member) {
  return {key, config_type::boolean,
          [=](const server_config& s) { return std::optional<std::string>(s.*member ? "true" : "false"); }};
}

broker_key_view folded(std::string_view key, config_type type) {
  return {key, type, [](const server_config&) { return std::optional<std::string>(); }};
}

// Every broker key of server_config_keys() (a test keeps the two lists equal).
const std::vector<broker_key_view>& broker_views() {
  using c = server_config;
  static const std::vector<broker_key_view> views = {
    number("node.id", &c::node_id),
    text("listeners", &c::listeners, config_type::list),
    text("advertised.listeners", &c::advertised_listeners, config_type::list),
    text("samsa.native.listener", &c::native_listener),
    text("log.dirs", &c::log_dirs, config_type::list),
    number("num.io.threads", &c::num_io_threads),
    number("socket.request.max.bytes", &c::socket_request_max_bytes),
    number("num.partitions", &c::num_partitions),
    number("default.replication.factor", &c::default_replication_factor),
    number("min.insync.replicas", &c::min_insync_replicas),
    flag("auto.create.topics.enable", &c::auto_create_topics_enable),
    number("message.max.bytes", &c::message_max_bytes),
    number("log.segment.bytes", &c::log_segment_bytes),
    number("log.roll.ms", &c::log_roll_ms),
    folded("log.roll.hours", config_type::int_type),
    number("log.retention.ms", &c::log_retention_ms),
    folded("log.retention.minutes", config_type::int_type),
    folded("log.retention.hours", config_type::int_type),
    number("log.retention.bytes", &c::log_retention_bytes),
    number("log.retention.check.interval.ms", &c::log_retention_check_interval_ms),
    number("log.index.interval.bytes", &c::log_index_interval_bytes),
    number("log.flush.interval.messages", &c::log_flush_interval_messages),
    number("log.flush.interval.ms", &c::log_flush_interval_ms),
    number("offsets.retention.minutes", &c::offsets_retention_minutes),
    number("group.initial.rebalance.delay.ms", &c::group_initial_rebalance_delay_ms),
    number("max.connections", &c::max_connections),
    number("max.connections.per.ip", &c::max_connections_per_ip),
    number("connections.max.idle.ms", &c::connections_max_idle_ms),
    number("producer.id.expiration.ms", &c::producer_id_expiration_ms),
    text("log.level", &c::log_level),
    number("samsa.native.max.message.bytes", &c::native_max_message_bytes),
    text("samsa.native.ssl.cafile", &c::native_ssl_cafile),
    text("samsa.native.ssl.certfile", &c::native_ssl_certfile),
    text("samsa.native.ssl.keyfile", &c::native_ssl_keyfile),
    text("samsa.native.ssl.key.password", &c::native_ssl_key_password, config_type::password),
    flag("samsa.native.allow.unauthenticated", &c::native_allow_unauthenticated),
    text("controller.quorum.voters", &c::controller_quorum_voters, config_type::list),
    text("process.roles", &c::process_roles, config_type::list),
    number("controller.quorum.election.timeout.ms", &c::controller_quorum_election_timeout_ms),
    number("controller.quorum.fetch.timeout.ms", &c::controller_quorum_fetch_timeout_ms),
    number("metadata.log.max.record.bytes.between.snapshots", &c::metadata_log_max_record_bytes_between_snapshots),
    number("broker.session.timeout.ms", &c::broker_session_timeout_ms),
    number("broker.heartbeat.interval.ms", &c::broker_heartbeat_interval_ms),
    number("replica.lag.time.max.ms", &c::replica_lag_time_max_ms),
    number("replica.fetch.max.bytes", &c::replica_fetch_max_bytes),
    number("replica.fetch.wait.max.ms", &c::replica_fetch_wait_max_ms),
    flag("unclean.leader.election.enable", &c::unclean_leader_election_enable),
    flag("auto.leader.rebalance.enable", &c::auto_leader_rebalance_enable),
    number("leader.imbalance.check.interval.seconds", &c::leader_imbalance_check_interval_seconds),
  };
  return views;
}

const broker_key_view* find_view(std::string_view key) {
  for (const auto& v : broker_views())
    if (v.key == key)
      return &v;
  return nullptr;
}

// Topic key -> (broker key it defaults to, type). A few broker keys are not samsa keys (a broker
// cannot set them): their value is Kafka's default, given here.
struct topic_synonym {
  std::string_view topic_key;
  std::string_view broker_key;
  config_type type;
  std::string_view fixed_default = {};
};
const topic_synonym topic_synonyms[] = {
  {"cleanup.policy", "log.cleanup.policy", config_type::list, "delete"},
  {"delete.retention.ms", "log.cleaner.delete.retention.ms", config_type::long_type, "86400000"},
  {"min.cleanable.dirty.ratio", "log.cleaner.min.cleanable.ratio", config_type::double_type, "0.5"},
  {"retention.ms", "log.retention.ms", config_type::long_type},
  {"retention.bytes", "log.retention.bytes", config_type::long_type},
  {"segment.bytes", "log.segment.bytes", config_type::int_type},
  {"segment.ms", "log.roll.ms", config_type::long_type},
  {"max.message.bytes", "message.max.bytes", config_type::int_type},
  {"min.insync.replicas", "min.insync.replicas", config_type::int_type},
  {"flush.messages", "log.flush.interval.messages", config_type::long_type},
  {"flush.ms", "log.flush.interval.ms", config_type::long_type},
  {"index.interval.bytes", "log.index.interval.bytes", config_type::int_type},
  {"unclean.leader.election.enable", "unclean.leader.election.enable", config_type::boolean},
};

const topic_synonym* find_synonym(std::string_view topic_key) {
  for (const auto& s : topic_synonyms)
    if (s.topic_key == topic_key)
      return &s;
  return nullptr;
}

// A broker key's value on this node and its source (static when it differs from the built-in default).
// A key that is not a samsa key has fixed_default as its value.
config_synonym broker_value(const server_config& s, std::string_view key, std::string_view fixed_default = {}) {
  static const server_config defaults;
  config_synonym out;
  out.name = std::string(key);
  const auto* view = find_view(key);
  if (!view) {
    out.value = std::string(fixed_default);
    out.source = config_source::default_config;
    return out;
  }
  out.value = view->value(s);
  out.source = out.value == view->value(defaults) ? config_source::default_config : config_source::static_broker;
  return out;
}

} // namespace

std::string broker_synonym(const std::string& topic_key) {
  const auto* s = find_synonym(topic_key);
  return s ? std::string(s->broker_key) : std::string{};
}

const char* source_name(config_source s) {
  switch (s) {
    case config_source::dynamic_topic: return "DYNAMIC_TOPIC_CONFIG";
    case config_source::dynamic_broker: return "DYNAMIC_BROKER_CONFIG";
    case config_source::dynamic_default_broker: return "DYNAMIC_DEFAULT_BROKER_CONFIG";
    case config_source::static_broker: return "STATIC_BROKER_CONFIG";
    case config_source::default_config: return "DEFAULT_CONFIG";
    case config_source::unknown: break;
  }
  return "UNKNOWN";
}

config_type topic_config_type(const std::string& topic_key) {
  const auto* s = find_synonym(topic_key);
  return s ? s->type : config_type::string;
}

std::vector<config_entry> describe_topic_configs(const server_config& s,
                                                 const std::map<std::string, std::string>& overrides) {
  std::vector<config_entry> out;
  for (auto key : topic_config_keys()) {
    config_entry e;
    e.name = std::string(key);
    const auto* syn = find_synonym(key);
    e.type = syn ? syn->type : config_type::string;
    if (auto it = overrides.find(e.name); it != overrides.end())
      e.synonyms.push_back({e.name, it->second, config_source::dynamic_topic});
    if (syn) {
      auto broker = broker_value(s, syn->broker_key, syn->fixed_default);
      // Behind a static value stands the built-in default.
      if (broker.source == config_source::static_broker)
        e.synonyms.push_back(broker);
      e.synonyms.push_back(broker_value(server_config{}, syn->broker_key, syn->fixed_default));
    }
    if (!e.synonyms.empty()) {
      e.value = e.synonyms.front().value;
      e.source = e.synonyms.front().source;
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<config_entry> describe_broker_configs(const server_config& s) {
  std::vector<config_entry> out;
  for (auto key : server_config_keys()) {
    config_entry e;
    e.name = std::string(key);
    e.read_only = true;  // no dynamic broker configs in samsa
    const auto* view = find_view(key);
    e.type = view ? view->type : config_type::string;
    e.sensitive = e.type == config_type::password;
    auto mine = broker_value(s, key);
    if (mine.source == config_source::static_broker)
      e.synonyms.push_back(mine);
    e.synonyms.push_back(broker_value(server_config{}, key));
    e.value = mine.value;
    e.source = mine.source;
    if (e.sensitive) {
      e.value.reset();
      for (auto& syn : e.synonyms)
        syn.value.reset();
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<config_entry> select_configs(std::vector<config_entry> entries,
                                         const std::optional<std::vector<std::string>>& keys) {
  if (!keys)
    return entries;
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [&](const config_entry& e) {
                                 return std::find(keys->begin(), keys->end(), e.name) == keys->end();
                               }),
                entries.end());
  return entries;
}

} // namespace samsa::cluster
