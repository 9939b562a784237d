#include "cluster/experiment/scenario.hpp"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "cluster/experiment/clock_skew.hpp"

namespace samsa::cluster::experiment {

namespace {

const std::pair<fault_kind, const char*> fault_names[] = {
  {fault_kind::kill, "kill"},       {fault_kind::pause, "pause"},     {fault_kind::stop, "stop"},
  {fault_kind::rolling_restart, "rolling-restart"}, {fault_kind::isolate, "isolate"}, {fault_kind::split, "split"},
  {fault_kind::ring, "ring"},       {fault_kind::one_way, "one-way"}, {fault_kind::disk_full, "disk-full"},
  {fault_kind::clock, "clock"},
};
const std::pair<role_kind, const char*> role_names[] = {
  {role_kind::leader, "leader"},     {role_kind::follower, "follower"}, {role_kind::quorum_leader, "quorum-leader"},
  {role_kind::random, "random"},     {role_kind::minority, "minority"}, {role_kind::majority, "majority"},
  {role_kind::node, "node"},         {role_kind::all, "all"},       {role_kind::coordinator, "coordinator"},
};

template <class Pairs>
std::string names_of(const Pairs& pairs) {
  std::string s;
  for (const auto& [k, n] : pairs)
    s += (s.empty() ? "" : ", ") + std::string{n};
  return s;
}

// Reads one TOML table: every key must be read (or named as known) before done(), which refuses the rest
// with their lines. Errors are "SOURCE:LINE: CONTEXT: what".
class table_reader {
public:
  table_reader(const toml::table& t, std::string source, std::string context)
    : t_(t), source_(std::move(source)), context_(std::move(context)) {}

  [[noreturn]] void fail(const toml::node* at, const std::string& what) const {
    size_t line = at != nullptr ? at->source().begin.line : t_.source().begin.line;
    throw scenario_error(source_ + ":" + std::to_string(line) + ": " + (context_.empty() ? "" : context_ + ": ") + what);
  }
  const toml::node* get(const char* key) {
    seen_.insert(key);
    return t_.get(key);
  }
  size_t line() const { return t_.source().begin.line; }
  const std::string& source() const { return source_; }

