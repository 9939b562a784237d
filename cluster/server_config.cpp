#include "cluster/server_config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <tuple>

#include "persistence/data_dir.hpp"

namespace samsa::cluster {

namespace {

constexpr int64_t i64_max = std::numeric_limits<int64_t>::max();
constexpr int64_t i32_max = std::numeric_limits<int32_t>::max();
constexpr int64_t i16_max = std::numeric_limits<int16_t>::max();

std::string_view trim(std::string_view s) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    auto pos = s.find(sep);
    out.push_back(trim(s.substr(0, pos)));
    if (pos == std::string_view::npos)
      return out;
    s.remove_prefix(pos + 1);
  }
}

// Parses a whole decimal integer (Java's Long.parseLong accepts a leading '+', so do we) and checks it
// against [min, max]. Returns "" or the reason, phrased to follow "invalid value 'x' for 'key': ".
std::string parse_int(std::string_view text, int64_t min, int64_t max, int64_t& out) {
  text = trim(text);
  if (!text.empty() && text.front() == '+')
    text.remove_prefix(1);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec == std::errc::invalid_argument || end != text.data() + text.size())
    return "not a number";
  if (ec == std::errc::result_out_of_range || value > max)
    return "must be at most " + std::to_string(max);
  if (value < min)
    return "must be at least " + std::to_string(min);
  out = value;
  return {};
}

// Kafka's flush settings: -1 means "never", and Kafka's own default Long.MAX means the same, so a file
// copied from Kafka keeps working.
std::string parse_never_or_at_least(std::string_view text, int64_t min, int64_t& out) {
  auto err = parse_int(text, -1, i64_max, out);
  if (err.empty() && out != -1 && out < min)
    return "must be -1 (never) or at least " + std::to_string(min);
  if (err.empty() && out == i64_max)
    out = -1;
  return err;
}

// One parsed listener entry (listeners, advertised.listeners, samsa.native.listener).
struct endpoint {
  std::string name;  // listener name (PLAINTEXT, CONTROLLER...); empty for samsa.native.listener
  std::string host;
  uint16_t port = 0;
};

// An unspecified host binds every interface but is not an address a client can be sent to.
bool unspecified(const std::string& host) { return host.empty() || host == "0.0.0.0" || host == "::"; }

// host:port with an optional [IPv6] host; an empty host is allowed (Kafka: bind all interfaces).
std::string parse_host_port(std::string_view text, endpoint& ep) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return "expected host:port";
  auto h = text.substr(0, colon);
  if (!h.empty() && h.front() == '[') {
    if (h.size() < 2 || h.back() != ']')
      return "unbalanced '[' in host";
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return "an IPv6 host must be written in brackets, e.g. [::1]:9092";
  }
  if (h.find_first_of(" \t/,") != std::string_view::npos)
    return "invalid host '" + std::string(h) + "'";
  int64_t p = 0;
  if (!parse_int(text.substr(colon + 1), 0, 65535, p).empty())
    return "invalid port '" + std::string(text.substr(colon + 1)) + "'";
  ep.host = std::string(h);
  ep.port = static_cast<uint16_t>(p);
  return {};
}

// Kafka's listeners syntax: NAME://host:port[,NAME://host:port...]. Only PLAINTEXT is served; other
// names are accepted (a Kafka file may list CONTROLLER://...) but ignored, and one PLAINTEXT is required.
std::string parse_listeners(std::string_view text, std::vector<endpoint>& out) {
  out.clear();
  for (auto entry : split(text, ',')) {
    auto sep = entry.find("://");
    if (sep == std::string_view::npos || sep == 0)
      return "expected NAME://host:port in '" + std::string(entry) + "'";
    endpoint ep;
    ep.name = std::string(entry.substr(0, sep));
    if (auto err = parse_host_port(entry.substr(sep + 3), ep); !err.empty())
      return err + " in '" + std::string(entry) + "'";
    out.push_back(std::move(ep));
  }
  bool has_plaintext = std::any_of(out.begin(), out.end(), [](auto& e) { return e.name == "PLAINTEXT"; });
  if (!has_plaintext)
    return "needs a PLAINTEXT://host:port entry (the only protocol served)";
  return {};
}

std::optional<endpoint> native_endpoint(std::string_view text) {
  endpoint ep;
  return parse_host_port(text, ep).empty() ? std::optional<endpoint>(ep) : std::nullopt;
}

