// The JSON behind the console's pages (console/model.hpp), from native API values as the actors answer them.
#include <doctest/doctest.h>

#include "console/json_util.hpp"
#include "console/model.hpp"

using namespace samsa;
using namespace samsa::console;
using nlohmann::json;

namespace {

partition_state part(int32_t p, int32_t leader, int64_t start, int64_t end, int64_t size,
                     std::vector<int32_t> replicas = {1}, std::vector<int32_t> isr = {1}) {
  partition_state s;
  s.partition = p;
  s.leader = leader;
  s.replicas = std::move(replicas);
  s.isr = std::move(isr);
  s.log_start_offset = start;
  s.log_end_offset = end;
  s.high_watermark = end;
  s.size_bytes = size;
  s.segments = 1;
  return s;
}

topic_description topic(std::string name, std::vector<partition_state> parts) {
  topic_description t;
  t.name = std::move(name);
  t.partitions = static_cast<int32_t>(parts.size());
  t.partition_states = std::move(parts);
  return t;
}

group_info group(std::string id, std::vector<partition_offset> committed) {
  group_info g;
  g.group_id = std::move(id);
  g.state = "Stable";
  g.protocol_type = "consumer";
  g.protocol = "range";
  g.committed = std::move(committed);
  return g;
}

} // namespace

TEST_CASE("topic page: partitions, offsets and effective configs") {
  topic_model m;
  m.node_id = 1;
  m.topic = topic("orders", {part(0, 1, 0, 10, 1000), part(1, 1, 5, 7, 300)});
  m.topic.configs = {{"retention.ms", "1000"}};
  cluster::server_config s;
  m.configs = cluster::describe_topic_configs(s, m.topic.configs);
  auto j = json::parse(topic_json(m));
  CHECK(j["name"] == "orders");
  CHECK(j["clustered"] == false);
  REQUIRE(j["partitions"].size() == 2);
  CHECK(j["partitions"][1]["log_start_offset"] == 5);
  CHECK(j["partitions"][1]["log_end_offset"] == 7);
  CHECK(j["partitions"][1]["high_watermark"] == 7);
  CHECK(j["partitions"][1]["size_bytes"] == 300);
  CHECK(j["partitions"][1]["offsets_here"] == true);
  bool found = false;
  for (auto& c : j["configs"])
    if (c["name"] == "retention.ms") {
      found = true;
      CHECK(c["value"] == "1000");
      CHECK(c["source"] == "topic override");
    }
  CHECK(found);
  CHECK(j["configs"].size() == cluster::describe_topic_configs(s, {}).size());
}

TEST_CASE("topic page on a cluster: offsets only where this node leads, ISR shown") {
  topic_model m;
  m.node_id = 2;
  m.clustered = true;
  m.topic = topic("t", {part(0, 2, 0, 10, 100, {2, 1, 3}, {2, 1, 3}), part(1, 3, 0, 0, 0, {3, 2, 1}, {3, 2})});
  auto j = json::parse(topic_json(m));
  CHECK(j["partitions"][0]["offsets_here"] == true);
  CHECK(j["partitions"][0]["high_watermark"] == 10);
  CHECK(j["partitions"][1]["offsets_here"] == false);
  CHECK(j["partitions"][1]["high_watermark"].is_null());
  CHECK(j["partitions"][1]["leader"] == 3);
  CHECK(j["partitions"][1]["replicas"] == json::array({3, 2, 1}));
  CHECK(j["partitions"][1]["isr"] == json::array({3, 2}));
  CHECK(j["partitions"][1]["under_replicated"] == true);
  CHECK(j["partitions"][0]["under_replicated"] == false);
}