  std::optional<std::string> str(const char* key) {
    auto* n = get(key);
    if (n == nullptr)
      return std::nullopt;
    if (!n->is_string())
      fail(n, std::string{"\""} + key + "\" must be a string");
    return n->as_string()->get();
  }
  std::optional<int64_t> integer(const char* key, int64_t lo, int64_t hi) {
    auto* n = get(key);
    if (n == nullptr)
      return std::nullopt;
    if (!n->is_integer())
      fail(n, std::string{"\""} + key + "\" must be an integer");
    auto v = n->as_integer()->get();
    if (v < lo || v > hi)
      fail(n, std::string{"\""} + key + "\" must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                std::to_string(v));
    return v;
  }
  double number_of(const toml::node* n, const char* key, double lo, double hi) const {
    double v = 0;
    if (n->is_integer())
      v = static_cast<double>(n->as_integer()->get());
    else if (n->is_floating_point())
      v = n->as_floating_point()->get();
    else
      fail(n, std::string{"\""} + key + "\" must be a number (seconds, records/s)");
    if (!(v >= lo && v <= hi))
      fail(n, std::string{"\""} + key + "\" must be in [" + fmt(lo) + ", " + fmt(hi) + "], got " + fmt(v));
    return v;
  }
  std::optional<double> number(const char* key, double lo, double hi) {
    auto* n = get(key);
    if (n == nullptr)
      return std::nullopt;
    return number_of(n, key, lo, hi);
  }
  // A number or a two-element [min, max] array; a single number means min == max.
  std::optional<std::pair<double, double>> range(const char* key, double lo, double hi) {
    auto* n = get(key);
    if (n == nullptr)
      return std::nullopt;
    if (!n->is_array())
      return std::pair{number_of(n, key, lo, hi), number_of(n, key, lo, hi)};
    auto& a = *n->as_array();
    if (a.size() != 2)
      fail(n, std::string{"\""} + key + "\" must be a number or [min, max]");
    double a0 = number_of(a.get(0), key, lo, hi), a1 = number_of(a.get(1), key, lo, hi);
    if (a0 > a1)
      fail(n, std::string{"\""} + key + "\": min " + fmt(a0) + " is above max " + fmt(a1));
    return std::pair{a0, a1};
  }
  std::optional<bool> boolean(const char* key) {
    auto* n = get(key);
    if (n == nullptr)
      return std::nullopt;
    if (!n->is_boolean())
      fail(n, std::string{"\""} + key + "\" must be true or false");
    return n->as_boolean()->get();
  }
  // A table of key = string | integer | boolean (a properties map); values become their text.
  std::map<std::string, std::string> properties(const char* key) {
    std::map<std::string, std::string> out;
    auto* n = get(key);
    if (n == nullptr)
      return out;
    if (!n->is_table())
      fail(n, std::string{"\""} + key + "\" must be a table of key = value");
    for (const auto& [k, v] : *n->as_table()) {
      std::string name{k.str()};
      if (v.is_string())
        out[name] = v.as_string()->get();
      else if (v.is_integer())
        out[name] = std::to_string(v.as_integer()->get());
      else if (v.is_boolean())
        out[name] = v.as_boolean()->get() ? "true" : "false";
      else
        fail(&v, std::string{"\""} + key + "." + name + "\" must be a string, an integer or a boolean");
    }
    return out;
  }
  // Every table of an array of tables ([[key]]).
  std::vector<const toml::table*> tables(const char* key) {
    std::vector<const toml::table*> out;
    auto* n = get(key);
    if (n == nullptr)
      return out;
    if (!n->is_array_of_tables())
      fail(n, std::string{"\""} + key + "\" must be written as [[" + key + "]] sections");
    for (const auto& e : *n->as_array())
      out.push_back(e.as_table());
    return out;
  }
  void done() const {
    for (const auto& [k, v] : t_)
      if (!seen_.count(std::string{k.str()}))
        fail(&v, "unknown key \"" + std::string{k.str()} + "\"");
  }

  static std::string fmt(double v) {
    std::ostringstream o;
    o << v;
    return o.str();
  }

private:
  const toml::table& t_;
  std::string source_;
  std::string context_;
  std::set<std::string> seen_;
};

fault_kind read_kind(table_reader& r, const toml::node* n) {
  if (n == nullptr || !n->is_string())
    r.fail(n, "\"kind\" must be one of: " + names_of(fault_names));
  auto k = fault_kind_from(n->as_string()->get());
  if (!k)
    r.fail(n, "unknown fault kind \"" + n->as_string()->get() + "\"; known: " + names_of(fault_names));
  return *k;
}

role_kind read_role(table_reader& r, const toml::node* n, const std::string& text) {
  auto role = role_kind_from(text);
  if (!role)
    r.fail(n, "unknown target \"" + text + "\"; known: " + names_of(role_names));
  return *role;
}

// target, topic, partition, node of a [[fault]] or [random_faults] (which has a list of targets).
target_spec read_target(table_reader& r, const toml::node* at, role_kind role, const std::string& topic,
                        int32_t partition, int32_t node, const std::string& group) {
  target_spec t;
  t.role = role;
  t.topic = topic;
  t.partition = partition;
  t.node = node;
  t.group = group;
  if (role == role_kind::node && node < 0)
    r.fail(at, "target \"node\" needs \"node = ID\"");
  return t;
}

void check_target(const scenario& s, const target_spec& t, table_reader& r, const toml::node* at) {
  if (t.role == role_kind::leader || t.role == role_kind::follower) {
    auto* topic = s.topic(t.topic);
    if (topic == nullptr)
      r.fail(at, "target " + std::string{to_string(t.role)} + ": no [[topic]] named \"" + t.topic + "\"");
    if (t.partition >= topic->partitions)
      r.fail(at, "target " + t.str() + ": topic \"" + t.topic + "\" has " + std::to_string(topic->partitions) +
                   " partition(s)");
    if (t.role == role_kind::follower && topic->replication_factor < 2)
      r.fail(at, "target follower: topic \"" + t.topic + "\" has replication factor 1 (no followers)");
  }
  if (t.role == role_kind::node && t.node > s.nodes)
    r.fail(at, "target node " + std::to_string(t.node) + ": the cluster has nodes 1.." + std::to_string(s.nodes));
  if (t.role == role_kind::coordinator && t.group.empty())
    r.fail(at, "target coordinator needs \"group = NAME\" (no [[consumer]] has a group)");
  if (t.role == role_kind::coordinator && !s.has_group(t.group))
    r.fail(at, "target coordinator of " + t.group + ": no [[consumer]] has group = \"" + t.group + "\"");
}

// A clock fault's offset in milliseconds: a non-zero integer of at most a year either way.
std::optional<int64_t> clock_offset(table_reader& r, const toml::node* n, const char* key) {
  if (n == nullptr)
    return std::nullopt;
  if (!n->is_integer())
    r.fail(n, std::string{"\""} + key + "\" must be an integer (milliseconds; negative: backwards)");
  auto v = n->as_integer()->get();
  if (v == 0)
    r.fail(n, std::string{"\""} + key + "\": an offset of 0 shifts nothing");
  if (v < -max_clock_offset_ms || v > max_clock_offset_ms)
    r.fail(n, std::string{"\""} + key + "\" must be in [" + std::to_string(-max_clock_offset_ms) + ", " +
                std::to_string(max_clock_offset_ms) + "] (a year either way), got " + std::to_string(v));
  return v;
}

// The group a coordinator target names: "group = NAME", by default the first consumer group of the scenario.
std::string group_ref(const scenario& s, table_reader& r) {
  if (auto g = r.str("group"))
    return *g;
  for (const auto& c : s.consumers)
    if (!c.group.empty())
      return c.group;
  return "";
}

} // namespace

const char* to_string(fault_kind k) {
  for (const auto& [v, n] : fault_names)
    if (v == k)
      return n;
  return "?";
}
std::optional<fault_kind> fault_kind_from(const std::string& s) {
  for (const auto& [v, n] : fault_names)
    if (s == n)
      return v;
  return std::nullopt;
}
bool is_network_fault(fault_kind k) {
  return k == fault_kind::isolate || k == fault_kind::split || k == fault_kind::ring || k == fault_kind::one_way;
}
bool is_disk_fault(fault_kind k) { return k == fault_kind::disk_full; }
bool is_clock_fault(fault_kind k) { return k == fault_kind::clock; }
bool targets_every_node(fault_kind k) { return k == fault_kind::rolling_restart || k == fault_kind::ring; }

const char* to_string(role_kind r) {
  for (const auto& [v, n] : role_names)
    if (v == r)
      return n;
  return "?";
}
std::optional<role_kind> role_kind_from(const std::string& s) {
  for (const auto& [v, n] : role_names)
    if (s == n)
      return v;
  return std::nullopt;
}

std::string target_spec::str() const {
  switch (role) {
  case role_kind::leader:
  case role_kind::follower:
    return std::string{to_string(role)} + " of " + topic + "-" + std::to_string(partition);
  case role_kind::node:
    return "node " + std::to_string(node);
  case role_kind::coordinator:
    return "coordinator of " + group;
  default:
    return to_string(role);
  }
}

const topic_spec* scenario::topic(const std::string& n) const {
  for (const auto& t : topics)
    if (t.name == n)
      return &t;
  return nullptr;
}

// Whether a [[fault]] or a [random_faults] kind of `s` is one that `is` names.
static bool has_fault_kind(const scenario& s, bool (*is)(fault_kind)) {
  for (const auto& f : s.faults)
    if (is(f.kind))
      return true;
  if (s.random)
    for (auto k : s.random->kinds)
      if (is(k))
        return true;
  return false;
}

bool scenario::has_disk_faults() const { return has_fault_kind(*this, is_disk_fault); }
bool scenario::has_clock_faults() const { return has_fault_kind(*this, is_clock_fault); }

bool scenario::has_group(const std::string& g) const {
  for (const auto& c : consumers)
    if (!g.empty() && c.group == g)
      return true;
  return false;
}

scenario parse_scenario(const std::string& text, const std::string& source, const std::string& default_name) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw scenario_error(source + ":" + std::to_string(e.source().begin.line) + ": " + std::string{e.description()});
  }
  scenario s;
  s.source = source;
  table_reader r{root, source, ""};
  s.name = r.str("name").value_or(default_name);
  if (s.name.empty())
    r.fail(nullptr, "\"name\" is missing");
  s.description = r.str("description").value_or("");
  s.duration_s = r.number("duration", 1, 86400).value_or(s.duration_s);
  s.recovery_s = r.number("recovery", 0, 3600).value_or(s.recovery_s);
  s.recovery_timeout_s = r.number("recovery_timeout", 1, 3600).value_or(s.recovery_timeout_s);
  s.final_read_timeout_s = r.number("final_read_timeout", 1, 3600).value_or(s.final_read_timeout_s);