// controller.quorum.voters: id@host:port[,id@host:port...], ids distinct and >= 0. "" or the reason.
std::string parse_voters(std::string_view text, std::vector<quorum_voter>& out) {
  out.clear();
  text = trim(text);
  if (text.empty())
    return {};
  for (auto entry : split(text, ',')) {
    auto at = entry.find('@');
    if (at == std::string_view::npos || at == 0)
      return "expected id@host:port in '" + std::string(entry) + "'";
    int64_t id = 0;
    if (!parse_int(entry.substr(0, at), 0, i32_max, id).empty())
      return "invalid node id '" + std::string(entry.substr(0, at)) + "' in '" + std::string(entry) + "'";
    endpoint ep;
    if (auto err = parse_host_port(entry.substr(at + 1), ep); !err.empty())
      return err + " in '" + std::string(entry) + "'";
    if (unspecified(ep.host) || ep.port == 0)
      return "a voter needs a reachable host and a port, not '" + std::string(entry.substr(at + 1)) + "'";
    for (auto& v : out)
      if (v.id == id)
        return "node id " + std::to_string(id) + " is listed twice";
    out.push_back(quorum_voter{static_cast<int32_t>(id), ep.host, ep.port});
  }
  return {};
}

std::optional<endpoint> first_plaintext(std::string_view text) {
  std::vector<endpoint> eps;
  if (!parse_listeners(text, eps).empty())
    return std::nullopt;
  for (auto& e : eps)
    if (e.name == "PLAINTEXT")
      return e;
  return std::nullopt;
}

std::string parse_bool(std::string_view text, bool& out) {
  std::string lower;
  for (char c : trim(text))
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower != "true" && lower != "false")  // Kafka's boolean parsing ignores case, nothing else
    return "expected true or false";
  out = lower == "true";
  return {};
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string unknown_key_message(std::string_view key, const std::vector<std::string_view>& known) {
  std::string msg = "unknown key '" + std::string(key) + "'";
  std::string_view best;
  size_t best_distance = 3;  // beyond two edits a suggestion is more confusing than helpful
  for (auto k : known) {
    auto d = edit_distance(key, k);
    if (d < best_distance) {
      best = k;
      best_distance = d;
    }
  }
  if (!best.empty())
    msg += " (did you mean '" + std::string(best) + "'?)";
  return msg;
}

// Keys whose value depends on which of several keys were given (Kafka precedence), resolved after all
// sources were read.
struct pending {
  std::optional<int64_t> retention_ms, retention_minutes, retention_hours;
  std::optional<int64_t> roll_ms, roll_hours;
};

// How one broker key is checked and stored: `apply` returns "" or the reason the value is refused.
using setter = std::function<std::string(server_config&, pending&, std::string_view)>;
struct key_spec {
  std::string_view key;
  setter apply;
};

// A value check for one integer key: parses into the int64 or returns the reason it cannot.
using int_parser = std::function<std::string(std::string_view, int64_t&)>;

int_parser range(int64_t min, int64_t max) {
  return [=](std::string_view v, int64_t& out) { return parse_int(v, min, max, out); };
}

int_parser never_or_at_least(int64_t min) {
  return [=](std::string_view v, int64_t& out) { return parse_never_or_at_least(v, min, out); };
}

// A setter for an integer key: `store` puts the checked value where it belongs.
setter int_key(int_parser parse, std::function<void(server_config&, pending&, int64_t)> store) {
  return [=](server_config& c, pending& p, std::string_view v) {
    int64_t x = 0;
    auto err = parse(v, x);
    if (err.empty())
      store(c, p, x);
    return err;
  };
}

template <class T>
setter field(T server_config::*member, int_parser parse) {
  return int_key(std::move(parse), [=](server_config& c, pending&, int64_t x) { c.*member = static_cast<T>(x); });
}

setter pending_field(std::optional<int64_t> pending::*member, int_parser parse) {
  return int_key(std::move(parse), [=](server_config&, pending& p, int64_t x) { p.*member = x; });
}

// A setter for a free-text key (file names, passwords): stored trimmed, never refused.
setter text_field(std::string server_config::*member) {
  return [=](server_config& c, pending&, std::string_view v) {
    c.*member = std::string(trim(v));
    return std::string{};
  };
}

