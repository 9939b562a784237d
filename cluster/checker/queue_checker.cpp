#include "cluster/checker/queue_checker.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

namespace samsa::cluster::checker {

const std::vector<std::string>& anomaly_names() {
  static const std::vector<std::string> names{
    "inconsistent-offsets", "duplicate",         "G1a",           "lost-write",
    "unseen",               "poll-skip",         "nonmonotonic-poll", "int-poll-skip",
    "int-nonmonotonic-poll", "nonmonotonic-send", "double-ownership",  "backwards-commit"};
  return names;
}

namespace {

// What the history says about one partition (the header's version order).
struct partition_order {
  std::map<int64_t, std::set<std::string>> log; // offset -> every value seen there
  std::map<int64_t, size_t> index;              // offset -> dense index (offsets holding a value)
  std::vector<int64_t> offsets;                 // dense index -> offset
  std::map<std::string, size_t> first_index;    // value -> the lowest index it appears at
  std::map<std::string, size_t> last_index;     // value -> the highest
  std::set<std::string> read_ok;                // values some ok poll read
};

class analysis {
public:
  analysis(const history& h, const check_options& options) : h_(h), opt_(options), ops_(pair_ops(h)) {}

  check_result run() {
    out_.events = h_.events.size();
    for (const auto& o : ops_) {
      auto& c = out_.ops[to_string(o.f)];
      (o.type == event_type::ok ? c.ok : o.type == event_type::fail ? c.fail : c.info)++;
    }
    build_orders();
    inconsistent_offsets();
    duplicates();
    aborted_reads();
    lost_writes();
    unseen();
    for (const auto& [process, ops] : by_process())
      process_order(process, ops);
    double_ownership();
    backwards_commits();
    out_.valid = out_.anomalies.empty();
    out_.availability = measure_availability(h_, ops_);
    return std::move(out_);
  }

private:
  const history& h_;
  check_options opt_;
  std::vector<op> ops_;
  check_result out_;
  std::map<topic_partition, partition_order> parts_;
  std::map<std::pair<topic_partition, std::string>, size_t> writer_;                   // -> its send op
  std::map<std::tuple<topic_partition, int64_t, std::string>, size_t> first_reader_; // -> first poll op

  // ---- accessors ----
  const event& invoke_of(size_t i) const { return h_.events[ops_[i].invoke]; }
  const event& completion_of(size_t i) const { return h_.events[ops_[i].completion]; }
  std::optional<int64_t> ack_offset(size_t i) const {
    const auto& o = ops_[i];
    if (o.type == event_type::ok && o.completed)
      return completion_of(i).offset;
    return std::nullopt;
  }
  const std::vector<record_read>& reads_of(size_t i) const {
    static const std::vector<record_read> none;
    return ops_[i].completed ? completion_of(i).reads : none;
  }
  bool was_read(const topic_partition& tp, const std::string& v) const {
    auto it = parts_.find(tp);
    return it != parts_.end() && it->second.read_ok.count(v) > 0;
  }
  // Jepsen's must-have-committed?: ok, or info and its value was read by an ok poll.
  bool must_have_committed(size_t send) const {
    const auto& o = ops_[send];
    return o.type == event_type::ok
           || (o.type == event_type::info && was_read(invoke_of(send).tp, invoke_of(send).value));
  }
  std::optional<size_t> index_of(const topic_partition& tp, int64_t offset) const {
    auto p = parts_.find(tp);
    if (p == parts_.end())
      return std::nullopt;
    auto it = p->second.index.find(offset);
    return it == p->second.index.end() ? std::nullopt : std::optional<size_t>{it->second};
  }
  std::optional<size_t> writer(const topic_partition& tp, const std::string& v) const {
    auto it = writer_.find({tp, v});
    return it == writer_.end() ? std::nullopt : std::optional<size_t>{it->second};
  }
  std::optional<size_t> reader(const topic_partition& tp, int64_t offset, const std::string& v) const {
    auto it = first_reader_.find({tp, offset, v});
    return it == first_reader_.end() ? std::nullopt : std::optional<size_t>{it->second};
  }