  if (auto* c = r.get("cluster")) {
    if (!c->is_table())
      r.fail(c, "\"cluster\" must be a [cluster] section");
    table_reader cr{*c->as_table(), source, "[cluster]"};
    s.nodes = static_cast<int>(cr.integer("nodes", 1, 9).value_or(s.nodes));
    s.node_config = cr.properties("config");
    s.data_disk_mb = static_cast<int>(cr.integer("data_disk_mb", 16, 65536).value_or(0));
    for (const char* owned : {"node.id", "log.dirs", "listeners", "controller.quorum.voters", "samsa.native.listener"})
      if (s.node_config.count(owned))
        cr.fail(cr.get("config"), std::string{"\""} + owned + "\" is set by the runner for each node");
    cr.done();
  }

  for (auto* t : r.tables("topic")) {
    table_reader tr{*t, source, "[[topic]]"};
    topic_spec ts;
    ts.line = tr.line();
    auto name = tr.str("name");
    if (!name || name->empty())
      tr.fail(nullptr, "\"name\" is missing");
    ts.name = *name;
    if (s.topic(ts.name) != nullptr)
      tr.fail(tr.get("name"), "topic \"" + ts.name + "\" is declared twice");
    ts.partitions = static_cast<int32_t>(tr.integer("partitions", 1, 1000).value_or(1));
    ts.replication_factor = static_cast<int32_t>(tr.integer("replication_factor", 1, 9).value_or(s.nodes));
    if (ts.replication_factor > s.nodes)
      tr.fail(tr.get("replication_factor"), "replication_factor " + std::to_string(ts.replication_factor) +
                                              " is above the node count " + std::to_string(s.nodes));
    ts.config = tr.properties("config");
    if (auto it = ts.config.find("min.insync.replicas"); it != ts.config.end()) {
      long v = std::strtol(it->second.c_str(), nullptr, 10);
      if (v < 1 || v > ts.replication_factor)
        tr.fail(tr.get("config"), "min.insync.replicas " + it->second + " must be in [1, replication_factor " +
                                    std::to_string(ts.replication_factor) + "]");
    }
    tr.done();
    s.topics.push_back(std::move(ts));
  }
  if (s.topics.empty())
    r.fail(nullptr, "no [[topic]]: the workload needs at least one topic");