TEST_CASE("group page: lag per partition, assignment, history") {
  group_model m;
  m.node_id = 1;
  m.topics = {topic("t", {part(0, 1, 0, 100, 0), part(1, 1, 0, 50, 0), part(2, 1, 0, 9, 0)})};
  m.group = group("g", {{"t", 0, 40}, {"t", 1, 50}, {"t", 9, 3}});
  group_member_info mem;
  mem.member_id = "m-1";
  mem.client_id = "c";
  mem.assignment = {{"t", 0, -1}, {"t", 2, -1}};
  m.group.members = {mem};
  m.history[{"t", 0}] = {{1000, 70}, {6000, 60}};
  auto j = json::parse(group_json(m));
  CHECK(j["group_id"] == "g");
  CHECK(j["state"] == "Stable");
  CHECK(j["members"][0]["assignment"].size() == 2);
  auto& ps = j["partitions"];
  REQUIRE(ps.size() == 4); // three committed (one of a partition that does not exist) and one only assigned
  CHECK(ps[0]["partition"] == 0);
  CHECK(ps[0]["committed_offset"] == 40);
  CHECK(ps[0]["lag"] == 60);
  CHECK(ps[0]["member_id"] == "m-1");
  CHECK(ps[0]["history"] == json::array({json::array({1000, 70}), json::array({6000, 60})}));
  CHECK(ps[1]["lag"] == 0);
  CHECK(ps[1]["member_id"].is_null());
  CHECK(ps[2]["partition"] == 2);
  CHECK(ps[2]["committed_offset"].is_null());
  CHECK(ps[2]["lag"].is_null());
  CHECK(ps[3]["partition"] == 9);
  CHECK(ps[3]["lag"].is_null());
  CHECK(j["total_lag"] == 60);
}

TEST_CASE("lag: unknown where this cluster node does not lead, never negative") {
  std::vector<topic_description> topics{topic("t", {part(0, 2, 0, 10, 0), part(1, 1, 0, 10, 0)})};
  CHECK_FALSE(partition_lag(topics, 1, true, {"t", 0, 3}));
  CHECK(partition_lag(topics, 1, false, {"t", 0, 3}) == 7);
  CHECK(partition_lag(topics, 1, true, {"t", 1, 12}) == 0);
  CHECK_FALSE(partition_lag(topics, 1, true, {"t", 1, -1}));
  CHECK_FALSE(partition_lag(topics, 1, true, {"u", 0, 1}));
}

TEST_CASE("overview: nodes, topics with sizes and rates, groups with lag") {
  overview_model m;
  m.node_id = 2;
  m.cluster_id = "abc";
  m.clustered = true;
  m.nodes = {{1, false, "127.0.0.1:9092"}, {2, false, "127.0.0.1:9093"}, {3, true, "127.0.0.1:9094"}};
  m.quorum = quorum_row{1, 4, "follower", true};
  m.topics = {topic("a", {part(0, 2, 0, 10, 100, {2, 3}, {2}), part(1, 1, 0, 0, 0, {1, 2}, {1, 2})})};
  m.rates["a"] = topic_rates{12.5, 100, 0};
  m.rate_window_ms = 5000;
  m.groups = {group("g", {{"a", 0, 4}})};
  auto j = json::parse(overview_json(m));
  CHECK(j["node"]["id"] == 2);
  CHECK(j["node"]["clustered"] == true);
  REQUIRE(j["nodes"].size() == 3);
  CHECK(j["nodes"][0]["quorum_leader"] == true);
  CHECK(j["nodes"][1]["this_node"] == true);
  CHECK(j["nodes"][2]["fenced"] == true);
  CHECK(j["quorum"]["role"] == "follower");
  CHECK(j["partitions"] == 2);
  auto& t = j["topics"][0];
  CHECK(t["name"] == "a");
  CHECK(t["partitions"] == 2);
  CHECK(t["partitions_here"] == 1);
  CHECK(t["size_bytes"] == 100);
  CHECK(t["records"] == 10);
  CHECK(t["under_replicated_partitions"] == 1);
  CHECK(t["rates"]["records_in_per_s"] == 12.5);
  CHECK(j["groups"][0]["total_lag"] == 6);
  CHECK(j["groups"][0]["topics"] == json::array({"a"}));
}

TEST_CASE("names that are not UTF-8 are rendered, not thrown on") {
  auto j = json::parse(groups_json({group("bad\xff", {})}, {}, 1, false));
  CHECK(j["groups"][0]["group_id"] == "bad\xef\xbf\xbd");
  CHECK(json::parse(error_json("x"))["error"] == "x");
}
