// `samsa groups reset-offsets`: kafka-consumer-groups.sh --reset-offsets. The plan (tools/cli_reset_plan) is
// printed and, only with --execute, applied; the broker refuses it while the group has members.
#include <iomanip>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "tools/cli_common.hpp"
#include "tools/cli_groups.hpp"
#include "tools/cli_reset_plan.hpp"

namespace samsa::cli {

namespace {

constexpr auto timeout = request_timeout;

int64_t offset_for(caf::scoped_actor& self, const broker_actor& b, const std::string& topic, int32_t p, int64_t ts) {
  int64_t out = -1;
  self->request(b, timeout, offsets_atom::value, topic, p, ts)
    .receive([&](const offset_answer& x) { out = x.error ? -1 : x.offset; }, [](const caf::error&) {});
  return out;
}

// --to-earliest|--to-latest|--to-offset N|--shift-by N|--to-datetime DT: exactly one; nullopt after saying why.
std::optional<reset_spec> spec_of(const args& a) {
  int modes = a.has("--to-earliest") + a.has("--to-latest") + a.has("--to-offset") + a.has("--shift-by")
              + a.has("--to-datetime");
  if (modes != 1) {
    std::cerr << "error: give exactly one of --to-earliest, --to-latest, --to-offset N, --shift-by N, --to-datetime DT\n";
    return std::nullopt;
  }
  if (a.has("--to-earliest"))
    return reset_spec{reset_spec::kind::earliest, 0};
  if (a.has("--to-latest"))
    return reset_spec{reset_spec::kind::latest, 0};
  if (auto s = a.get("--to-offset")) {
    auto n = to_int(*s);
    if (!n || *n < 0) {
      std::cerr << "error: --to-offset needs an offset >= 0, got '" << *s << "'\n";
      return std::nullopt;
    }
    return reset_spec{reset_spec::kind::offset, *n};
  }
  if (auto s = a.get("--shift-by")) {
    auto n = to_int(*s);
    if (!n) {
      std::cerr << "error: --shift-by needs a number (negative: back), got '" << *s << "'\n";
      return std::nullopt;
    }
    return reset_spec{reset_spec::kind::shift_by, *n};
  }
  auto s = *a.get("--to-datetime");
  auto ms = parse_datetime_ms(s);
  if (!ms) {
    std::cerr << "error: --to-datetime needs YYYY-MM-DDTHH:MM:SS[.sss][Z|+HH:MM] or epoch milliseconds, got '" << s
              << "'\n";
    return std::nullopt;
  }
  return reset_spec{reset_spec::kind::datetime, *ms};
}

// The partitions to reset: --topic T[:P,...] (repeatable) or --all-topics (every topic the group has
// committed offsets for). Prints why and returns nullopt when a topic or partition does not exist.
std::optional<std::vector<partition_bounds>> select(caf::scoped_actor& self, const broker_actor& b, const args& a,
                                                    const group_info& g, const reset_spec& spec) {
  std::vector<topic_selection> wanted;
  if (a.has("--all-topics")) {
    std::set<std::string> topics;
    for (auto& c : g.committed)
      topics.insert(c.topic);
    for (auto& t : topics)
      wanted.push_back({t, {}});
    if (wanted.empty()) {
      std::cerr << "error: group " << g.group_id << " has no committed offsets: --all-topics selects nothing\n";
      return std::nullopt;
    }
  }
  for (auto& t : a.all("--topic")) {
    auto sel = parse_topic_selection(t);
    if (!sel) {
      std::cerr << "error: --topic needs TOPIC or TOPIC:P,P,..., got '" << t << "'\n";
      return std::nullopt;
    }
    wanted.push_back(*sel);
  }
  std::map<std::pair<std::string, int32_t>, int64_t> committed;
  for (auto& c : g.committed)
    committed[{c.topic, c.partition}] = c.offset;
  std::vector<partition_bounds> out;
  for (auto& w : wanted) {
    auto n = partition_count(self, b, w.topic);
    if (n < 0) {
      std::cerr << "error: unknown topic '" << w.topic << "'\n";
      return std::nullopt;
    }
    auto parts = w.partitions;
    if (parts.empty())
      for (int32_t p = 0; p < n; ++p)
        parts.push_back(p);
    for (auto p : parts) {
      if (p >= n) {
        std::cerr << "error: topic '" << w.topic << "' has " << n << " partitions; there is no partition " << p << "\n";
        return std::nullopt;
      }
      partition_bounds pb;
      pb.topic = w.topic;
      pb.partition = p;
      pb.log_start = offset_for(self, b, w.topic, p, earliest_timestamp);
      pb.log_end = offset_for(self, b, w.topic, p, latest_timestamp);
      if (auto c = committed.find({w.topic, p}); c != committed.end())
        pb.committed = c->second;
      if (spec.what == reset_spec::kind::datetime)
        pb.offset_at_time = offset_for(self, b, w.topic, p, spec.value);
      out.push_back(std::move(pb));
    }
  }
  return out;
}

void print_plan(const std::string& group, const reset_plan& plan, const std::string& output, bool executed) {
  if (output == "json") {
    auto rows = nlohmann::json::array();
    for (auto& r : plan.rows)
      rows.push_back({{"topic", r.topic},
                      {"partition", r.partition},
                      {"current_offset", r.current ? nlohmann::json(*r.current) : nlohmann::json()},
                      {"new_offset", r.target}});
    std::cout << nlohmann::json{{"group", group}, {"executed", executed}, {"partitions", rows}}.dump() << "\n";
    return;
  }
  std::cout << std::left << std::setw(24) << "GROUP" << std::setw(24) << "TOPIC" << std::setw(10) << "PARTITION"
            << std::setw(16) << "CURRENT-OFFSET" << "NEW-OFFSET\n";
  for (auto& r : plan.rows)
    std::cout << std::setw(24) << group << std::setw(24) << r.topic << std::setw(10) << r.partition << std::setw(16)
              << (r.current ? std::to_string(*r.current) : std::string{"-"}) << r.target << "\n";
}

int reset_offsets(caf::scoped_actor& self, const broker_actor& b, const args& a) {
  const auto& group = a.positional[0];
  auto output = output_format(a);
  if (!output)
    return exit_usage;
  auto spec = spec_of(a);
  if (!spec)
    return exit_usage;
  if (a.has("--all-topics") == a.has("--topic")) {
    std::cerr << "error: give --topic T (repeatable, T:P,P for some partitions) or --all-topics\n";
    return exit_usage;
  }
  if (a.has("--dry-run") && a.has("--execute")) {
    std::cerr << "error: --dry-run and --execute exclude each other\n";
    return exit_usage;
  }
  auto g = fetch_group(self, b, group, true);
  if (!g)
    return 1;
  auto partitions = select(self, b, a, *g, *spec);
  if (!partitions)
    return 1;
  auto plan = plan_reset(*spec, *partitions);
  if (!plan.error.empty()) {
    std::cerr << "error: " << plan.error << "\n";
    return 1;
  }
  bool execute = a.has("--execute");
  if (execute) {
    std::vector<partition_offset> target;
    for (auto& r : plan.rows)
      target.push_back({r.topic, r.partition, r.target});
    caf::error err;
    self->request(b, timeout, groups_atom::value, reset_atom::value, group, target)
      .receive([](bool) {}, [&](caf::error& e) { err = std::move(e); });
    if (err)
      return group_failure("cannot reset the offsets of group " + group, err);
  }
  print_plan(group, plan, *output, execute);
  if (!execute)
    std::cerr << "dry run: nothing was changed; add --execute to apply this plan\n";
  return exit_ok;
}

} // namespace

command_spec reset_offsets_command() {
  command_spec reset{"reset-offsets", "GROUP", 1, 1, "plan, and with --execute apply, new committed offsets for a group"};
  reset.options = {
    {"--topic", "T[:P,...]", "a topic whose offsets to rewrite, optionally only some partitions (repeatable)"},
    {"--all-topics", "", "every topic the group has committed offsets for"},
    {"--to-earliest", "", "to each partition's log start offset"},
    {"--to-latest", "", "to each partition's log end offset"},
    {"--to-offset", "N", "to offset N"},
    {"--shift-by", "N", "N past the committed offset (negative: back); needs a committed offset"},
    {"--to-datetime", "DT", "to the first record at or after DT (YYYY-MM-DDTHH:MM:SS[.sss][Z|+HH:MM], UTC by default, or epoch ms)"},
    {"--dry-run", "", "print the plan only (the default)"},
    {"--execute", "", "apply the plan"},
    output_option("{group, executed, partitions: [{topic, partition, current_offset, new_offset}]}"),
    broker_option(),
  };
  reset.examples = {"samsa groups reset-offsets billing --topic orders --to-earliest",
                    "samsa groups reset-offsets billing --topic orders:0,2 --shift-by -100 --execute",
                    "samsa groups reset-offsets billing --all-topics --to-datetime 2026-12-01T00:00:00Z --execute"};
  reset.details = "Exactly one of --to-earliest, --to-latest, --to-offset, --shift-by, --to-datetime. Targets outside a\n"
                  "partition's log are clamped to its start or end, as kafka-consumer-groups.sh does. Without --execute\n"
                  "nothing changes. Refused (non_empty_group) while the group has members; the error names them and\n"
                  "their session timeout, after which a consumer that died without leaving is removed.";
  reset.run = on_broker(reset_offsets);
  return reset;
}

} // namespace samsa::cli
