// `samsa groups list|describe|reset-offsets|delete`: consumer groups through the broker's native API.
#include <chrono>
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <string>

#include <caf/scoped_actor.hpp>

#include "actors/group_coordinator.hpp"
#include "tools/cli_common.hpp"

namespace samsa::cli {

namespace {

constexpr auto timeout = request_timeout;

int fail(const std::string& what, const caf::error& e) {
  print_error(what, e);
  return 1;
}

// Log end offsets of every partition of `topic`, -1 where unknown.
std::map<int32_t, int64_t> log_ends(caf::scoped_actor& self, const broker_actor& b, const std::string& topic,
                                    int32_t partitions) {
  std::map<int32_t, int64_t> out;
  for (int32_t p = 0; p < partitions; ++p) {
    out[p] = -1;
    self->request(b, timeout, offsets_atom::value, topic, p, latest_timestamp)
      .receive([&](const offset_answer& a) { out[p] = a.error ? -1 : a.offset; }, [](const caf::error&) {});
  }
  return out;
}

int32_t partition_count(caf::scoped_actor& self, const broker_actor& b, const std::string& topic) {
  int32_t n = -1;
  self->request(b, timeout, describe_atom::value, std::vector<std::string>{topic})
    .receive([&](const std::vector<topic_description>& ds) { n = ds.empty() ? -1 : ds.front().partitions; },
             [](const caf::error&) {});
  return n;
}

int describe_group(caf::scoped_actor& self, const broker_actor& b, const std::string& group) {
  group_info g;
  caf::error err;
  self->request(b, timeout, groups_atom::value, describe_atom::value, group)
    .receive([&](group_info& x) { g = std::move(x); }, [&](caf::error& e) { err = std::move(e); });
  if (err)
    return fail("cannot describe group " + group, err);
  std::cout << "Group " << g.group_id << "  state " << g.state << "  protocol "
            << (g.protocol.empty() ? "-" : g.protocol) << "  members " << g.members.size() << "\n\n";
  // Who owns each partition.
  std::map<std::pair<std::string, int32_t>, const group_member_info*> owner;
  std::map<std::string, int32_t> topics;
  for (auto& m : g.members)
    for (auto& a : m.assignment) {
      owner[{a.topic, a.partition}] = &m;
      topics[a.topic] = 0;
    }
  std::map<std::pair<std::string, int32_t>, int64_t> committed;
  for (auto& c : g.committed) {
    committed[{c.topic, c.partition}] = c.offset;
    topics[c.topic] = 0;
  }
  std::cout << std::left << std::setw(24) << "TOPIC" << std::setw(10) << "PARTITION" << std::setw(16)
            << "CURRENT-OFFSET" << std::setw(16) << "LOG-END-OFFSET" << std::setw(10) << "LAG" << "CONSUMER-ID\n";
  for (auto& [topic, unused] : topics) {
    auto n = partition_count(self, b, topic);
    if (n < 0)
      continue; // deleted since
    auto ends = log_ends(self, b, topic, n);
    for (int32_t p = 0; p < n; ++p) {
      auto c = committed.find({topic, p});
      auto o = owner.find({topic, p});
      if (c == committed.end() && o == owner.end())
        continue;
      auto cur = c == committed.end() ? std::string{"-"} : std::to_string(c->second);
      auto lag = c == committed.end() || ends[p] < 0 ? std::string{"-"} : std::to_string(ends[p] - c->second);
      std::cout << std::setw(24) << topic << std::setw(10) << p << std::setw(16) << cur << std::setw(16) << ends[p]
                << std::setw(10) << lag << (o == owner.end() ? "-" : o->second->member_id) << "\n";
    }
  }
  return 0;
}

int reset_offsets(caf::scoped_actor& self, const broker_actor& b, const args& a) {
  auto group = a.positional[0];
  auto topic = a.get("--topic");
  int modes = a.has("--to-earliest") + a.has("--to-latest") + a.has("--to-offset");
  if (!topic || modes != 1) {
    std::cerr << "usage: samsa groups reset-offsets GROUP --topic T --to-earliest|--to-latest|--to-offset N\n";
    return 2;
  }
  std::optional<long long> fixed;
  if (auto s = a.get("--to-offset")) {
    fixed = to_int(*s);
    if (!fixed || *fixed < 0) {
      std::cerr << "error: --to-offset needs an offset >= 0\n";
      return 2;
    }
  }
  auto n = partition_count(self, b, *topic);
  if (n < 0) {
    std::cerr << "error: unknown topic '" << *topic << "'\n";
    return 1;
  }
  std::vector<partition_offset> target;
  for (int32_t p = 0; p < n; ++p) {
    int64_t off = fixed ? *fixed : -1;
    int64_t start = 0, end = 0;
    self->request(b, timeout, offsets_atom::value, *topic, p, earliest_timestamp)
      .receive([&](const offset_answer& x) { start = x.offset; }, [](const caf::error&) {});
    self->request(b, timeout, offsets_atom::value, *topic, p, latest_timestamp)
      .receive([&](const offset_answer& x) { end = x.offset; }, [](const caf::error&) {});
    if (a.has("--to-earliest"))
      off = start;
    else if (a.has("--to-latest"))
      off = end;
    else
      off = std::clamp<int64_t>(off, start, end); // like Kafka's tool: out-of-range targets are clamped
    target.push_back({*topic, p, off});
  }
  caf::error err;
  self->request(b, timeout, groups_atom::value, reset_atom::value, group, target)
    .receive([](bool) {}, [&](caf::error& e) { err = std::move(e); });
  if (err)
    return fail("cannot reset offsets of group " + group, err);
  for (auto& t : target)
    std::cout << group << "\t" << t.topic << "\t" << t.partition << "\t" << t.offset << "\n";
  return 0;
}

// Asks the node's group registry itself (the broker hands out its handle), as the Kafka handlers' DeleteGroups
// does: the broker's typed interface has no delete of its own.
int delete_group(caf::scoped_actor& self, const broker_actor& b, const args& a) {
  const auto& group = a.positional[0];
  caf::actor registry;
  caf::error err;
  self->request(b, timeout, groups_atom::value)
    .receive([&](caf::actor& g) { registry = std::move(g); }, [&](caf::error& e) { err = std::move(e); });
  if (err)
    return fail("cannot reach the broker's consumer groups", err);
  self->request(registry, timeout, actors::delete_group_atom::value, group)
    .receive([](bool) {}, [&](caf::error& e) { err = std::move(e); });
  if (err)
    return fail("cannot delete group " + group, err);
  std::cout << "deleted group " << group << " and its committed offsets\n";
  return exit_ok;
}

int list_groups(caf::scoped_actor& self, const broker_actor& b, const args&) {
  int rc = exit_ok;
  self->request(b, timeout, groups_atom::value, list_atom::value)
    .receive(
      [&](const std::vector<group_info>& gs) {
        for (auto& g : gs)
          std::cout << g.group_id << "\t" << g.state << "\n";
      },
      [&](const caf::error& e) { rc = fail("cannot list groups", e); });
  return rc;
}

} // namespace

command_group groups_commands() {
  command_spec list{"list", "", 0, 0, "print every consumer group with its state"};
  list.options = {broker_option()};
  list.examples = {"samsa groups list"};
  list.run = on_broker(list_groups);
  command_spec describe{"describe", "GROUP", 1, 1, "a group's members and per partition its offset, log end, lag"};
  describe.options = {broker_option()};
  describe.examples = {"samsa groups describe billing"};
  describe.run = on_broker([](caf::scoped_actor& self, const broker_actor& b, const args& a) {
    return describe_group(self, b, a.positional[0]);
  });
  command_spec reset{"reset-offsets", "GROUP", 1, 1, "rewrite a group's committed offsets of one topic"};
  reset.options = {
    {"--topic", "T", "the topic whose offsets to rewrite (required)"},
    {"--to-earliest", "", "to each partition's log start offset"},
    {"--to-latest", "", "to each partition's log end offset"},
    {"--to-offset", "N", "to offset N (clamped to each partition's log start and end)"},
    broker_option(),
  };
  reset.examples = {"samsa groups reset-offsets billing --topic orders --to-earliest"};
  reset.details = "Exactly one of --to-earliest, --to-latest and --to-offset. Refused (non_empty_group) while the\n"
                  "group has members.";
  reset.run = on_broker(reset_offsets);
  command_spec del{"delete", "GROUP", 1, 1, "delete a consumer group and its committed offsets"};
  del.options = {broker_option()};
  del.examples = {"samsa groups delete billing"};
  del.details = "Refused (non_empty_group) while the group has members; unknown_group when the node has no such\n"
                "group. Kafka clients do the same with DeleteGroups (kafka-consumer-groups.sh --delete).";
  del.run = on_broker(delete_group);
  return {"groups", "Inspect consumer groups, rewrite their committed offsets, delete them.",
          {list, describe, reset, del}};
}

} // namespace samsa::cli