// The single list of supported broker keys, in the order config/server.properties presents them.
const std::vector<key_spec>& key_table() {
  static const std::vector<key_spec> table = {
    {"node.id", field(&server_config::node_id, range(0, i32_max))},
    {"listeners",
     [](server_config& c, pending&, std::string_view v) {
       std::vector<endpoint> eps;
       auto err = parse_listeners(v, eps);
       if (err.empty())
         c.listeners = std::string(trim(v));
       return err;
     }},
    {"advertised.listeners",
     [](server_config& c, pending&, std::string_view v) -> std::string {
       v = trim(v);
       if (!v.empty()) {
         std::vector<endpoint> eps;
         if (auto err = parse_listeners(v, eps); !err.empty())
           return err;
         for (auto& e : eps)
           if (unspecified(e.host))
             return "cannot advertise the non-routable address '" + e.host + "'";
       }
       c.advertised_listeners = std::string(v);
       return {};
     }},
    {"samsa.native.listener",
     [](server_config& c, pending&, std::string_view v) {
       endpoint ep;
       auto err = parse_host_port(trim(v), ep);
       if (err.empty())
         c.native_listener = std::string(trim(v));
       return err;
     }},
    {"samsa.http.listener",
     [](server_config& c, pending&, std::string_view v) -> std::string {
       v = trim(v);
       endpoint ep;
       if (!v.empty()) {
         if (auto err = parse_host_port(v, ep); !err.empty())
           return err + " (or empty to turn the HTTP listener off)";
       }
       c.http_listener = std::string(v);
       return {};
     }},
    {"log.dirs",
     [](server_config& c, pending&, std::string_view v) -> std::string {
       for (auto dir : split(v, ','))
         if (dir.empty())
           return "expected a comma-separated list of directories";
       c.log_dirs = std::string(trim(v));
       return {};
     }},
    {"num.io.threads", field(&server_config::num_io_threads, range(1, i32_max))},
    {"socket.request.max.bytes", field(&server_config::socket_request_max_bytes, range(1, i32_max))},
    {"num.partitions", field(&server_config::num_partitions, range(1, i32_max))},
    {"default.replication.factor", field(&server_config::default_replication_factor, range(1, i16_max))},
    {"min.insync.replicas", field(&server_config::min_insync_replicas, range(1, i32_max))},
    {"auto.create.topics.enable",
     [](server_config& c, pending&, std::string_view v) { return parse_bool(v, c.auto_create_topics_enable); }},
    {"message.max.bytes", field(&server_config::message_max_bytes, range(0, i32_max))},
    // Segment positions are 32-bit in the index, hence the int32 ceiling; 14 is Kafka's minimum (one
    // empty batch header would not even fit below it).
    {"log.segment.bytes", field(&server_config::log_segment_bytes, range(14, i32_max))},
    {"log.roll.ms", pending_field(&pending::roll_ms, range(1, i64_max))},
    {"log.roll.hours", pending_field(&pending::roll_hours, range(1, i32_max))},
    {"log.retention.ms", pending_field(&pending::retention_ms, range(-1, i64_max))},
    {"log.retention.minutes", pending_field(&pending::retention_minutes, range(-1, i32_max))},
    {"log.retention.hours", pending_field(&pending::retention_hours, range(-1, i32_max))},
    {"log.retention.bytes", field(&server_config::log_retention_bytes, range(-1, i64_max))},
    {"log.retention.check.interval.ms", field(&server_config::log_retention_check_interval_ms, range(1, i64_max))},
    {"log.index.interval.bytes", field(&server_config::log_index_interval_bytes, range(0, i32_max))},
    {"log.flush.interval.messages", field(&server_config::log_flush_interval_messages, never_or_at_least(1))},
    {"log.flush.interval.ms", field(&server_config::log_flush_interval_ms, never_or_at_least(0))},
    {"offsets.retention.minutes", field(&server_config::offsets_retention_minutes, range(1, i32_max))},
    {"offsets.topic.num.partitions", field(&server_config::offsets_topic_num_partitions, range(1, 1000))},
    {"offsets.topic.replication.factor", field(&server_config::offsets_topic_replication_factor, range(1, i16_max))},
    {"offsets.topic.segment.bytes", field(&server_config::offsets_topic_segment_bytes, range(14, i32_max))},
    {"offsets.commit.timeout.ms", field(&server_config::offsets_commit_timeout_ms, range(1, i32_max))},
    {"group.initial.rebalance.delay.ms", field(&server_config::group_initial_rebalance_delay_ms, range(0, i32_max))},
    {"max.connections", field(&server_config::max_connections, range(1, i32_max))},
    {"max.connections.per.ip", field(&server_config::max_connections_per_ip, range(1, i32_max))},
    {"connections.max.idle.ms", field(&server_config::connections_max_idle_ms, range(-1, i64_max))},
    {"producer.id.expiration.ms", field(&server_config::producer_id_expiration_ms, range(1, i64_max))},
    {"log.level",
     [](server_config& c, pending&, std::string_view v) -> std::string {
       static const std::vector<std::string_view> levels = {"trace", "debug", "info", "warn", "error", "off"};
       auto t = trim(v);
       if (std::find(levels.begin(), levels.end(), t) == levels.end())
         return "expected one of trace, debug, info, warn, error, off";
       c.log_level = std::string(t);
       return {};
     }},
    {"samsa.native.max.message.bytes", field(&server_config::native_max_message_bytes, range(1024, i32_max))},
    {"samsa.native.ssl.cafile", text_field(&server_config::native_ssl_cafile)},
    {"samsa.native.ssl.certfile", text_field(&server_config::native_ssl_certfile)},
    {"samsa.native.ssl.keyfile", text_field(&server_config::native_ssl_keyfile)},
    {"samsa.native.ssl.key.password", text_field(&server_config::native_ssl_key_password)},
    {"samsa.native.allow.unauthenticated",
     [](server_config& c, pending&, std::string_view v) { return parse_bool(v, c.native_allow_unauthenticated); }},
    // Controller quorum (KRaft); cross-key checks (node.id among the voters, its port) after all sources.
    {"controller.quorum.voters",
     [](server_config& c, pending&, std::string_view v) {
       std::vector<quorum_voter> voters;
       auto err = parse_voters(v, voters);
       if (err.empty())
         c.controller_quorum_voters = std::string(trim(v));
       return err;
     }},
    {"process.roles",
     [](server_config& c, pending&, std::string_view v) -> std::string {
       auto roles = split(v, ',');
       for (auto r : roles)
         if (r != "broker" && r != "controller")
           return "expected a comma-separated list of broker, controller";
       c.process_roles = std::string(trim(v));
       return {};
     }},
    {"controller.quorum.election.timeout.ms",
     field(&server_config::controller_quorum_election_timeout_ms, range(10, i32_max))},
    {"controller.quorum.fetch.timeout.ms", field(&server_config::controller_quorum_fetch_timeout_ms, range(10, i32_max))},
    {"metadata.log.max.record.bytes.between.snapshots",
     field(&server_config::metadata_log_max_record_bytes_between_snapshots, range(1, i64_max))},
    {"broker.session.timeout.ms", field(&server_config::broker_session_timeout_ms, range(10, i32_max))},
    {"broker.heartbeat.interval.ms", field(&server_config::broker_heartbeat_interval_ms, range(10, i32_max))},
    {"replica.lag.time.max.ms", field(&server_config::replica_lag_time_max_ms, range(10, i64_max))},
    {"replica.fetch.max.bytes", field(&server_config::replica_fetch_max_bytes, range(1, i32_max))},
    {"replica.fetch.wait.max.ms", field(&server_config::replica_fetch_wait_max_ms, range(0, 60000))},
    {"unclean.leader.election.enable",
     [](server_config& c, pending&, std::string_view v) { return parse_bool(v, c.unclean_leader_election_enable); }},
    {"auto.leader.rebalance.enable",
     [](server_config& c, pending&, std::string_view v) { return parse_bool(v, c.auto_leader_rebalance_enable); }},
    {"leader.imbalance.check.interval.seconds",
     field(&server_config::leader_imbalance_check_interval_seconds, range(1, i64_max / 1000))},
  };
  return table;
}

