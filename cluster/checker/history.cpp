#include "cluster/checker/history.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

namespace samsa::cluster::checker {

using json = nlohmann::json;
using ordered = nlohmann::ordered_json; // encoding: fields in the documented order

const char* to_string(event_type t) {
  switch (t) {
    case event_type::invoke:
      return "invoke";
    case event_type::ok:
      return "ok";
    case event_type::fail:
      return "fail";
    case event_type::info:
      return "info";
  }
  return "?";
}

const char* to_string(op_f f) {
  switch (f) {
    case op_f::send:
      return "send";
    case op_f::poll:
      return "poll";
    case op_f::assign:
      return "assign";
    case op_f::commit:
      return "commit";
    case op_f::rebalance:
      return "rebalance";
    case op_f::fault:
      return "fault";
    case op_f::leader:
      return "leader";
  }
  return "?";
}

std::string where(const history& h, size_t i) {
  const auto& e = h.events.at(i);
  return h.source + (e.line ? " line " + std::to_string(e.line) : " event " + std::to_string(i + 1));
}

// ---- encoding ----

namespace {

ordered tp_json(const topic_partition& tp) {
  return {{"topic", tp.topic}, {"partition", tp.partition}};
}

ordered offsets_json(const std::vector<partition_offset>& offsets) {
  ordered a = ordered::array();
  for (const auto& o : offsets) {
    auto j = tp_json(o.tp);
    j["offset"] = o.offset;
    a.push_back(std::move(j));
  }
  return a;
}

ordered partitions_json(const std::vector<topic_partition>& tps) {
  ordered a = ordered::array();
  for (const auto& tp : tps)
    a.push_back(tp_json(tp));
  return a;
}

} // namespace

std::string encode_event(const event& e) {
  ordered j;
  if (e.f != op_f::fault && e.f != op_f::leader)
    j["process"] = e.process;
  j["type"] = to_string(e.type);
  j["f"] = to_string(e.f);
  j["time"] = e.time_ns;
  const bool inv = e.type == event_type::invoke;
  switch (e.f) {
    case op_f::send:
      if (inv) {
        j["topic"] = e.tp.topic;
        j["partition"] = e.tp.partition;
        j["value"] = e.value;
      } else if (e.offset) {
        j["offset"] = *e.offset;
      }
      break;
    case op_f::poll:
      if (!inv) {
        ordered a = ordered::array();
        for (const auto& r : e.reads) {
          auto x = tp_json(r.tp);
          x["offset"] = r.offset;
          x["value"] = r.value;
          a.push_back(std::move(x));
        }
        j["reads"] = std::move(a);
      }
      break;
    case op_f::assign:
      if (inv) {
        j["partitions"] = partitions_json(e.partitions);
        if (e.seek_to_beginning)
          j["seek_to_beginning"] = true;
      }
      break;
    case op_f::commit:
      if (inv) {
        j["group"] = e.group;
        j["offsets"] = offsets_json(e.offsets);
      }
      break;
    case op_f::rebalance:
      j["group"] = e.group;
      j["generation"] = e.generation;
      j["member"] = e.member;
      j["partitions"] = partitions_json(e.partitions);
      if (!e.offsets.empty())
        j["offsets"] = offsets_json(e.offsets);
      break;
    case op_f::fault:
      j["name"] = e.fault_name;
      j["phase"] = e.fault_start ? "start" : "stop";
      if (!e.fault_target.empty())
        j["target"] = e.fault_target;
      break;
    case op_f::leader:
      j["topic"] = e.tp.topic;
      j["partition"] = e.tp.partition;
      j["leader"] = e.leader;
      break;
  }
  if (!e.error.empty())
    j["error"] = e.error;
  return j.dump();
}

std::string encode_history(const history& h) {
  std::string out;
  for (const auto& e : h.events)
    out += encode_event(e) + "\n";
  return out;
}

// ---- decoding ----

namespace {

// Reads the fields of one JSON object, throwing history_error that names the line and the field.
struct fields {
  const json& j;
  const std::string& at; // "history.jsonl line 7"

  [[noreturn]] void fail(const std::string& what) const { throw history_error(at + ": " + what); }