  auto topic_ref = [&](table_reader& tr) {
    auto name = tr.str("topic").value_or(s.topics.front().name);
    if (s.topic(name) == nullptr)
      tr.fail(tr.get("topic"), "no [[topic]] named \"" + name + "\"");
    return name;
  };
  for (auto* t : r.tables("producer")) {
    table_reader tr{*t, source, "[[producer]]"};
    producer_spec p;
    p.line = tr.line();
    p.topic = topic_ref(tr);
    p.count = static_cast<int>(tr.integer("count", 1, 64).value_or(1));
    if (auto* a = tr.get("acks")) {
      if (a->is_string() && a->as_string()->get() == "all")
        p.acks = -1;
      else if (a->is_integer() && (a->as_integer()->get() >= -1 && a->as_integer()->get() <= 1))
        p.acks = static_cast<int>(a->as_integer()->get());
      else
        tr.fail(a, "\"acks\" must be \"all\", -1, 0 or 1");
    }
    p.idempotent = tr.boolean("idempotent").value_or(p.acks == -1);
    if (p.idempotent && p.acks != -1)
      tr.fail(tr.get("idempotent"), "an idempotent producer needs acks = \"all\" (librdkafka refuses it otherwise)");
    p.rate = tr.number("rate", 0.1, 100000).value_or(p.rate);
    p.keys = static_cast<int>(tr.integer("keys", 0, 1000000).value_or(0));
    p.max_in_flight = static_cast<int>(tr.integer("max_in_flight", 1, 1000).value_or(p.max_in_flight));
    p.config = tr.properties("config");
    tr.done();
    s.producers.push_back(std::move(p));
  }
  if (s.producers.empty())
    r.fail(nullptr, "no [[producer]]: a run without writes checks nothing");
  for (auto* t : r.tables("consumer")) {
    table_reader tr{*t, source, "[[consumer]]"};
    consumer_spec c;
    c.line = tr.line();
    c.topic = topic_ref(tr);
    c.count = static_cast<int>(tr.integer("count", 1, 64).value_or(1));
    c.group = tr.str("group").value_or("");
    if (tr.get("group") != nullptr && c.group.empty())
      tr.fail(tr.get("group"), "\"group\" must name the consumer group");
    if (auto mode = tr.str("mode")) {
      if (*mode != "assign" && *mode != "group")
        tr.fail(tr.get("mode"), "mode \"" + *mode + "\": \"assign\" (every partition, no group) or \"group\"");
      if (*mode == "group" && c.group.empty())
        tr.fail(tr.get("mode"), "mode \"group\" needs group = \"NAME\"");
      if (*mode == "assign" && !c.group.empty())
        tr.fail(tr.get("mode"), "mode \"assign\" takes no group (group = \"" + c.group + "\")");
    }
    tr.done();
    s.consumers.push_back(std::move(c));
  }