  // ---- reporting ----
  op_ref ref(size_t i) const {
    const auto& o = ops_[i];
    auto line = [&](size_t e) { return h_.events[e].line ? h_.events[e].line : e + 1; };
    return {o.process, o.f, o.type, line(o.invoke), line(o.completion), o.invoke_ns, o.completion_ns};
  }
  void report(const std::string& name, const topic_partition* tp, std::string explanation,
              std::vector<std::string> values, std::vector<int64_t> offsets, const std::vector<size_t>& ops) {
    auto& a = out_.anomalies[name];
    ++a.count;
    if (a.examples.size() >= opt_.max_examples)
      return;
    anomaly_example ex{tp ? tp->str() : "", std::move(explanation), std::move(values), std::move(offsets), {}};
    std::set<size_t> seen;
    for (auto i : ops)
      if (seen.insert(i).second)
        ex.ops.push_back(ref(i));
    a.examples.push_back(std::move(ex));
  }
  // The writer of v and the first poll that read it at `offset`, those that exist.
  void add_witnesses(std::vector<size_t>& ops, const topic_partition& tp, int64_t offset, const std::string& v) const {
    if (auto w = writer(tp, v))
      ops.push_back(*w);
    if (auto r = reader(tp, offset, v))
      ops.push_back(*r);
  }
  static std::string proc(int64_t p) { return "process " + std::to_string(p); }
  static std::string off(int64_t o) { return "offset " + std::to_string(o); }

  // ---- the version order ----
  void build_orders() {
    for (size_t i = 0; i < ops_.size(); ++i) {
      if (ops_[i].f == op_f::send)
        writer_.emplace(std::make_pair(invoke_of(i).tp, invoke_of(i).value), i);
      if (ops_[i].f == op_f::poll && ops_[i].type == event_type::ok)
        for (const auto& r : reads_of(i))
          parts_[r.tp].read_ok.insert(r.value);
    }
    for (size_t i = 0; i < ops_.size(); ++i) {
      if (ops_[i].f == op_f::poll)
        for (const auto& r : reads_of(i)) {
          parts_[r.tp].log[r.offset].insert(r.value);
          first_reader_.emplace(std::make_tuple(r.tp, r.offset, r.value), i);
        }
      if (ops_[i].f == op_f::send && must_have_committed(i))
        if (auto o = ack_offset(i))
          parts_[invoke_of(i).tp].log[*o].insert(invoke_of(i).value);
    }
    for (auto& [tp, p] : parts_)
      for (const auto& [offset, values] : p.log) {
        size_t i = p.offsets.size();
        p.index[offset] = i;
        p.offsets.push_back(offset);
        for (const auto& v : values) {
          p.first_index.emplace(v, i);
          p.last_index[v] = i;
        }
      }
  }

  // The values at dense indexes (from, to), one per index (the first when an offset holds several).
  void between(const partition_order& p, size_t from, size_t to, std::vector<std::string>& values,
               std::vector<int64_t>& offsets) const {
    for (size_t i = from + 1; i < to && values.size() < 16; ++i) {
      offsets.push_back(p.offsets[i]);
      values.push_back(*p.log.at(p.offsets[i]).begin());
    }
  }

  // ---- per partition ----
  void inconsistent_offsets() {
    for (const auto& [tp, p] : parts_)
      for (const auto& [offset, values] : p.log) {
        if (values.size() < 2)
          continue;
        std::vector<size_t> ops;
        for (const auto& v : values)
          add_witnesses(ops, tp, offset, v);
        report("inconsistent-offsets", &tp,
               off(offset) + " holds " + std::to_string(values.size()) + " different values",
               {values.begin(), values.end()}, {offset}, ops);
      }
  }