  const json* find(const char* k) const {
    auto it = j.find(k);
    return it == j.end() || it->is_null() ? nullptr : &*it;
  }
  const json& need(const char* k) const {
    if (auto p = find(k))
      return *p;
    fail(std::string{"missing \""} + k + "\"");
  }
  std::string str(const char* k) const {
    const auto& v = need(k);
    if (v.is_string())
      return v.get<std::string>();
    fail(std::string{"\""} + k + "\" must be a string, got " + v.dump());
  }
  std::string str_or(const char* k, std::string dflt) const { return find(k) ? str(k) : dflt; }
  int64_t integer(const char* k, int64_t min, int64_t max) const {
    const auto& v = need(k);
    if (v.is_number_integer()) {
      if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(max))
        fail(std::string{"\""} + k + "\" is out of range: " + v.dump());
      auto x = v.get<int64_t>();
      if (x >= min && x <= max)
        return x;
      fail(std::string{"\""} + k + "\" is out of range: " + v.dump());
    }
    fail(std::string{"\""} + k + "\" must be an integer, got " + v.dump());
  }
  bool boolean_or(const char* k, bool dflt) const {
    auto p = find(k);
    if (!p)
      return dflt;
    if (!p->is_boolean())
      fail(std::string{"\""} + k + "\" must be true or false, got " + p->dump());
    return p->get<bool>();
  }
  // A record value: a string, or a number (Jepsen's integers), kept as its decimal text.
  std::string value(const char* k) const {
    const auto& v = need(k);
    if (v.is_string())
      return v.get<std::string>();
    if (v.is_number_integer())
      return v.dump();
    fail(std::string{"\""} + k + "\" must be a string or an integer, got " + v.dump());
  }
  // An array of objects, each read by `one` with fields naming "k[i]".
  template <class F>
  void each(const char* k, bool required, F one) const {
    auto p = required ? &need(k) : find(k);
    if (!p)
      return;
    if (!p->is_array())
      fail(std::string{"\""} + k + "\" must be an array, got " + p->dump());
    for (size_t i = 0; i < p->size(); ++i) {
      const auto& x = (*p)[i];
      std::string at_i = at + ": " + k + "[" + std::to_string(i) + "]";
      if (!x.is_object())
        throw history_error(at_i + " must be an object, got " + x.dump());
      one(fields{x, at_i});
    }
  }
  topic_partition tp() const {
    return {str("topic"), static_cast<int32_t>(integer("partition", 0, INT32_MAX))};
  }
};

constexpr int64_t max_i64 = INT64_MAX;

template <class Enum, size_t N>
Enum parse_enum(const fields& f, const char* k, const Enum (&all)[N]) {
  auto s = f.str(k);
  std::string names;
  for (auto x : all) {
    if (s == to_string(x))
      return x;
    names += (names.empty() ? "" : ", ") + std::string{to_string(x)};
  }
  f.fail(std::string{"unknown \""} + k + "\" \"" + s + "\" (one of " + names + ")");
}

event decode_event(const json& j, const std::string& at, size_t line) {
  if (!j.is_object())
    throw history_error(at + ": expected a JSON object, got " + j.dump());
  fields f{j, at};
  static const event_type types[] = {event_type::invoke, event_type::ok, event_type::fail, event_type::info};
  static const op_f fs[] = {op_f::send,      op_f::poll,  op_f::assign, op_f::commit,
                            op_f::rebalance, op_f::fault, op_f::leader};
  event e;
  e.line = line;
  e.type = parse_enum(f, "type", types);
  e.f = parse_enum(f, "f", fs);
  e.time_ns = f.integer("time", 0, max_i64);
  e.error = f.str_or("error", "");
  e.process = e.f == op_f::fault || e.f == op_f::leader ? nemesis_process : f.integer("process", 0, max_i64);
  const bool inv = e.type == event_type::invoke;
  auto read_offsets = [&](const fields& x) { e.offsets.push_back({x.tp(), x.integer("offset", 0, max_i64)}); };
  auto read_partitions = [&](const fields& x) { e.partitions.push_back(x.tp()); };
  switch (e.f) {
    case op_f::send:
      if (inv) {
        e.tp = f.tp();
        e.value = f.value("value");
      } else if (f.find("offset")) {
        if (e.type != event_type::ok)
          f.fail(std::string{"a send that completes "} + to_string(e.type) + " has no offset");
        e.offset = f.integer("offset", 0, max_i64);
      }
      break;
    case op_f::poll:
      if (!inv)
        f.each("reads", false, [&](const fields& x) {
          e.reads.push_back({x.tp(), x.integer("offset", 0, max_i64), x.value("value")});
        });
      break;
    case op_f::assign:
      if (inv) {
        f.each("partitions", true, read_partitions);
        e.seek_to_beginning = f.boolean_or("seek_to_beginning", false);
      }
      break;
    case op_f::commit:
      if (inv) {
        e.group = f.str("group");
        f.each("offsets", true, read_offsets);
      }
      break;
    case op_f::rebalance:
      if (e.type != event_type::ok)
        f.fail("a rebalance is one line of type \"ok\" (an observed assignment, not a call)");
      e.group = f.str("group");
      e.member = f.str("member");
      e.generation = static_cast<int32_t>(f.integer("generation", -1, INT32_MAX));
      f.each("partitions", true, read_partitions);
      f.each("offsets", false, read_offsets);
      break;
    case op_f::fault: {
      if (e.type != event_type::info)
        f.fail("a fault is one line of type \"info\" (an annotation, not a client call)");
      e.fault_name = f.str("name");
      auto phase = f.str("phase");
      if (phase != "start" && phase != "stop")
        f.fail("\"phase\" must be \"start\" or \"stop\", got \"" + phase + "\"");
      e.fault_start = phase == "start";
      e.fault_target = f.str_or("target", "");
      break;
    }
    case op_f::leader:
      if (e.type != event_type::info)
        f.fail("a leader change is one line of type \"info\" (an observation, not a client call)");
      e.tp = f.tp();
      e.leader = static_cast<int32_t>(f.integer("leader", -1, INT32_MAX));
      break;
  }
  return e;
}

} // namespace

