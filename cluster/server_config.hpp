#pragma once
// Broker configuration with Kafka's server.properties key names, its parser, and the per-topic config
// rules (Kafka's topic-level names). Pure functions over text: no I/O except load_server_config reading
// the file it is given.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "persistence/log_config.hpp"

namespace samsa::cluster {

// One entry of controller.quorum.voters: voter `id`'s native listener (samsa.native.listener).
struct quorum_voter {
  int32_t id = -1;
  std::string host;
  uint16_t port = 0;
};

// One broker's settings. The defaults here are the defaults of the product: config/server.properties
// repeats them key by key (a test keeps the two equal). Filled by parse_server_properties, which has
// checked every value, so holders may rely on the documented ranges; -1 means "unlimited" / "never" where
// a comment says so. Read by the broker bootstrap and handed to the actors that need parts of it.
struct server_config {
  int32_t node_id = 1;                                    // node.id
  std::string listeners = "PLAINTEXT://127.0.0.1:9092";   // Kafka listener (served in a later step)
  std::string advertised_listeners;                       // empty: same as listeners
  std::string log_dirs = "./data";                        // log.dirs (comma-separated)
  std::string native_listener = "127.0.0.1:19092";        // samsa.native.listener: CAF actor API host:port
  std::string http_listener = "127.0.0.1:9644";           // samsa.http.listener: Prometheus /metrics; empty: off
  int32_t num_partitions = 1;
  int16_t default_replication_factor = 1;
  int32_t min_insync_replicas = 1;
  bool auto_create_topics_enable = true;
  int32_t message_max_bytes = 1048588;                    // message.max.bytes
  // log.retention.ms > log.retention.minutes > log.retention.hours (168), like Kafka; -1: keep forever.
  int64_t log_retention_ms = 604800000;
  int64_t log_retention_bytes = -1;                       // -1: no size limit
  int64_t log_segment_bytes = 1073741824;
  int64_t log_roll_ms = 604800000;                        // log.roll.ms > log.roll.hours
  int64_t log_flush_interval_messages = -1;               // -1 (or Kafka's Long.MAX): never force a flush
  int64_t log_flush_interval_ms = -1;                     // -1: never
  int64_t log_retention_check_interval_ms = 300000;
  int32_t log_index_interval_bytes = 4096;
  int32_t socket_request_max_bytes = 104857600;
  int32_t num_io_threads = 2;                             // num.io.threads -> CAF scheduler threads
  int32_t offsets_retention_minutes = 10080;
  // The replicated offsets log of a cluster (__consumer_offsets); a single node keeps offsets in SQLite only.
  int32_t offsets_topic_num_partitions = 16;
  int16_t offsets_topic_replication_factor = 3;
  int32_t offsets_topic_segment_bytes = 104857600;  // its segments (compaction cleans closed ones only)
  int32_t offsets_commit_timeout_ms = 5000;
  int32_t group_initial_rebalance_delay_ms = 3000;
  // Connections (Kafka's names and defaults): Int.MAX means no limit.
  int32_t max_connections = 2147483647;                   // max.connections: Kafka listener connections
  int32_t max_connections_per_ip = 2147483647;            // max.connections.per.ip
  int64_t connections_max_idle_ms = 600000;               // connections.max.idle.ms: idle Kafka connections close
  int64_t producer_id_expiration_ms = 86400000;           // producer.id.expiration.ms: idle producer state expires
  std::string log_level = "info";                         // log.level: trace, debug, info, warn, error, off
  // Native API (CAF BASP) protection, docs/security.md. TLS with mutual authentication when all three
  // files are set (PEM); a listener off loopback without TLS is refused unless explicitly allowed.
  int32_t native_max_message_bytes = 104857600;           // samsa.native.max.message.bytes
  std::string native_ssl_cafile;                          // samsa.native.ssl.cafile
  std::string native_ssl_certfile;                        // samsa.native.ssl.certfile
  std::string native_ssl_keyfile;                         // samsa.native.ssl.keyfile
  std::string native_ssl_key_password;                    // samsa.native.ssl.key.password
  bool native_allow_unauthenticated = false;              // samsa.native.allow.unauthenticated
  // Controller quorum (KRaft's names). Empty voters: a single node without a quorum, as before.
  std::string controller_quorum_voters;                   // controller.quorum.voters: id@host:port,...
  std::string process_roles = "broker,controller";        // process.roles
  int32_t controller_quorum_election_timeout_ms = 1000;   // controller.quorum.election.timeout.ms
  int32_t controller_quorum_fetch_timeout_ms = 2000;      // controller.quorum.fetch.timeout.ms
  // Metadata log compaction (Kafka's KRaft name and default): a node snapshots its metadata image and drops
  // the log entries the snapshot covers once this many bytes of records were committed since its last one.
  int64_t metadata_log_max_record_bytes_between_snapshots = 20971520; // metadata.log.max.record.bytes.between.snapshots
  // Broker liveness (KRaft's names): heartbeats to the active controller, fenced without one this long.
  int32_t broker_session_timeout_ms = 9000;               // broker.session.timeout.ms
  int32_t broker_heartbeat_interval_ms = 2000;            // broker.heartbeat.interval.ms
  int64_t replica_lag_time_max_ms = 30000;                // replica.lag.time.max.ms: a follower this far behind leaves the ISR
  int32_t replica_fetch_max_bytes = 1048576;              // replica.fetch.max.bytes: per follower fetch (one batch at least)
  int32_t replica_fetch_wait_max_ms = 500;                // replica.fetch.wait.max.ms: a caught-up follower's long poll
  // Partition leadership (Kafka's names and defaults), decided by the active controller.
  bool unclean_leader_election_enable = false;            // unclean.leader.election.enable (topic-level too)
  bool auto_leader_rebalance_enable = true;               // auto.leader.rebalance.enable
  int64_t leader_imbalance_check_interval_seconds = 300;  // leader.imbalance.check.interval.seconds