// Kafka: a negative retention in any unit means "forever", reported as -1.
int64_t retention_from(const pending& p, int64_t fallback) {
  int64_t ms = fallback;
  if (p.retention_ms)
    ms = *p.retention_ms;
  else if (p.retention_minutes)
    ms = *p.retention_minutes * 60'000;
  else if (p.retention_hours)
    ms = *p.retention_hours * 3'600'000;
  return ms < 0 ? -1 : ms;
}

// One "key=value" from a source; `where` is "config line N" or "--set key".
void apply_entry(server_config& cfg, pending& p, std::string_view key, std::string_view value,
                 const std::string& where, std::vector<std::string>& errors) {
  const auto& table = key_table();
  auto it = std::find_if(table.begin(), table.end(), [&](const key_spec& s) { return s.key == key; });
  if (it == table.end()) {
    errors.push_back(where + ": " + unknown_key_message(key, server_config_keys()));
    return;
  }
  if (auto err = it->apply(cfg, p, value); !err.empty())
    errors.push_back(where + ": invalid value '" + std::string(value) + "' for '" + std::string(key) + "': " + err);
}

} // namespace

// -- server_config ------------------------------------------------------------------------------------

namespace {

// The address to bind: an empty host means every interface.
std::string bind_host(const std::optional<endpoint>& ep) {
  return !ep ? "" : ep->host.empty() ? "0.0.0.0" : ep->host;
}

uint16_t port_of(const std::optional<endpoint>& ep) {
  return ep ? ep->port : 0;
}

} // namespace