  auto first_topic = s.topics.front().name;
  for (auto* t : r.tables("fault")) {
    table_reader tr{*t, source, "[[fault]]"};
    fault_spec f;
    f.line = tr.line();
    f.kind = read_kind(tr, tr.get("kind"));
    auto target_text = tr.str("target").value_or(targets_every_node(f.kind) ? "all" : "");
    if (target_text.empty())
      tr.fail(tr.get("target"), "\"target\" is missing; known: " + names_of(role_names));
    auto role = read_role(tr, tr.get("target"), target_text);
    auto topic = tr.str("topic").value_or(first_topic);
    auto partition = static_cast<int32_t>(tr.integer("partition", 0, 999).value_or(0));
    auto node = static_cast<int32_t>(tr.integer("node", 1, 9).value_or(-1));
    f.target = read_target(tr, t, role, topic, partition, node, group_ref(s, tr));
    check_target(s, f.target, tr, t);
    auto at = tr.number("at", 0, 86400);
    if (!at)
      tr.fail(nullptr, "\"at\" (seconds after the workload starts) is missing");
    f.at_s = *at;
    f.duration_s = tr.number("duration", 0, 86400).value_or(f.kind == fault_kind::rolling_restart ? 0 : 5);
    auto offset = clock_offset(tr, tr.get("offset_ms"), "offset_ms");
    if (is_clock_fault(f.kind) && !offset)
      tr.fail(tr.get("kind"), "a clock fault needs \"offset_ms = MS\" (the shift of the wall clock; negative: "
                              "backwards)");
    if (!is_clock_fault(f.kind) && offset)
      tr.fail(tr.get("offset_ms"), "\"offset_ms\" is only for kind = \"clock\"");
    f.offset_ms = offset.value_or(0);
    if (f.kind == fault_kind::ring && s.nodes < 3)
      tr.fail(tr.get("kind"), "a ring of majorities needs at least 3 nodes, the cluster has " + std::to_string(s.nodes));
    tr.done();
    s.faults.push_back(std::move(f));
  }

