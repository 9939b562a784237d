// `samsa groups list|describe|reset-offsets|delete`: consumer groups through the broker's native API.
#include <chrono>
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <string>

#include <caf/scoped_actor.hpp>

#include "actors/group_coordinator.hpp"
#include <nlohmann/json.hpp>

#include "tools/cli_common.hpp"
#include "tools/cli_groups.hpp"

namespace samsa::cli {

namespace {
constexpr auto timeout = request_timeout;
int fail(const std::string& what, const caf::error& e) { return group_failure(what, e); }
} // namespace

int group_failure(const std::string& what, const caf::error& e) {
  print_error(what, e);
  return 1;
}

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

namespace {

// One row of the offsets table: a partition the group has a committed offset for or a member owns.
struct offset_row {
  std::string topic;
  int32_t partition = 0;
  std::optional<int64_t> committed;
  int64_t log_end = -1; // -1: unknown
  std::string owner;    // member id, empty when unowned
  std::optional<int64_t> lag() const {
    if (!committed || log_end < 0)
      return std::nullopt;
    return log_end - *committed;
  }
};

std::vector<offset_row> offset_rows(caf::scoped_actor& self, const broker_actor& b, const group_info& g) {
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
  std::vector<offset_row> rows;
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
      offset_row r;
      r.topic = topic;
      r.partition = p;
      if (c != committed.end())
        r.committed = c->second;
      r.log_end = ends[p];
      if (o != owner.end())
        r.owner = o->second->member_id;
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

std::string opt_text(const std::optional<int64_t>& x) {
  return x ? std::to_string(*x) : std::string{"-"};
}

nlohmann::json members_json(const group_info& g) {
  auto out = nlohmann::json::array();
  for (auto& m : g.members) {
    auto assignment = nlohmann::json::array();
    for (auto& a : m.assignment)
      assignment.push_back({{"topic", a.topic}, {"partition", a.partition}});
    out.push_back({{"member_id", m.member_id},
                   {"group_instance_id", m.group_instance_id.empty() ? nlohmann::json() : nlohmann::json(m.group_instance_id)},
                   {"client_id", m.client_id},
                   {"host", m.client_host},
                   {"session_timeout_ms", m.session_timeout_ms},
                   {"assignment", assignment}});
  }
  return out;
}

nlohmann::json group_json(const group_info& g, const std::vector<offset_row>& rows) {
  auto offsets = nlohmann::json::array();
  for (auto& r : rows) {
    auto lag = r.lag();
    offsets.push_back({{"topic", r.topic},
                       {"partition", r.partition},
                       {"current_offset", r.committed ? nlohmann::json(*r.committed) : nlohmann::json()},
                       {"log_end_offset", r.log_end < 0 ? nlohmann::json() : nlohmann::json(r.log_end)},
                       {"lag", lag ? nlohmann::json(*lag) : nlohmann::json()},
                       {"member_id", r.owner.empty() ? nlohmann::json() : nlohmann::json(r.owner)}});
  }
  return {{"group", g.group_id},     {"state", g.state},
          {"protocol_type", g.protocol_type}, {"protocol", g.protocol},
          {"generation", g.generation_id}, {"coordinator", g.coordinator},
          {"members", members_json(g)}, {"offsets", offsets}};
}

void print_state(const group_info& g) {
  std::cout << std::left << std::setw(16) << "COORDINATOR" << std::setw(22) << "ASSIGNMENT-STRATEGY" << std::setw(22)
            << "STATE" << std::setw(12) << "GENERATION" << "#MEMBERS\n"
            << std::setw(16) << (g.coordinator < 0 ? std::string{"-"} : "node " + std::to_string(g.coordinator))
            << std::setw(22) << (g.protocol.empty() ? "-" : g.protocol) << std::setw(22) << g.state << std::setw(12)
            << g.generation_id << g.members.size() << "\n";
}

void print_members(const group_info& g) {
  if (g.members.empty()) {
    std::cout << "Group " << g.group_id << " has no active members.\n";
    return;
  }
  std::cout << std::left << std::setw(48) << "CONSUMER-ID" << std::setw(20) << "HOST" << std::setw(24) << "CLIENT-ID"
            << std::setw(12) << "#PARTITIONS" << "ASSIGNMENT\n";
  for (auto& m : g.members) {
    std::map<std::string, std::vector<int32_t>> by_topic;
    for (auto& a : m.assignment)
      by_topic[a.topic].push_back(a.partition);
    std::string assignment;
    for (auto& [topic, parts] : by_topic)
      assignment += (assignment.empty() ? "" : " ") + topic + "(" + join_ids(parts) + ")";
    std::cout << std::setw(48) << m.member_id << std::setw(20) << m.client_host << std::setw(24) << m.client_id
              << std::setw(12) << m.assignment.size() << (assignment.empty() ? "-" : assignment) << "\n";
  }
}

void print_offsets(const group_info& g, const std::vector<offset_row>& rows) {
  std::cout << "Group " << g.group_id << "  state " << g.state << "  protocol "
            << (g.protocol.empty() ? "-" : g.protocol) << "  members " << g.members.size() << "\n\n";
  std::cout << std::left << std::setw(24) << "TOPIC" << std::setw(10) << "PARTITION" << std::setw(16)
            << "CURRENT-OFFSET" << std::setw(16) << "LOG-END-OFFSET" << std::setw(10) << "LAG" << "CONSUMER-ID\n";
  for (auto& r : rows)
    std::cout << std::setw(24) << r.topic << std::setw(10) << r.partition << std::setw(16) << opt_text(r.committed)
              << std::setw(16) << r.log_end << std::setw(10) << opt_text(r.lag()) << (r.owner.empty() ? "-" : r.owner)
              << "\n";
}

int describe_group(caf::scoped_actor& self, const broker_actor& b, const args& a) {
  auto output = output_format(a);
  if (!output)
    return exit_usage;
  const auto& group = a.positional[0];
  auto g = fetch_group(self, b, group);
  if (!g)
    return 1;
  if (*output == "json") {
    std::cout << group_json(*g, offset_rows(self, b, *g)).dump() << "\n";
    return exit_ok;
  }
  bool state = a.has("--state"), members = a.has("--members");
  if (state)
    print_state(*g);
  if (members) {
    if (state)
      std::cout << "\n";
    print_members(*g);
  }
  if (!state && !members)
    print_offsets(*g, offset_rows(self, b, *g));
  return exit_ok;
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

int list_groups(caf::scoped_actor& self, const broker_actor& b, const args& a) {
  auto output = output_format(a);
  if (!output)
    return exit_usage;
  int rc = exit_ok;
  self->request(b, timeout, groups_atom::value, list_atom::value)
    .receive(
      [&](const std::vector<group_info>& gs) {
        if (*output == "json") {
          auto out = nlohmann::json::array();
          for (auto& g : gs)
            out.push_back({{"group", g.group_id}, {"state", g.state}, {"protocol_type", g.protocol_type},
                           {"members", g.members.size()}});
          std::cout << out.dump() << "\n";
          return;
        }
        for (auto& g : gs)
          std::cout << g.group_id << "\t" << g.state << "\n";
      },
      [&](const caf::error& e) { rc = fail("cannot list groups", e); });
  return rc;
}

} // namespace

std::optional<group_info> fetch_group(caf::scoped_actor& self, const broker_actor& b, const std::string& group,
                                      bool unknown_is_empty) {
  std::optional<group_info> g;
  self->request(b, timeout, groups_atom::value, describe_atom::value, group)
    .receive([&](group_info& x) { g = std::move(x); },
             [&](caf::error& e) {
               if (unknown_is_empty && api_code(e) == api_errc::unknown_group) {
                 g = group_info{};
                 g->group_id = group;
                 g->state = "Empty";
                 return;
               }
               fail("cannot describe group " + group, e);
             });
  return g;
}

command_group groups_commands() {
  command_spec list{"list", "", 0, 0, "print every consumer group with its state"};
  list.options = {output_option("an array of {group, state, protocol_type, members}"), broker_option()};
  list.examples = {"samsa groups list", "samsa groups list --output json"};
  list.run = on_broker(list_groups);
  command_spec describe{"describe", "GROUP", 1, 1, "a group's offsets and lag per partition, its members or its state"};
  describe.options = {
    {"--members", "", "the members instead: id, host, client id, partitions assigned"},
    {"--state", "", "the group's state instead: coordinator, assignment strategy, state, generation, members"},
    output_option("one object: group, state, protocol, generation, coordinator, members, offsets"),
    broker_option(),
  };
  describe.examples = {"samsa groups describe billing", "samsa groups describe billing --members --state",
                       "samsa groups describe billing --output json"};
  describe.details = "Without --members or --state: per partition the committed offset, the log end offset, the lag and\n"
                     "the member that owns it (as kafka-consumer-groups.sh --describe --offsets).";
  describe.run = on_broker(describe_group);
  command_spec del{"delete", "GROUP", 1, 1, "delete a consumer group and its committed offsets"};
  del.options = {broker_option()};
  del.examples = {"samsa groups delete billing"};
  del.details = "Refused (non_empty_group) while the group has members; unknown_group when the node has no such\n"
                "group. Kafka clients do the same with DeleteGroups (kafka-consumer-groups.sh --delete).";
  del.run = on_broker(delete_group);
  return {"groups", "Inspect consumer groups, rewrite their committed offsets, delete them.",
          {list, describe, reset_offsets_command(), del}};
}

} // namespace samsa::cli