std::string server_config::listener_host() const {
  return bind_host(first_plaintext(listeners));
}

uint16_t server_config::listener_port() const {
  return port_of(first_plaintext(listeners));
}

std::string server_config::advertised_host() const {
  auto ep = first_plaintext(advertised_listeners.empty() ? listeners : advertised_listeners);
  return !ep ? "" : unspecified(ep->host) ? "127.0.0.1" : ep->host;
}

uint16_t server_config::advertised_port() const {
  return port_of(first_plaintext(advertised_listeners.empty() ? listeners : advertised_listeners));
}

std::string server_config::native_host() const {
  return bind_host(native_endpoint(native_listener));
}

uint16_t server_config::native_port() const {
  return port_of(native_endpoint(native_listener));
}

// samsa.http.listener has the native listener's host:port syntax; empty (off) parses as no endpoint.
bool server_config::http_enabled() const {
  return native_endpoint(http_listener).has_value();
}

std::string server_config::http_host() const {
  return bind_host(native_endpoint(http_listener));
}

uint16_t server_config::http_port() const {
  return port_of(native_endpoint(http_listener));
}

std::vector<quorum_voter> server_config::quorum_voters() const {
  std::vector<quorum_voter> out;
  if (!parse_voters(controller_quorum_voters, out).empty())
    out.clear();
  return out;
}

bool server_config::has_role(std::string_view role) const {
  for (auto r : split(process_roles, ','))
    if (r == role)
      return true;
  return false;
}

bool server_config::quorum_voter_role() const {
  auto voters = quorum_voters();
  return has_role("controller")
         && std::any_of(voters.begin(), voters.end(), [&](const quorum_voter& v) { return v.id == node_id; });
}

bool server_config::quorum_learner_role() const {
  auto voters = quorum_voters();
  return !voters.empty() && has_role("broker") && !has_role("controller")
         && std::none_of(voters.begin(), voters.end(), [&](const quorum_voter& v) { return v.id == node_id; });
}

bool server_config::runs_quorum() const {
  return quorum_voter_role() || quorum_learner_role();
}

persistence::log_config server_config::default_log_config() const {
  persistence::log_config c;
  c.segment_bytes = log_segment_bytes;
  c.segment_ms = log_roll_ms;
  c.retention_ms = log_retention_ms;
  c.retention_bytes = log_retention_bytes;
  c.flush_messages = log_flush_interval_messages;
  c.flush_ms = log_flush_interval_ms;
  c.index_interval_bytes = log_index_interval_bytes;
  c.max_message_bytes = message_max_bytes;
  return c;
}

namespace {

auto tie_all(const server_config& c) {
  return std::tie(c.node_id, c.listeners, c.advertised_listeners, c.log_dirs, c.native_listener, c.http_listener,
                  c.num_partitions, c.default_replication_factor, c.min_insync_replicas, c.auto_create_topics_enable,
                  c.message_max_bytes, c.log_retention_ms, c.log_retention_bytes, c.log_segment_bytes, c.log_roll_ms,
                  c.log_flush_interval_messages, c.log_flush_interval_ms, c.log_retention_check_interval_ms,
                  c.log_index_interval_bytes, c.socket_request_max_bytes, c.num_io_threads,
                  c.offsets_retention_minutes, c.offsets_topic_num_partitions, c.offsets_topic_replication_factor,
                  c.offsets_topic_segment_bytes, c.offsets_commit_timeout_ms, c.group_initial_rebalance_delay_ms, c.max_connections,
                  c.max_connections_per_ip, c.connections_max_idle_ms, c.producer_id_expiration_ms, c.log_level,
                  c.native_max_message_bytes, c.native_ssl_cafile, c.native_ssl_certfile, c.native_ssl_keyfile,
                  c.native_ssl_key_password, c.native_allow_unauthenticated, c.controller_quorum_voters,
                  c.process_roles, c.controller_quorum_election_timeout_ms, c.controller_quorum_fetch_timeout_ms,
                  c.metadata_log_max_record_bytes_between_snapshots, c.broker_session_timeout_ms, c.broker_heartbeat_interval_ms,
                  c.replica_lag_time_max_ms, c.replica_fetch_max_bytes, c.replica_fetch_wait_max_ms,
                  c.unclean_leader_election_enable, c.auto_leader_rebalance_enable,
                  c.leader_imbalance_check_interval_seconds);
}

template <class Table>
std::vector<std::string_view> keys_of(const Table& table) {
  std::vector<std::string_view> out;
  for (const auto& entry : table)
    out.push_back(entry.key);
  return out;
}

} // namespace