  void duplicates() {
    for (const auto& [tp, p] : parts_) {
      std::map<std::string, std::vector<int64_t>> at;
      for (const auto& [offset, values] : p.log)
        for (const auto& v : values)
          at[v].push_back(offset);
      for (const auto& [v, offsets] : at) {
        if (offsets.size() < 2)
          continue;
        std::vector<size_t> ops;
        for (auto o : offsets)
          add_witnesses(ops, tp, o, v);
        report("duplicate", &tp, "value " + v + " is at " + std::to_string(offsets.size()) + " offsets", {v},
               offsets, ops);
      }
    }
  }

  void aborted_reads() {
    for (size_t i = 0; i < ops_.size(); ++i) {
      if (ops_[i].f != op_f::poll || ops_[i].type != event_type::ok)
        continue;
      for (const auto& r : reads_of(i)) {
        auto w = writer(r.tp, r.value);
        if (w && ops_[*w].type == event_type::fail)
          report("G1a", &r.tp, proc(ops_[i].process) + " read " + r.value + " at " + off(r.offset)
                 + ", whose send failed (definitely not applied)", {r.value}, {r.offset}, {*w, i});
      }
    }
  }

  void lost_writes() {
    for (const auto& [tp, p] : parts_) {
      std::optional<size_t> bound;
      for (const auto& v : p.read_ok)
        if (auto it = p.first_index.find(v); it != p.first_index.end() && (!bound || it->second > *bound))
          bound = it->second;
      if (!bound)
        continue;
      const int64_t bound_offset = p.offsets[*bound];
      std::optional<size_t> max_reader;
      for (const auto& v : p.log.at(bound_offset))
        if (!max_reader)
          max_reader = reader(tp, bound_offset, v);
      for (size_t i = 0; i <= *bound; ++i)
        for (const auto& v : p.log.at(p.offsets[i])) {
          if (p.last_index.at(v) != i || p.read_ok.count(v))
            continue;
          auto w = writer(tp, v);
          if (!w || !must_have_committed(*w))
            continue;
          std::vector<size_t> ops{*w};
          if (max_reader)
            ops.push_back(*max_reader);
          report("lost-write", &tp, "value " + v + " at " + off(p.offsets[i]) + " must have committed (send "
                 + to_string(ops_[*w].type) + ") and polls read up to " + off(bound_offset) + ", yet no poll read it",
                 {v}, {p.offsets[i], bound_offset}, ops);
        }
    }
  }

  void unseen() {
    for (size_t i = 0; i < ops_.size(); ++i) {
      if (ops_[i].f != op_f::send || ops_[i].type != event_type::ok)
        continue;
      const auto& e = invoke_of(i);
      if (was_read(e.tp, e.value))
        continue;
      auto o = ack_offset(i);
      std::vector<int64_t> offsets;
      if (o)
        offsets.push_back(*o);
      report("unseen", &e.tp, "value " + e.value + " was acknowledged" + (o ? " at " + off(*o) : std::string{})
             + " but no poll read it", {e.value}, offsets, {i});
    }
  }

  // ---- per process ----
  // Each process's operations in the order they completed (an observation at its line), so a rebalance
  // seen while a poll was open comes before that poll.
  std::map<int64_t, std::vector<size_t>> by_process() const {
    std::map<int64_t, std::vector<size_t>> out;
    for (size_t i = 0; i < ops_.size(); ++i)
      if (ops_[i].process != nemesis_process)
        out[ops_[i].process].push_back(i);
    for (auto& [p, list] : out)
      std::stable_sort(list.begin(), list.end(),
                       [&](size_t a, size_t b) { return ops_[a].completion < ops_[b].completion; });
    return out;
  }

  struct position {
    int64_t offset = 0;
    size_t op = 0;
  };
  struct sent {
    std::optional<size_t> index;
    int64_t offset = -1;
    std::string value;
    size_t op = 0;
  };

