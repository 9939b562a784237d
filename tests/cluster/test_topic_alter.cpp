// The rules of AlterConfigs, IncrementalAlterConfigs and CreatePartitions (cluster/topic_alter.hpp).
#include <doctest/doctest.h>

#include "cluster/topic_alter.hpp"

using namespace samsa;
using namespace samsa::cluster;

namespace {

using configs = std::map<std::string, std::string>;

config_alter op(std::string key, alter_op o, std::optional<std::string> value = std::nullopt) {
  return {std::move(key), static_cast<int8_t>(o), std::move(value)};
}

} // namespace

TEST_CASE("incremental SET and DELETE change only the keys named") {
  configs cur{{"retention.ms", "1000"}, {"segment.bytes", "4096"}};
  auto r = alter_topic_configs(cur, {op("retention.ms", alter_op::set, "2000"), op("segment.bytes", alter_op::remove),
                                     op("flush.ms", alter_op::remove)},
                               true);
  REQUIRE(r.error == change_error::none);
  CHECK(r.configs == configs{{"retention.ms", "2000"}});
}

TEST_CASE("AlterConfigs (not incremental) replaces the whole set of overrides") {
  configs cur{{"retention.ms", "1000"}, {"segment.bytes", "4096"}};
  auto r = alter_topic_configs(cur, {op("retention.bytes", alter_op::set, "100")}, false);
  REQUIRE(r.error == change_error::none);
  CHECK(r.configs == configs{{"retention.bytes", "100"}});
  CHECK(alter_topic_configs(cur, {}, false).configs.empty());
  CHECK(alter_topic_configs(cur, {op("retention.bytes", alter_op::set)}, false).error == change_error::invalid_request);
}

TEST_CASE("values are validated as at creation, and a refusal leaves the overrides as they were") {
  configs cur{{"retention.ms", "1000"}};
  auto bad = alter_topic_configs(cur, {op("retention.ms", alter_op::set, "soon")}, true);
  CHECK(bad.error == change_error::invalid_config);
  CHECK(bad.reason.find("retention.ms") != std::string::npos);
  CHECK(bad.configs == cur);
  CHECK(alter_topic_configs(cur, {op("retention.msec", alter_op::set, "1")}, true).error == change_error::invalid_config);
  CHECK(alter_topic_configs(cur, {op("segment.bytes", alter_op::set, "13")}, false).error == change_error::invalid_config);
  CHECK(alter_topic_configs(cur, {op("cleanup.policy", alter_op::set, "shred")}, true).error
        == change_error::invalid_config);
}

TEST_CASE("a key named twice and an unknown operation are invalid requests") {
  CHECK(alter_topic_configs({}, {op("retention.ms", alter_op::set, "1"), op("retention.ms", alter_op::remove)}, true)
          .error
        == change_error::invalid_request);
  config_alter weird{"retention.ms", 7, std::string("1")};
  CHECK(alter_topic_configs({}, {weird}, true).error == change_error::invalid_request);
}

TEST_CASE("APPEND and SUBTRACT work on list-typed keys only") {
  CHECK(list_typed_topic_key("cleanup.policy"));
  CHECK_FALSE(list_typed_topic_key("retention.ms"));
  auto scalar = alter_topic_configs({}, {op("retention.ms", alter_op::append, "5")}, true);
  CHECK(scalar.error == change_error::invalid_config);
  CHECK(scalar.reason == "Config value append is not allowed for config key: retention.ms");
  CHECK(alter_topic_configs({}, {op("retention.ms", alter_op::subtract, "5")}, true).error == change_error::invalid_config);
  // APPEND starts from the default list ("delete") and adds only what is missing.
  auto appended = alter_topic_configs({}, {op("cleanup.policy", alter_op::append, "delete")}, true);
  REQUIRE(appended.error == change_error::none);
  CHECK(appended.configs == configs{{"cleanup.policy", "delete"}});
  // APPEND of compact to the default gives both policies; an unknown policy is refused by the create-time
  // validation, through APPEND as through SET.
  auto both = alter_topic_configs({}, {op("cleanup.policy", alter_op::append, "compact")}, true);
  REQUIRE(both.error == change_error::none);
  CHECK(both.configs == configs{{"cleanup.policy", "delete,compact"}});
  CHECK(alter_topic_configs({}, {op("cleanup.policy", alter_op::append, "shred")}, true).error
        == change_error::invalid_config);
  // SUBTRACT of an item the list does not hold changes nothing.
  auto kept = alter_topic_configs({{"cleanup.policy", "delete"}}, {op("cleanup.policy", alter_op::subtract, "compact")},
                                  true);
  REQUIRE(kept.error == change_error::none);
  CHECK(kept.configs == configs{{"cleanup.policy", "delete"}});
}

TEST_CASE("config_changes: one record per changed key, a removal per key gone") {
  auto rs = config_changes("t", {{"a", "1"}, {"b", "2"}, {"c", "3"}}, {{"a", "1"}, {"b", "5"}, {"d", "4"}});
  REQUIRE(rs.size() == 3);
  CHECK(rs[0].key == "b");
  CHECK(rs[0].value == std::optional<std::string>("5"));
  CHECK(rs[1].key == "d");
  CHECK(rs[2].key == "c");
  CHECK_FALSE(rs[2].value.has_value());
  CHECK(rs[2].resource_name == "t");
  CHECK(config_changes("t", {{"a", "1"}}, {{"a", "1"}}).empty());
}