history decode_history(const std::string& text, const std::string& source) {
  history h;
  h.source = source;
  std::istringstream in(text);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    std::string at = source + " line " + std::to_string(n);
    json j;
    try {
      j = json::parse(line);
    } catch (const json::parse_error& err) {
      throw history_error(at + ": not JSON (" + err.what() + ")");
    }
    h.events.push_back(decode_event(j, at, n));
  }
  return h;
}

history read_history_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw history_error(path + ": cannot open the history file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    throw history_error(path + ": cannot read the history file");
  return decode_history(text.str(), path);
}

// ---- pairing ----

std::vector<op> pair_ops(const history& h) {
  std::vector<op> ops;
  std::map<int64_t, size_t> open;                // process -> its open op in `ops`
  std::map<std::string, size_t> faults_started; // fault name -> starts not yet stopped
  for (size_t i = 0; i < h.events.size(); ++i) {
    const auto& e = h.events[i];
    if (e.f == op_f::rebalance || e.f == op_f::fault || e.f == op_f::leader) {
      if (e.f == op_f::fault) {
        auto& n = faults_started[e.fault_name];
        if (e.fault_start)
          ++n;
        else if (n == 0)
          throw history_error(where(h, i) + ": fault \"" + e.fault_name + "\" stops but was not started");
        else
          --n;
      }
      ops.push_back({e.f, e.process, e.type, i, i, true, e.time_ns, e.time_ns});
      continue;
    }
    auto it = open.find(e.process);
    if (e.type == event_type::invoke) {
      if (it != open.end()) {
        const auto& o = ops[it->second];
        throw history_error(where(h, i) + ": process " + std::to_string(e.process) + " invokes a " + to_string(e.f)
                            + " while its " + to_string(o.f) + " from " + where(h, o.invoke) + " has not completed");
      }
      open[e.process] = ops.size();
      ops.push_back({e.f, e.process, event_type::info, i, i, false, e.time_ns, e.time_ns});
      continue;
    }
    if (it == open.end())
      throw history_error(where(h, i) + ": process " + std::to_string(e.process) + " completes a " + to_string(e.f)
                          + " it did not invoke");
    auto& o = ops[it->second];
    if (o.f != e.f)
      throw history_error(where(h, i) + ": process " + std::to_string(e.process) + " completes a " + to_string(e.f)
                          + " but its open operation is a " + to_string(o.f) + " (" + where(h, o.invoke) + ")");
    if (e.time_ns < o.invoke_ns)
      throw history_error(where(h, i) + ": completes at time " + std::to_string(e.time_ns) + ", before its invoke at "
                          + std::to_string(o.invoke_ns) + " (" + where(h, o.invoke) + ")");
    o.type = e.type;
    o.completion = i;
    o.completed = true;
    o.completion_ns = e.time_ns;
    open.erase(it);
  }
  return ops;
}

} // namespace samsa::cluster::checker