  // Compares two reads of one partition (prev, then next): a skip or a step back, else nothing.
  void compare_reads(const topic_partition& tp, const position& prev, const position& next, bool within_op) {
    auto i1 = index_of(tp, prev.offset);
    auto i2 = index_of(tp, next.offset);
    if (!i1 || !i2)
      return;
    const auto& p = parts_.at(tp);
    std::string who = proc(ops_[next.op].process);
    std::vector<size_t> ops{prev.op, next.op};
    if (*i2 > *i1 + 1) {
      std::vector<std::string> values;
      std::vector<int64_t> offsets;
      between(p, *i1, *i2, values, offsets);
      std::string n = std::to_string(*i2 - *i1 - 1);
      report(within_op ? "int-poll-skip" : "poll-skip", &tp,
             within_op ? "one poll of " + who + " read " + off(prev.offset) + " then " + off(next.offset) + ", skipping "
                           + n + " offset(s) that hold values"
                       : who + "'s poll started at " + off(next.offset) + " after its previous poll ended at "
                           + off(prev.offset) + ", skipping " + n + " offset(s) that hold values",
             values, offsets, ops);
    } else if (*i2 <= *i1) {
      report(within_op ? "int-nonmonotonic-poll" : "nonmonotonic-poll", &tp,
             within_op ? "one poll of " + who + " read " + off(prev.offset) + " then " + off(next.offset)
                       : who + "'s poll started at " + off(next.offset) + ", at or before where its previous poll ended ("
                           + off(prev.offset) + ")",
             {}, {prev.offset, next.offset}, ops);
    }
  }

  std::optional<size_t> send_index(size_t i) const {
    const auto& e = invoke_of(i);
    if (auto o = ack_offset(i))
      if (auto idx = index_of(e.tp, *o))
        return idx;
    auto p = parts_.find(e.tp);
    if (p == parts_.end())
      return std::nullopt;
    auto it = p->second.first_index.find(e.value);
    return it == p->second.first_index.end() ? std::nullopt : std::optional<size_t>{it->second};
  }

  void process_order(int64_t process, const std::vector<size_t>& list) {
    std::map<topic_partition, position> last_read;
    std::map<topic_partition, sent> last_sent;
    std::optional<size_t> last_rebalance; // its event
    for (auto i : list) {
      const auto& o = ops_[i];
      switch (o.f) {
        case op_f::rebalance:
          last_read.clear();
          last_rebalance = o.invoke;
          break;
        case op_f::assign: {
          if (o.type == event_type::fail || !o.completed)
            break;
          const auto& e = invoke_of(i);
          if (e.seek_to_beginning) {
            last_read.clear();
            break;
          }
          std::set<topic_partition> keep(e.partitions.begin(), e.partitions.end());
          for (auto it = last_read.begin(); it != last_read.end();)
            it = keep.count(it->first) ? std::next(it) : last_read.erase(it);
          break;
        }
        case op_f::poll: {
          if (o.type != event_type::ok)
            break;
          const bool rebalanced = last_rebalance && *last_rebalance > o.invoke;
          std::map<topic_partition, position> first_here;
          for (const auto& r : reads_of(i)) {
            position here{r.offset, i};
            auto prev = last_read.find(r.tp);
            if (!first_here.count(r.tp)) {
              first_here[r.tp] = here;
              if (prev != last_read.end() && !rebalanced)
                compare_reads(r.tp, prev->second, here, false);
            } else if (!rebalanced) {
              compare_reads(r.tp, last_read.at(r.tp), here, true);
            }
            last_read[r.tp] = here;
          }
          break;
        }
        case op_f::send: {
          if (o.type != event_type::ok && o.type != event_type::info)
            break;
          const auto& e = invoke_of(i);
          sent now{send_index(i), ack_offset(i).value_or(-1), e.value, i};
          auto prev = last_sent.find(e.tp);
          if (prev != last_sent.end() && prev->second.index && now.index && *now.index <= *prev->second.index)
            report("nonmonotonic-send", &e.tp,
                   proc(process) + "'s send of " + now.value + " landed at index " + std::to_string(*now.index)
                     + ", at or below its previous send " + prev->second.value + " (index "
                     + std::to_string(*prev->second.index) + ")",
                   {prev->second.value, now.value}, {prev->second.offset, now.offset}, {prev->second.op, i});
          last_sent[e.tp] = now;
          break;
        }
        case op_f::commit:
        case op_f::fault:
        case op_f::leader:
          break;
      }
    }
  }