bool operator==(const server_config& a, const server_config& b) {
  return tie_all(a) == tie_all(b);
}

const std::vector<std::string_view>& server_config_keys() {
  static const auto keys = keys_of(key_table());
  return keys;
}

// -- parsing ------------------------------------------------------------------------------------------

config_result parse_server_properties(const std::string& text,
                                      std::vector<std::pair<std::string, std::string>> overrides) {
  config_result result;
  pending p;
  std::map<std::string, std::string> where_set;  // key -> where it was last set, for cross-key errors

  std::string_view rest = text;
  if (rest.substr(0, 3) == "\xEF\xBB\xBF")  // a UTF-8 BOM from an editor is not part of the first key
    rest.remove_prefix(3);
  int line_no = 0;
  while (!rest.empty()) {
    // Gather one logical line: a physical line ending in an odd number of backslashes continues.
    std::string logical;
    int first_line = line_no + 1;
    bool continues = true;
    bool first = true;
    while (continues && !rest.empty()) {
      auto nl = rest.find('\n');
      auto physical = rest.substr(0, nl);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      ++line_no;
      if (!physical.empty() && physical.back() == '\r')
        physical.remove_suffix(1);
      auto piece = first ? physical : trim(physical);  // Java drops leading blanks of continuations
      auto stripped = trim(piece);
      if (first && (stripped.empty() || stripped.front() == '#' || stripped.front() == '!')) {
        logical.clear();  // comments never continue
        break;
      }
      first = false;
      size_t backslashes = 0;
      while (backslashes < piece.size() && piece[piece.size() - 1 - backslashes] == '\\')
        ++backslashes;
      continues = backslashes % 2 == 1;
      if (continues)
        piece.remove_suffix(1);
      logical.append(piece);
    }
    auto line = trim(logical);
    if (line.empty())
      continue;
    std::string where = "config line " + std::to_string(first_line);
    auto sep = line.find_first_of("=:");
    auto key = trim(line.substr(0, sep));
    if (sep == std::string_view::npos || key.empty()) {
      result.errors.push_back(where + ": expected key=value, got '" + std::string(line) + "'");
      continue;
    }
    apply_entry(result.config, p, key, trim(line.substr(sep + 1)), where, result.errors);
    where_set[std::string(key)] = where;
  }

  for (const auto& [key, value] : overrides) {
    std::string where = "--set " + key;
    apply_entry(result.config, p, trim(key), value, where, result.errors);
    where_set[std::string(trim(key))] = where;
  }

  result.config.log_retention_ms = retention_from(p, result.config.log_retention_ms);
  if (p.roll_ms)
    result.config.log_roll_ms = *p.roll_ms;
  else if (p.roll_hours)
    result.config.log_roll_ms = *p.roll_hours * 3'600'000;

  // Two listeners on one port would make the second bind fail at startup; say so now, with the source.
  const auto& c = result.config;
  auto same_port = [&](const std::string& key, const std::string& host, uint16_t port, const std::string& other,
                       const std::string& other_host, uint16_t other_port) {
    if (port == 0 || port != other_port)
      return;
    if (host != other_host && host != "0.0.0.0" && other_host != "0.0.0.0")
      return;
    auto it = where_set.find(key);
    std::string where = it != where_set.end() ? it->second : "config";
    result.errors.push_back(where + ": " + key + " uses port " + std::to_string(port) + ", which " + other
                            + " already uses");
  };
  same_port("samsa.native.listener", c.native_host(), c.native_port(), "the Kafka listener", c.listener_host(),
            c.listener_port());
  if (c.http_enabled()) {
    same_port("samsa.http.listener", c.http_host(), c.http_port(), "the Kafka listener", c.listener_host(),
              c.listener_port());
    same_port("samsa.http.listener", c.http_host(), c.http_port(), "samsa.native.listener", c.native_host(),
              c.native_port());
  }
  // The quorum: this node's voter entry is where the others will look for it.
  auto voters = c.quorum_voters();
  if (!voters.empty()) {
    auto it = where_set.find("controller.quorum.voters");
    std::string where = it != where_set.end() ? it->second : "config";
    auto self = std::find_if(voters.begin(), voters.end(), [&](const quorum_voter& v) { return v.id == c.node_id; });
    if (self != voters.end() && self->port != c.native_port())
      result.errors.push_back(where + ": controller.quorum.voters lists node " + std::to_string(c.node_id) + " at "
                              + self->host + ":" + std::to_string(self->port)
                              + " but this node's samsa.native.listener is " + c.native_listener
                              + ": the other voters would look for it at the wrong port");
    if (self != voters.end() && !c.has_role("controller"))
      result.errors.push_back(where + ": node " + std::to_string(c.node_id)
                              + " is in controller.quorum.voters but process.roles has no 'controller'");
    if (self == voters.end() && c.has_role("controller"))
      result.errors.push_back(where + ": process.roles includes 'controller' but node.id " + std::to_string(c.node_id)
                              + " is not in controller.quorum.voters (a controller must be a voter; "
                                "process.roles=broker makes it a broker that follows the quorum without voting)");
    // self == voters.end() with process.roles=broker: a learner (KRaft's observer), nothing more to check.
    // Each answered heartbeat renews the node's lease on its leaderships for one session (broker_lease.hpp).
    if (c.broker_heartbeat_interval_ms >= c.broker_session_timeout_ms)
      result.errors.push_back("broker.heartbeat.interval.ms (" + std::to_string(c.broker_heartbeat_interval_ms)
                              + ") must be below broker.session.timeout.ms ("
                              + std::to_string(c.broker_session_timeout_ms)
                              + "): the controller would fence the node between two heartbeats");
  } else if (!c.has_role("controller")) {
    auto it = where_set.find("process.roles");
    result.errors.push_back((it != where_set.end() ? it->second : std::string{"config"})
                            + ": process.roles=broker (a node that follows the metadata quorum without voting) needs "
                              "controller.quorum.voters, the quorum it follows; leave process.roles unset for a "
                              "standalone node");
  }
  if (!c.has_role("broker")) {
    auto it = where_set.find("process.roles");
    result.errors.push_back((it != where_set.end() ? it->second : std::string{"config"})
                            + ": process.roles without 'broker' (a controller-only node) is not supported yet");
  }
  return result;
}

