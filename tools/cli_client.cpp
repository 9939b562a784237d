// `samsa topics`: create, list, describe and delete topics through a broker's native actor API
// (produce and consume: cli_produce.cpp, cli_consume.cpp).
#include <chrono>
#include <climits>
#include <iostream>
#include <string>

#include <caf/scoped_actor.hpp>
#include <nlohmann/json.hpp>

#include "tools/cli_common.hpp"
#include "tools/cli_topics_view.hpp"

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

enum class topics_view { names, table, json };

int topics_describe(caf::scoped_actor& self, const broker_actor& b, std::vector<std::string> names, topics_view view,
                    const topic_filter& filter) {
  int rc = 0;
  self->request(b, timeout, describe_atom::value, std::move(names))
    .receive(
      [&](std::vector<topic_description>& all) {
        auto ds = filter_topics(std::move(all), filter);
        if (view == topics_view::json) {
          std::cout << topics_json(ds).dump() << "\n";
          return;
        }
        for (auto& d : ds) {
          if (view == topics_view::names) {
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

topic_filter filter_options(const args& a) {
  topic_filter f;
  f.under_replicated = a.has("--under-replicated-partitions");
  f.unavailable = a.has("--unavailable-partitions");
  f.with_overrides = a.has("--topics-with-overrides");
  return f;
}

// --output json, or the text view `text`; nullopt (after the message) for a bad --output.
std::optional<topics_view> view_option(const args& a, topics_view text) {
  auto output = output_format(a);
  if (!output)
    return std::nullopt;
  return *output == "json" ? topics_view::json : text;
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
  list.options = {{"--topics-with-overrides", "", "only the topics with at least one config override"},
                  output_option("the array of topics of describe's JSON"), broker_option()};
  list.examples = {"samsa topics list --broker 127.0.0.1:19093", "samsa topics list --output json"};
  list.run = on_broker([](caf::scoped_actor& self, const broker_actor& b, const args& a) {
    auto view = view_option(a, topics_view::names);
    if (!view)
      return 2;
    return topics_describe(self, b, {}, *view, filter_options(a));
  });
  command_spec describe{"describe", "[TOPIC ...]", 0, any_number,
                        "partitions, leaders, replicas, offsets and sizes (of every topic without TOPIC)"};
  describe.options = {
    {"--all-configs", "", "print every effective config of TOPIC with its source instead"},
    {"--under-replicated-partitions", "", "only the partitions whose ISR is smaller than their replica set"},
    {"--unavailable-partitions", "", "only the partitions without a leader or with an offline log"},
    {"--topics-with-overrides", "", "only the topics with at least one config override"},
    output_option("an array of {name, topic_id, partitions, replication_factor, configs, partition_states}"),
    broker_option()};
  describe.examples = {"samsa topics describe orders", "samsa topics describe orders --all-configs",
                       "samsa topics describe --under-replicated-partitions",
                       "samsa topics describe orders --output json"};
  describe.run = on_broker([](caf::scoped_actor& self, const broker_actor& b, const args& a) {
    if (a.has("--all-configs"))
      return topics_describe_configs(self, b, a.positional);
    auto view = view_option(a, topics_view::table);
    if (!view)
      return 2;
    return topics_describe(self, b, a.positional, *view, filter_options(a));
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