  // ---- consumer groups ----
  void double_ownership() {
    // (group, generation) -> partition -> member -> its rebalance op
    std::map<std::pair<std::string, int32_t>, std::map<topic_partition, std::map<std::string, size_t>>> owners;
    for (size_t i = 0; i < ops_.size(); ++i) {
      if (ops_[i].f != op_f::rebalance)
        continue;
      const auto& e = invoke_of(i);
      for (const auto& tp : e.partitions)
        owners[{e.group, e.generation}][tp].emplace(e.member, i);
    }
    for (const auto& [gen, parts] : owners)
      for (const auto& [tp, members] : parts) {
        if (members.size() < 2)
          continue;
        std::vector<std::string> names;
        std::vector<size_t> ops;
        for (const auto& [m, i] : members) {
          names.push_back(m);
          ops.push_back(i);
        }
        report("double-ownership", &tp,
               "group " + gen.first + " generation " + std::to_string(gen.second) + ": " + std::to_string(names.size())
                 + " members own " + tp.str(),
               names, {}, ops);
      }
  }

  void backwards_commits() {
    // Observations of a committed offset, by event position: an ok commit is checked at its invoke and
    // counts as committed from its completion on; a rebalance's fetched offsets are checked at its line.
    struct step {
      size_t at;
      bool raise; // an ok commit completing (else: an observation to check)
      std::string group;
      partition_offset po;
      size_t op;
    };
    std::vector<step> steps;
    for (size_t i = 0; i < ops_.size(); ++i) {
      const auto& o = ops_[i];
      bool commit = o.f == op_f::commit && o.type == event_type::ok;
      if (!commit && o.f != op_f::rebalance)
        continue;
      const auto& e = invoke_of(i);
      for (const auto& po : e.offsets) {
        steps.push_back({o.invoke, false, e.group, po, i});
        if (commit)
          steps.push_back({o.completion, true, e.group, po, i});
      }
    }
    std::stable_sort(steps.begin(), steps.end(), [](const step& a, const step& b) { return a.at < b.at; });
    std::map<std::pair<std::string, topic_partition>, std::pair<int64_t, size_t>> committed; // -> (offset, op)
    for (const auto& s : steps) {
      auto key = std::make_pair(s.group, s.po.tp);
      auto it = committed.find(key);
      if (s.raise) {
        if (it == committed.end() || s.po.offset > it->second.first)
          committed[key] = {s.po.offset, s.op};
      } else if (it != committed.end() && s.po.offset < it->second.first) {
        bool fetched = ops_[s.op].f == op_f::rebalance;
        report("backwards-commit", &s.po.tp,
               "group " + s.group + ": " + (fetched ? "a rebalance fetched" : "a commit set") + " committed " + off(s.po.offset)
                 + " after a commit of " + off(it->second.first) + " had completed",
               {}, {it->second.first, s.po.offset}, {it->second.second, s.op});
      }
    }
  }
};

double ms(int64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

std::string fmt_s(int64_t ns) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ns) / 1e9);
  return buf;
}

} // namespace

check_result check(const history& h, const check_options& options) {
  return analysis(h, options).run();
}

check_result check_history_file(const std::string& path, const check_options& options) {
  return check(read_history_file(path), options);
}