TEST_CASE("partitions only grow") {
  CHECK(check_partition_increase(3, 5) == "");
  CHECK(check_partition_increase(3, 3) == "Topic already has 3 partitions.");
  CHECK(check_partition_increase(3, 2) == "Topic currently has 3 partitions, which is higher than the requested 2.");
  CHECK(check_partition_increase(3, 10001) != "");
}

TEST_CASE("manual assignments of new partitions: one per partition, the topic's replication factor, known brokers") {
  std::set<int32_t> known{1, 2, 3};
  CHECK(check_new_assignments({}, 2, 3, known) == "");
  CHECK(check_new_assignments({{1, 2}, {2, 3}}, 2, 2, known) == "");
  CHECK(check_new_assignments({{1, 2}}, 2, 2, known).find("2 but 1 assignments") != std::string::npos);
  CHECK(check_new_assignments({{1, 2}, {3}}, 2, 2, known).find("Inconsistent replication factor") != std::string::npos);
  CHECK(check_new_assignments({{1, 1}}, 1, 2, known).find("Duplicate") != std::string::npos);
  CHECK(check_new_assignments({{1, 9}}, 1, 2, known).find("Unknown broker 9") != std::string::npos);
}

// The controller's side (replication_control::alter_configs / create_partitions): records through the real
// codec and image.
#include "tests/cluster/replication_control_support.hpp"

TEST_CASE("controller: config records for the changed keys only, built on a change in flight") {
  test_support::harness h;
  h.brokers(3);
  h.topic("t", {{1, 2, 3}}, {{"retention.ms", "1000"}, {"segment.bytes", "4096"}});
  auto d = h.ctl.alter_configs(h.img(), "t", {op("retention.ms", alter_op::set, "2000"),
                                              op("segment.bytes", alter_op::remove)}, true);
  REQUIRE(d.error == change_error::none);
  REQUIRE(d.records.size() == 2);
  // A second change proposed before the first commits sees its result (nothing lost).
  auto d2 = h.ctl.alter_configs(h.img(), "t", {op("flush.ms", alter_op::set, "10")}, true);
  REQUIRE(d2.error == change_error::none);
  CHECK(d2.configs == configs{{"retention.ms", "2000"}, {"flush.ms", "10"}});
  // A validation on top neither records a change in flight nor forgets d2's.
  auto check = h.ctl.alter_configs(h.img(), "t", {op("flush.ms", alter_op::set, "99")}, true, true);
  CHECK(check.configs.at("flush.ms") == "99");
  CHECK(h.ctl.alter_configs(h.img(), "t", {}, true).configs.at("flush.ms") == "10");
  h.commit(d.records);
  h.commit(d2.records);
  CHECK(*h.img().configs(config_resource::topic, "t") == configs{{"retention.ms", "2000"}, {"flush.ms", "10"}});
  CHECK(h.ctl.alter_configs(h.img(), "nope", {}, true).error == change_error::unknown_topic);
  CHECK(h.ctl.alter_configs(h.img(), "t", {op("retention.ms", alter_op::set, "x")}, true).error
        == change_error::invalid_config);
  // AlterConfigs with no entries removes every override.
  auto all = h.ctl.alter_configs(h.img(), "t", {}, false);
  h.commit(all.records);
  CHECK(h.img().configs(config_resource::topic, "t") == nullptr);
}

TEST_CASE("controller: new partitions are placed with partition 0's replication factor, never twice") {
  test_support::harness h;
  h.brokers(3);
  h.topic("t", {{1, 2}, {2, 3}});
  create_topic_context ctx;
  // A validation decides as for real but leaves nothing in flight.
  CHECK(h.ctl.create_partitions(h.img(), "t", 4, {}, ctx, true).records.size() == 2);
  auto d = h.ctl.create_partitions(h.img(), "t", 4, {}, ctx);
  REQUIRE(d.error == change_error::none);
  REQUIRE(d.records.size() == 2);
  auto& p2 = std::get<partition_record>(d.records[0]);
  CHECK(p2.partition == 2);
  CHECK(p2.replicas.size() == 2);
  CHECK(p2.isr == p2.replicas);
  CHECK(p2.leader == p2.replicas.front());
  // In flight: the count is already 4, so 4 again is refused and 5 adds one partition only.
  CHECK(h.ctl.create_partitions(h.img(), "t", 4, {}, ctx).error == change_error::invalid_partitions);
  auto d5 = h.ctl.create_partitions(h.img(), "t", 5, {}, ctx);
  REQUIRE(d5.records.size() == 1);
  CHECK(std::get<partition_record>(d5.records[0]).partition == 4);
  h.commit(d.records);
  h.commit(d5.records);
  CHECK(h.img().topic_by_name("t")->partitions.size() == 5);
  CHECK(h.ctl.create_partitions(h.img(), "t", 3, {}, ctx).error == change_error::invalid_partitions);
  // Manual assignments: checked against the registered brokers and the replication factor.
  CHECK(h.ctl.create_partitions(h.img(), "t", 6, {{1, 9}}, ctx).error == change_error::invalid_replica_assignment);
  CHECK(h.ctl.create_partitions(h.img(), "t", 6, {{1}}, ctx).error == change_error::invalid_replica_assignment);
  auto manual = h.ctl.create_partitions(h.img(), "t", 6, {{3, 1}}, ctx);
  REQUIRE(manual.error == change_error::none);
  CHECK(std::get<partition_record>(manual.records[0]).replicas == std::vector<int32_t>{3, 1});
  // A replication factor above the live brokers cannot be placed.
  h.topic("wide", {{1, 2, 3}});
  h.fence(3);
  CHECK(h.ctl.create_partitions(h.img(), "wide", 2, {}, ctx).error == change_error::invalid_replication_factor);
}
