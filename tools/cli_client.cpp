// `samsa topics`: create, list, describe and delete topics through a broker's native actor API
// (produce and consume: cli_produce.cpp, cli_consume.cpp).
#include <chrono>
#include <climits>
#include <iostream>
#include <string>

#include <caf/scoped_actor.hpp>

#include "tools/cli_common.hpp"

namespace samsa::cli {

namespace {

constexpr auto timeout = request_timeout;

int topics_create(caf::scoped_actor& self, const broker_actor& b, const args& a) {
  topic_spec spec;
  spec.name = a.positional[0];
  std::optional<long long> partitions, rf;
  // Out-of-range values (0, negative) go to the broker, which answers with the Kafka error.
  if (!int_option(a, "--partitions", INT32_MIN, partitions) || !int_option(a, "--replication-factor", INT16_MIN, rf))
    return 2;
  if (partitions)
    spec.partitions = static_cast<int32_t>(*partitions);
  if (rf)
    spec.replication_factor = static_cast<int16_t>(*rf);
  for (auto& kv : a.all("--config")) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
      std::cerr << "error: --config needs key=value, got '" << kv << "'\n";
      return 2;
    }
    spec.configs[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  int rc = 0;
  self->request(b, timeout, create_atom::value, spec)
    .receive([&](const topic_description& d) { std::cout << "Created topic " << d.name << ".\n"; },
             [&](const caf::error& e) {
               print_error("cannot create topic " + spec.name, e);
               rc = 1;
             });
  return rc;
}

int topics_describe(caf::scoped_actor& self, const broker_actor& b, std::vector<std::string> names, bool names_only) {
  int rc = 0;
  self->request(b, timeout, describe_atom::value, std::move(names))
    .receive(
      [&](const std::vector<topic_description>& ds) {
        for (auto& d : ds) {
          if (names_only) {
            std::cout << d.name << "\n";
            continue;
          }
          std::string configs;
          for (auto& [k, v] : d.configs)
            configs += (configs.empty() ? "" : ",") + k + "=" + v;
          std::cout << "Topic: " << d.name << "\tTopicId: " << d.topic_id << "\tPartitionCount: " << d.partitions
                    << "\tReplicationFactor: " << d.replication_factor << "\tConfigs: " << configs << "\n";
          for (auto& p : d.partition_states)
            std::cout << "\tTopic: " << d.name << "\tPartition: " << p.partition << "\tLeader: " << p.leader
                      << "\tLeaderEpoch: " << p.leader_epoch << "\tReplicas: " << join_ids(p.replicas) << "\tIsr: " << join_ids(p.isr)
                      << "\tLogStartOffset: " << p.log_start_offset << "\tLogEndOffset: " << p.log_end_offset
                      << "\tSizeBytes: " << p.size_bytes << "\tSegments: " << p.segments
                      << (p.offline ? "\tOFFLINE (log cannot be opened; see the broker's log)" : "")
                      << (p.damaged_regions > 0 ? "\tDamagedRegions: " + std::to_string(p.damaged_regions) : "")
                      << "\n";
        }
      },
      [&](const caf::error& e) {
        print_error("cannot describe topics", e);
        rc = 1;
      });
  return rc;
}

int topics_delete(caf::scoped_actor& self, const broker_actor& b, const args& a) {
  int rc = 0;
  self->request(b, timeout, delete_atom::value, a.positional[0])
    .receive([&](bool) { std::cout << "Deleted topic " << a.positional[0] << ".\n"; },
             [&](const caf::error& e) {
               print_error("cannot delete topic " + a.positional[0], e);
               rc = 1;
             });
  return rc;
}

} // namespace

command_group topics_commands() {
  command_spec create{"create", "TOPIC", 1, 1, "create a topic"};
  create.options = {
    {"--partitions", "N", "partitions of the topic (default: the broker's num.partitions)"},
    {"--replication-factor", "R", "replicas of each partition (default: the broker's default.replication.factor)"},
    {"--config", "key=value", "a topic-level config (repeatable), e.g. retention.ms=86400000"},
    broker_option(),
  };
  create.examples = {"samsa topics create orders --partitions 3 --config cleanup.policy=delete"};
  create.run = on_broker(topics_create);
  command_spec list{"list", "", 0, 0, "print the name of every topic, one per line"};
  list.options = {broker_option()};
  list.examples = {"samsa topics list --broker 127.0.0.1:19093"};
  list.run = on_broker([](caf::scoped_actor& self, const broker_actor& b, const args&) {
    return topics_describe(self, b, {}, true);
  });
  command_spec describe{"describe", "[TOPIC ...]", 0, any_number,
                        "partitions, leaders, replicas, offsets and sizes (of every topic without TOPIC)"};
  describe.options = {{"--all-configs", "", "print every effective config of TOPIC with its source instead"},
                      broker_option()};
  describe.examples = {"samsa topics describe orders", "samsa topics describe orders --all-configs"};
  describe.run = on_broker([](caf::scoped_actor& self, const broker_actor& b, const args& a) {
    if (a.has("--all-configs"))
      return topics_describe_configs(self, b, a.positional);
    return topics_describe(self, b, a.positional, false);
  });
  command_spec del{"delete", "TOPIC", 1, 1, "delete a topic and its data"};
  del.options = {broker_option()};
  del.examples = {"samsa topics delete orders"};
  del.run = on_broker(topics_delete);
  command_group g{"topics", "Create, list, describe, alter, delete and reassign topics through a broker's native API.",
                  {create, list, describe, del}};
  for (auto& c : reassign_commands())
    g.subcommands.push_back(std::move(c));
  for (auto& c : delete_records_commands())
    g.subcommands.push_back(std::move(c));
  for (auto& c : alter_commands())
    g.subcommands.push_back(std::move(c));
  return g;
}

} // namespace samsa::cli