std::string to_json(const check_result& r) {
  using json = nlohmann::ordered_json; // fields in the documented order
  json anomalies = json::object();
  json types = json::array();
  for (const auto& [name, a] : r.anomalies) {
    types.push_back(name);
    json examples = json::array();
    for (const auto& ex : a.examples) {
      json ops = json::array();
      for (const auto& o : ex.ops)
        ops.push_back({{"process", o.process},
                       {"f", to_string(o.f)},
                       {"type", to_string(o.type)},
                       {"invoke_line", o.invoke_line},
                       {"completion_line", o.completion_line},
                       {"invoke_ms", ms(o.invoke_ns)},
                       {"completion_ms", ms(o.completion_ns)}});
      examples.push_back({{"partition", ex.partition},
                          {"explanation", ex.explanation},
                          {"values", ex.values},
                          {"offsets", ex.offsets},
                          {"ops", std::move(ops)}});
    }
    anomalies[name] = {{"count", a.count}, {"examples", std::move(examples)}};
  }
  json ops = json::object();
  for (const auto& [f, c] : r.ops)
    ops[f] = {{"ok", c.ok}, {"fail", c.fail}, {"info", c.info}};
  json faults = json::array();
  for (const auto& f : r.availability.faults) {
    json x{{"name", f.name},
           {"target", f.target},
           {"start_ms", ms(f.start_ns)},
           {"stop_ms", nullptr},
           {"first_ack_after_ms", nullptr},
           {"max_unavailability_ms", ms(f.max_unavailability_ns)},
           {"after_heal_max_unavailability_ms", nullptr}};
    if (f.stop_ns)
      x["stop_ms"] = ms(*f.stop_ns);
    if (f.after_heal_max_unavailability_ns)
      x["after_heal_max_unavailability_ms"] = ms(*f.after_heal_max_unavailability_ns);
    if (f.first_ack_after_ns)
      x["first_ack_after_ms"] = ms(*f.first_ack_after_ns);
    faults.push_back(std::move(x));
  }
  const auto& av = r.availability;
  json out{{"valid", r.valid},
           {"anomaly_types", std::move(types)},
           {"anomalies", std::move(anomalies)},
           {"events", r.events},
           {"ops", std::move(ops)},
           {"availability",
            {{"acknowledged_sends", av.acknowledged_sends},
             {"max_unavailability_ms", ms(av.max_unavailability_ns)},
             {"gap_start_ms", ms(av.gap_start_ns)},
             {"gap_end_ms", ms(av.gap_end_ns)},
             {"faults", std::move(faults)}}}};
  return out.dump();
}

std::string to_text(const check_result& r) {
  std::ostringstream out;
  if (r.valid) {
    out << "valid: no anomaly in " << r.events << " events\n";
  } else {
    out << "INVALID:";
    for (const auto& [name, a] : r.anomalies)
      out << " " << name << " (" << a.count << ")";
    out << "\n";
  }
  out << "operations:";
  for (const auto& [f, c] : r.ops)
    out << " " << f << " " << c.ok << " ok/" << c.fail << " fail/" << c.info << " info;";
  out << "\n";
  for (const auto& [name, a] : r.anomalies) {
    out << name << ": " << a.count << (a.count > a.examples.size() ? " (first examples)" : "") << "\n";
    for (const auto& ex : a.examples) {
      out << "  " << (ex.partition.empty() ? "" : ex.partition + ": ") << ex.explanation;
      for (const auto& o : ex.ops)
        out << "; " << to_string(o.f) << " by process " << o.process << " " << to_string(o.type) << " (line "
            << o.invoke_line << (o.completion_line != o.invoke_line ? "-" + std::to_string(o.completion_line) : "")
            << ")";
      out << "\n";
    }
  }
  const auto& av = r.availability;
  out << "availability: " << av.acknowledged_sends << " acknowledged sends, max_unavailability "
      << fmt_s(av.max_unavailability_ns) << " (" << fmt_s(av.gap_start_ns) << " to " << fmt_s(av.gap_end_ns) << ")\n";
  for (const auto& f : av.faults) {
    out << "  fault " << f.name << (f.target.empty() ? "" : " (" + f.target + ")") << " " << fmt_s(f.start_ns)
        << " to " << (f.stop_ns ? fmt_s(*f.stop_ns) : std::string{"the end"}) << ": "
        << (f.first_ack_after_ns ? "first ack after " + fmt_s(*f.first_ack_after_ns) : std::string{"no ack after it"})
        << ", max_unavailability " << fmt_s(f.max_unavailability_ns)
        << (f.after_heal_max_unavailability_ns ? ", after the heal " + fmt_s(*f.after_heal_max_unavailability_ns)
                                               : std::string{})
        << "\n";
  }
  return out.str();
}

} // namespace samsa::cluster::checker