config_result load_server_config(const std::optional<std::string>& file, const std::vector<std::string>& set_args) {
  std::vector<std::string> errors;
  std::string text;
  if (file) {
    std::error_code ec;
    bool is_dir = std::filesystem::is_directory(*file, ec);
    std::ifstream in;
    if (!is_dir)
      in.open(*file, std::ios::binary);
    std::string why = is_dir ? "is a directory" : !in ? std::strerror(errno) : "";
    if (!why.empty())
      errors.push_back("cannot read config file '" + *file + "': " + why);
    else
      text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::vector<std::pair<std::string, std::string>> overrides;
  for (const auto& arg : set_args) {
    auto eq = arg.find('=');
    if (eq == std::string::npos || trim(std::string_view(arg).substr(0, eq)).empty()) {
      errors.push_back("--set '" + arg + "': expected key=value");
      continue;
    }
    overrides.emplace_back(std::string(trim(std::string_view(arg).substr(0, eq))), arg.substr(eq + 1));
  }
  auto result = parse_server_properties(text, std::move(overrides));
  errors.insert(errors.end(), result.errors.begin(), result.errors.end());
  result.errors = std::move(errors);
  return result;
}

// -- topic configs ------------------------------------------------------------------------------------

namespace {

// One topic-level key: how to check it and, for storage settings, where it lands in log_config.
struct topic_key {
  std::string_view key;
  int_parser parse;
  std::function<void(persistence::log_config&, int64_t)> apply;  // empty: not a log setting
};

// A boolean topic key (true/false, any case) as 1/0.
std::string parse_flag(std::string_view v, int64_t& out) {
  bool b = false;
  auto err = parse_bool(v, b);
  out = b ? 1 : 0;
  return err;
}

// cleanup.policy as a bit set: 1 delete, 2 compact (Kafka's list: "delete", "compact" or both).
constexpr int64_t policy_delete = 1;
constexpr int64_t policy_compact = 2;
std::string parse_cleanup_policy(std::string_view v, int64_t& out) {
  out = 0;
  for (auto policy : split(v, ',')) {
    policy = trim(policy);
    if (policy == "compact")
      out |= policy_compact;
    else if (policy == "delete")
      out |= policy_delete;
    else
      return "expected 'delete', 'compact' or 'compact,delete'";
  }
  return out == 0 ? "expected 'delete', 'compact' or 'compact,delete'" : std::string{};
}

// A ratio in [0, 1], kept in parts per million.
std::string parse_ratio(std::string_view v, int64_t& out) {
  std::string text(trim(v));
  char* end = nullptr;
  errno = 0;
  double d = text.empty() ? -1 : std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || end != text.c_str() + text.size() || !(d >= 0 && d <= 1))
    return "expected a number from 0 to 1";
  out = static_cast<int64_t>(d * 1e6 + 0.5);
  return {};
}

const std::vector<topic_key>& topic_key_table() {
  using persistence::log_config;
  static const std::vector<topic_key> table = {
    {"cleanup.policy", parse_cleanup_policy,
     [](log_config& c, int64_t v) {
       c.delete_policy = (v & policy_delete) != 0;
       c.compact_policy = (v & policy_compact) != 0;
     }},
    {"delete.retention.ms", range(0, i64_max), [](log_config& c, int64_t v) { c.delete_retention_ms = v; }},
    {"min.cleanable.dirty.ratio", parse_ratio,
     [](log_config& c, int64_t v) { c.min_cleanable_dirty_ratio = static_cast<double>(v) / 1e6; }},
    {"retention.ms", range(-1, i64_max), [](log_config& c, int64_t v) { c.retention_ms = v; }},
    {"retention.bytes", range(-1, i64_max), [](log_config& c, int64_t v) { c.retention_bytes = v; }},
    {"segment.bytes", range(14, i32_max), [](log_config& c, int64_t v) { c.segment_bytes = v; }},
    {"segment.ms", range(1, i64_max), [](log_config& c, int64_t v) { c.segment_ms = v; }},
    {"max.message.bytes", range(0, i32_max),
     [](log_config& c, int64_t v) { c.max_message_bytes = static_cast<int32_t>(v); }},
    {"min.insync.replicas", range(1, i32_max), {}},
    {"flush.messages", never_or_at_least(1), [](log_config& c, int64_t v) { c.flush_messages = v; }},
    {"flush.ms", never_or_at_least(0), [](log_config& c, int64_t v) { c.flush_ms = v; }},
    {"index.interval.bytes", range(0, i32_max),
     [](log_config& c, int64_t v) { c.index_interval_bytes = static_cast<int32_t>(v); }},
    {"unclean.leader.election.enable", parse_flag, {}},
  };
  return table;
}

const topic_key* find_topic_key(std::string_view key) {
  for (const auto& k : topic_key_table())
    if (k.key == key)
      return &k;
  return nullptr;
}

} // namespace

