// `samsa topics alter` (config overrides and partition count of a topic: IncrementalAlterConfigs and
// CreatePartitions through the broker's native API; a cluster node hands them to the controller) and
// `samsa topics describe --all-configs` (every effective config with its source, as DescribeConfigs).
#include <chrono>
#include <iostream>
#include <string>

#include <caf/scoped_actor.hpp>

#include "tools/cli_common.hpp"

namespace samsa::cli {

namespace {

constexpr auto timeout = request_timeout;

bool fail(const std::string& what, const caf::error& e) {
  print_error(what, e);
  return false;
}

int topics_alter(caf::scoped_actor& self, const broker_actor& b, const args& a) {
  const auto& topic = a.positional[0];
  topic_config_change change;
  change.topic = topic;
  for (auto& kv : a.all("--config")) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
      std::cerr << "error: --config needs key=value, got '" << kv << "'\n";
      return exit_usage;
    }
    change.ops.push_back({kv.substr(0, eq), 0, kv.substr(eq + 1)});
  }
  for (auto& k : a.all("--delete-config"))
    change.ops.push_back({k, 1, std::nullopt});
  std::optional<long long> partitions;
  if (!int_option(a, "--partitions", 1, partitions))
    return exit_usage;
  if (change.ops.empty() && !partitions) {
    std::cerr << "error: nothing to change: give --config k=v, --delete-config k or --partitions N\n";
    return exit_usage;
  }
  bool ok = true;
  if (!change.ops.empty()) {
    self->request(b, timeout, alter_atom::value, change)
      .receive(
        [&](const topic_description& d) {
          std::string configs;
          for (auto& [k, v] : d.configs)
            configs += (configs.empty() ? "" : ",") + k + "=" + v;
          std::cout << "Altered the configs of topic " << topic << " (overrides now: "
                    << (configs.empty() ? "none" : configs) << ").\n";
        },
        [&](const caf::error& e) { ok = fail("cannot alter the configs of topic " + topic, e); });
  }
  if (ok && partitions) {
    partition_increase inc;
    inc.topic = topic;
    inc.count = static_cast<int32_t>(std::min<long long>(*partitions, INT32_MAX));
    self->request(b, timeout, create_atom::value, inc)
      .receive([&](const topic_description& d) { std::cout << "Topic " << topic << " now has " << d.partitions
                                                             << " partitions.\n"; },
               [&](const caf::error& e) { ok = fail("cannot add partitions to topic " + topic, e); });
  }
  return ok ? exit_ok : exit_failed;
}

} // namespace

int topics_describe_configs(caf::scoped_actor& self, const broker_actor& b, const std::vector<std::string>& topics) {
  if (topics.empty()) {
    std::cerr << "error: --all-configs needs the TOPIC(s) to describe\n";
    return exit_usage;
  }
  bool ok = true;
  for (const auto& topic : topics) {
    self->request(b, timeout, describe_atom::value, configs_atom::value, topic)
      .receive(
        [&](const std::vector<topic_config_info>& configs) {
          std::cout << "All configs for topic " << topic << " are:\n";
          for (const auto& c : configs)
            std::cout << "  " << c.name << "=" << (c.sensitive ? "(sensitive)" : c.value.value_or("null"))
                      << "\tsource=" << c.source << (c.read_only ? "\tread-only" : "") << "\n";
        },
        [&](const caf::error& e) { ok = fail("cannot describe the configs of topic " + topic, e); });
  }
  return ok ? exit_ok : exit_failed;
}

std::vector<command_spec> alter_commands() {
  command_spec alter{"alter", "TOPIC", 1, 1, "change a topic's config overrides or grow its partition count"};
  alter.options = {
    {"--config", "key=value", "set a topic-level config override (repeatable), e.g. retention.ms=3600000"},
    {"--delete-config", "key", "remove an override (repeatable): the broker's value applies again"},
    {"--partitions", "N", "grow the topic to N partitions (never fewer: invalid_partitions)"},
    broker_option(),
  };
  alter.examples = {"samsa topics alter orders --config retention.ms=3600000 --delete-config segment.bytes",
                    "samsa topics alter orders --partitions 6"};
  alter.details = "Configs are validated as at creation and applied to the live partitions at once (retention, "
                  "segment size, max message size, min.insync.replicas), without a restart; on a cluster they "
                  "go through the controller to every node. New partitions are placed like a new topic's and "
                  "can be written at once; existing keys keep their partition only while the count stays.";
  alter.run = on_broker(topics_alter);
  return {alter};
}

} // namespace samsa::cli