  if (auto* n = r.get("random_faults")) {
    if (!n->is_table())
      r.fail(n, "\"random_faults\" must be a [random_faults] section");
    table_reader tr{*n->as_table(), source, "[random_faults]"};
    random_faults rf;
    rf.line = tr.line();
    auto list = [&](const char* key) {
      std::vector<std::pair<std::string, const toml::node*>> out;
      auto* a = tr.get(key);
      if (a == nullptr || !a->is_array() || a->as_array()->empty())
        tr.fail(a, std::string{"\""} + key + "\" must be a non-empty array of strings");
      for (const auto& e : *a->as_array()) {
        if (!e.is_string())
          tr.fail(&e, std::string{"\""} + key + "\" must hold strings");
        out.emplace_back(e.as_string()->get(), &e);
      }
      return out;
    };
    for (auto& [k, at] : list("kinds")) {
      auto kind = fault_kind_from(k);
      if (!kind)
        tr.fail(at, "unknown fault kind \"" + k + "\"; known: " + names_of(fault_names));
      rf.kinds.push_back(*kind);
    }
    auto topic = tr.str("topic").value_or(first_topic);
    auto partition = static_cast<int32_t>(tr.integer("partition", 0, 999).value_or(0));
    auto group = group_ref(s, tr);
    for (auto& [k, at] : list("targets")) {
      auto role = read_role(tr, at, k);
      if (role == role_kind::node)
        tr.fail(at, "target \"node\" is not drawn at random; use [[fault]] with node = ID");
      rf.targets.push_back(read_target(tr, at, role, topic, partition, -1, group));
      check_target(s, rf.targets.back(), tr, at);
    }
    bool clocks = false;
    for (auto k : rf.kinds)
      clocks = clocks || is_clock_fault(k);
    if (auto* o = tr.get("offsets_ms")) {
      if (!clocks)
        tr.fail(o, "\"offsets_ms\" is only for kinds with \"clock\"");
      if (!o->is_array() || o->as_array()->empty())
        tr.fail(o, "\"offsets_ms\" must be a non-empty array of offsets (ms; one drawn for each clock fault)");
      for (const auto& e : *o->as_array())
        rf.offsets_ms.push_back(*clock_offset(tr, &e, "offsets_ms"));
    } else if (clocks) {
      tr.fail(tr.get("kinds"), "clock faults need \"offsets_ms = [MS, ...]\" (one drawn for each clock fault)");
    }
    rf.start_s = tr.number("start", 0, 86400).value_or(rf.start_s);
    if (auto i = tr.range("interval", 0, 86400))
      std::tie(rf.min_interval_s, rf.max_interval_s) = *i;
    if (auto d = tr.range("duration", 0, 86400))
      std::tie(rf.min_duration_s, rf.max_duration_s) = *d;
    tr.done();
    s.random = std::move(rf);
  }
  r.done();
  // A disk-full fault fills what the data directory's file system has free: never a real disk.
  if (s.data_disk_mb == 0)
    for (const auto& f : s.faults)
      if (is_disk_fault(f.kind))
        throw scenario_error(source + ":" + std::to_string(f.line) +
                             ": [[fault]]: disk-full needs [cluster] data_disk_mb = SIZE (each node's data directory "
                             "a tmpfs of SIZE MiB; a real disk is never filled)");
  if (s.data_disk_mb == 0 && s.random && s.has_disk_faults())
    throw scenario_error(source + ":" + std::to_string(s.random->line) +
                         ": [random_faults]: disk-full needs [cluster] data_disk_mb = SIZE (each node's data "
                         "directory a tmpfs of SIZE MiB; a real disk is never filled)");
  return s;
}

scenario load_scenario(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    throw scenario_error(path + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  auto slash = path.find_last_of('/');
  auto stem = path.substr(slash == std::string::npos ? 0 : slash + 1);
  if (auto dot = stem.rfind(".toml"); dot != std::string::npos && dot + 5 == stem.size())
    stem.resize(dot);
  return parse_scenario(text.str(), path, stem);
}

} // namespace samsa::cluster::experiment