const std::vector<std::string_view>& topic_config_keys() {
  static const auto keys = keys_of(topic_key_table());
  return keys;
}

std::string validate_topic_configs(const std::map<std::string, std::string>& configs) {
  for (const auto& [key, value] : configs) {
    const auto* spec = find_topic_key(key);
    if (!spec)
      return "topic config: " + unknown_key_message(key, topic_config_keys());
    int64_t parsed = 0;
    if (auto err = spec->parse(value, parsed); !err.empty())
      return "invalid value '" + value + "' for topic config '" + key + "': " + err;
  }
  return {};
}

persistence::log_config effective_log_config(const server_config& s,
                                             const std::map<std::string, std::string>& topic_overrides) {
  auto cfg = s.default_log_config();
  for (const auto& [key, value] : topic_overrides) {
    const auto* spec = find_topic_key(key);
    int64_t parsed = 0;
    if (spec && spec->apply && spec->parse(value, parsed).empty())
      spec->apply(cfg, parsed);
  }
  return cfg;
}

bool unclean_leader_election(const std::map<std::string, std::string>* topic_overrides, bool broker_default) {
  if (!topic_overrides)
    return broker_default;
  auto it = topic_overrides->find("unclean.leader.election.enable");
  bool value = broker_default;
  if (it != topic_overrides->end() && parse_bool(it->second, value).empty())
    return value;
  return broker_default;
}

std::string validate_topic_name(const std::string& name) {
  return persistence::topic_name_problem(name);
}

} // namespace samsa::cluster