  // From the first PLAINTEXT://host:port of listeners. An empty host (Kafka: all interfaces) is "0.0.0.0";
  // IPv6 brackets are removed.
  std::string listener_host() const;
  uint16_t listener_port() const;
  // What clients are told to connect to: the first PLAINTEXT entry of advertised.listeners, else of
  // listeners; an unspecified host (empty or 0.0.0.0) becomes 127.0.0.1 since it is not routable.
  std::string advertised_host() const;
  uint16_t advertised_port() const;
  std::string native_host() const;
  uint16_t native_port() const;
  // samsa.http.listener: off when empty (http_enabled() false, host "" and port 0).
  bool http_enabled() const;
  std::string http_host() const;
  uint16_t http_port() const;

  // controller.quorum.voters parsed (empty when unset or invalid; parse_server_properties reports why).
  std::vector<quorum_voter> quorum_voters() const;
  bool has_role(std::string_view role) const; // process.roles contains it
  // A voter of the controller quorum: process.roles has controller and the voters include node.id.
  bool quorum_voter_role() const;
  // A learner (KRaft's observer): voters configured, process.roles=broker, node.id not among the voters; it
  // follows the metadata log, registers its broker, never votes and never becomes the controller.
  bool quorum_learner_role() const;
  // This node runs a controller quorum member, a voter or a learner: a cluster node.
  bool runs_quorum() const;

  // The log.* keys and message.max.bytes as the storage layer's defaults for every topic.
  persistence::log_config default_log_config() const;
};

bool operator==(const server_config& a, const server_config& b);
inline bool operator!=(const server_config& a, const server_config& b) { return !(a == b); }

// The parsed configuration plus every problem found (never just the first: fixing a config file one
// error per restart is miserable).
struct config_result {
  server_config config;
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};

// Parses Java-properties text: '#'/'!' comment lines, key=value or key: value (split at the first '=' or
// ':'), surrounding whitespace trimmed, blank lines skipped, a trailing backslash continues the line. A key
// given twice keeps the last value, as in Java. Unknown keys and bad values are errors naming the key and
// line, e.g. "config line 7: unknown key 'log.retenton.ms' (did you mean 'log.retention.ms'?)".
// `overrides` (from --set) are applied after the file and validated the same way; their errors start
// with "--set <key>". Precedence between related keys (retention ms/minutes/hours) follows Kafka whatever
// the source: log.retention.ms always beats log.retention.hours.
config_result parse_server_properties(const std::string& text,
                                      std::vector<std::pair<std::string, std::string>> overrides = {});

// Reads `file` (when given; otherwise starts from the built-in defaults) and applies `set_args`, each
// "key=value". A file that cannot be read and a --set without '=' are reported as errors.
config_result load_server_config(const std::optional<std::string>& file, const std::vector<std::string>& set_args);

// Every key parse_server_properties accepts, in the order config/server.properties documents them.
const std::vector<std::string_view>& server_config_keys();

// Per-topic configs (Kafka topic-level names): cleanup.policy (delete only; compact is refused as not
// supported yet), retention.ms, retention.bytes, segment.bytes (>= 14), segment.ms, max.message.bytes,
// min.insync.replicas, flush.messages, flush.ms, index.interval.bytes, unclean.leader.election.enable. Returns "" when every entry is
// valid, else a message naming the first bad key.
std::string validate_topic_configs(const std::map<std::string, std::string>& configs);

// Every topic-level key validate_topic_configs accepts.
const std::vector<std::string_view>& topic_config_keys();

// The broker defaults with the topic's overrides applied. Overrides are expected to have passed
// validate_topic_configs; one that does not parse is ignored (the broker default stays) rather than
// failing a log open at startup.
persistence::log_config effective_log_config(const server_config& s,
                                             const std::map<std::string, std::string>& topic_overrides);

// unclean.leader.election.enable for a topic: its override when it has a valid one, else `broker_default`.
bool unclean_leader_election(const std::map<std::string, std::string>* topic_overrides, bool broker_default);

// Kafka's rule for topic names: [a-zA-Z0-9._-]{1,249}, and not "." or "..". "" when valid, else the reason.
std::string validate_topic_name(const std::string& name);

} // namespace samsa::cluster
