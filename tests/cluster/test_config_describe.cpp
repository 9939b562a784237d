// What DescribeConfigs reports: effective topic and broker configs, sources, synonyms, flags.
#include <doctest/doctest.h>

#include <algorithm>

#include "cluster/config_describe.hpp"

using namespace samsa::cluster;

namespace {

const config_entry& entry(const std::vector<config_entry>& es, const std::string& name) {
  auto it = std::find_if(es.begin(), es.end(), [&](const config_entry& e) { return e.name == name; });
  REQUIRE(it != es.end());
  return *it;
}

} // namespace

TEST_CASE("config_describe: every topic key samsa applies, its override first, then the broker's value") {
  auto cfg = parse_server_properties("log.segment.bytes=2000000\n").config;
  auto es = describe_topic_configs(cfg, {{"retention.ms", "123456"}});
  REQUIRE(es.size() == topic_config_keys().size());
  for (size_t i = 0; i < es.size(); ++i) {
    CHECK(es[i].name == topic_config_keys()[i]);
    CHECK_FALSE(broker_synonym(es[i].name).empty()); // every topic key has its broker key
    CHECK_FALSE(es[i].read_only);
    CHECK_FALSE(es[i].sensitive);
    REQUIRE_FALSE(es[i].synonyms.empty());
    CHECK(es[i].synonyms.front().value == es[i].value); // the first synonym is the entry itself
  }
  const auto& retention = entry(es, "retention.ms");
  CHECK(retention.value == "123456");
  CHECK(retention.source == config_source::dynamic_topic);
  REQUIRE(retention.synonyms.size() == 2);
  CHECK(retention.synonyms[1].name == "log.retention.ms");
  CHECK(retention.synonyms[1].value == "604800000");
  CHECK(retention.synonyms[1].source == config_source::default_config);

  const auto& segment = entry(es, "segment.bytes"); // set in the broker's file
  CHECK(segment.value == "2000000");
  CHECK(segment.source == config_source::static_broker);
  REQUIRE(segment.synonyms.size() == 2);
  CHECK(segment.synonyms[0].name == "log.segment.bytes");
  CHECK(segment.synonyms[1].value == "1073741824");
  CHECK(segment.synonyms[1].source == config_source::default_config);

  const auto& cleanup = entry(es, "cleanup.policy");
  CHECK(cleanup.value == "delete");
  CHECK(cleanup.source == config_source::default_config);
  CHECK(cleanup.type == config_type::list);
  CHECK(entry(es, "max.message.bytes").value == "1048588");
  CHECK(entry(es, "min.insync.replicas").type == config_type::int_type);
  const auto& unclean = entry(es, "unclean.leader.election.enable");
  CHECK(unclean.value == "false");
  CHECK(unclean.type == config_type::boolean);
  CHECK(unclean.synonyms.front().name == "unclean.leader.election.enable");
}

TEST_CASE("config_describe: every broker key, read-only, secrets hidden") {
  auto cfg = parse_server_properties("node.id=3\nsamsa.native.ssl.key.password=hunter2\n").config;
  auto es = describe_broker_configs(cfg);
  REQUIRE(es.size() == server_config_keys().size());
  for (const auto& e : es) {
    INFO(e.name);
    CHECK(e.read_only);
    CHECK(e.type != config_type::unknown);
    if (e.name != "log.roll.hours" && e.name != "log.retention.minutes" && e.name != "log.retention.hours" &&
        !e.sensitive)
      CHECK(e.value.has_value());
  }
  CHECK(entry(es, "node.id").value == "3");
  CHECK(entry(es, "node.id").source == config_source::static_broker);
  CHECK(entry(es, "num.partitions").source == config_source::default_config);
  CHECK(entry(es, "auto.create.topics.enable").value == "true");
  const auto& password = entry(es, "samsa.native.ssl.key.password");
  CHECK(password.sensitive);
  CHECK(password.type == config_type::password);
  CHECK_FALSE(password.value.has_value());
  for (const auto& s : password.synonyms)
    CHECK_FALSE(s.value.has_value());
}

TEST_CASE("config_describe: select_configs keeps the keys asked for, in table order") {
  auto es = describe_topic_configs(server_config{}, {});
  CHECK(select_configs(es, std::nullopt).size() == es.size());
  auto some = select_configs(es, std::vector<std::string>{"segment.ms", "retention.ms", "no.such.key"});
  REQUIRE(some.size() == 2);
  CHECK(some[0].name == "retention.ms");
  CHECK(some[1].name == "segment.ms");
}
