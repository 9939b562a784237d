#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "cluster/local_cluster.hpp"
#include "cluster/server_config.hpp"
#include "persistence/file_util.hpp"

using namespace samsa::cluster;
namespace fs = std::filesystem;

namespace {

local_cluster_plan plan(std::optional<long long> nodes = std::nullopt, std::optional<long long> base = std::nullopt,
                        std::optional<std::string> marker = std::nullopt, std::vector<std::string> sets = {}) {
  local_cluster_request req;
  req.dir = "/tmp/c";
  req.nodes = nodes;
  req.base_port = base;
  req.marker = std::move(marker);
  req.sets = std::move(sets);
  return plan_local_cluster(req);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string read_file(const fs::path& p) {
  auto text = samsa::persistence::read_small_file(p);
  REQUIRE(text);
  return *text;
}

} // namespace

TEST_CASE("local cluster: the default layout is the single node's ports plus one per node") {
  auto p = plan();
  REQUIRE(p.ok());
  const auto& c = p.cluster;
  CHECK(c.nodes == 3);
  CHECK(c.voters() == "1@127.0.0.1:19092,2@127.0.0.1:19093,3@127.0.0.1:19094");
  CHECK(c.bootstrap_servers() == "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094");
  CHECK(c.node_list[1].dir == "/tmp/c/node2");
  CHECK(c.node_list[1].data_dir == "/tmp/c/node2/data");
  CHECK(c.node_list[1].properties == "/tmp/c/node2/server.properties");
  CHECK(c.node_list[1].log == "/tmp/c/node2/broker.log");
}

TEST_CASE("local cluster: every generated node config is valid and names itself among the voters") {
  auto p = plan(5, 30000, std::nullopt, {"log.level=debug", " num.partitions = 4"});
  REQUIRE(p.ok());
  std::set<int> ports;
  for (const auto& n : p.cluster.node_list) {
    auto r = parse_server_properties(p.cluster.node_properties(n));
    INFO(p.cluster.node_properties(n));
    REQUIRE(r.ok());
    CHECK(r.config.node_id == n.id);
    CHECK(r.config.runs_quorum());
    CHECK(r.config.native_port() == 40000 + n.id - 1);
    CHECK(r.config.listener_port() == 30000 + n.id - 1);
    CHECK(r.config.http_port() == 30552 + n.id - 1);
    CHECK(r.config.log_dirs == n.data_dir);
    CHECK(r.config.log_level == "debug");
    CHECK(r.config.num_partitions == 4);
    ports.insert(r.config.native_port());
    ports.insert(r.config.listener_port());
    ports.insert(r.config.http_port());
  }
  CHECK(ports.size() == 15);
}

TEST_CASE("local cluster: a second start reuses the marker, and refuses another node count") {
  auto first = plan(2, 20000);
  REQUIRE(first.ok());
  auto marker = first.cluster.marker();

  auto again = plan(std::nullopt, std::nullopt, marker);
  REQUIRE(again.ok());
  CHECK(again.cluster.nodes == 2);
  CHECK(again.cluster.base_port == 20000);
  CHECK(again.cluster.voters() == first.cluster.voters());

  auto same = plan(2, std::nullopt, marker);
  CHECK(same.ok());

  auto moved = plan(std::nullopt, 21000, marker); // ports may move: voters are found by address at each start
  REQUIRE(moved.ok());
  CHECK(moved.cluster.nodes == 2);
  CHECK(moved.cluster.node_list[0].kafka_port == 21000);

  auto more = plan(3, std::nullopt, marker);
  CHECK_FALSE(more.ok());
  CHECK(contains(more.error, "holds a 2-node cluster"));
  CHECK(contains(more.error, "--nodes 3"));

  auto damaged = plan(std::nullopt, std::nullopt, std::string{"nodes=two\n"});
  CHECK_FALSE(damaged.ok());
  CHECK(contains(damaged.error, "samsa-cluster.properties is damaged"));
  CHECK_FALSE(plan(std::nullopt, std::nullopt, std::string{"# only a comment\n"}).ok());
}

TEST_CASE("local cluster: --brokers adds broker-only nodes that follow the voters") {
  local_cluster_request req;
  req.dir = "/tmp/c";
  req.nodes = 3;
  req.brokers = 2;
  auto p = plan_local_cluster(req);
  REQUIRE(p.ok());
  const auto& c = p.cluster;
  CHECK(c.total() == 5);
  REQUIRE(c.node_list.size() == 5);
  CHECK(c.voters() == "1@127.0.0.1:19092,2@127.0.0.1:19093,3@127.0.0.1:19094"); // the brokers are not voters
  CHECK(c.bootstrap_servers() == "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094,127.0.0.1:9095,127.0.0.1:9096");
  for (const auto& n : c.node_list) {
    auto r = parse_server_properties(c.node_properties(n));
    INFO(c.node_properties(n));
    REQUIRE(r.ok());
    CHECK(n.voter == (n.id <= 3));
    CHECK(r.config.quorum_voter_role() == n.voter);
    CHECK(r.config.quorum_learner_role() == !n.voter);
    CHECK(r.config.controller_quorum_voters == c.voters());
    CHECK(r.config.native_port() == 19092 + n.id - 1);
  }
  // The marker keeps the broker count; a later start may change it (learners do not change the voters), not
  // the voters. A marker without brokers= (an earlier version's) means none.
  auto marker = c.marker();
  CHECK(contains(marker, "brokers=2"));
  local_cluster_request again;
  again.dir = "/tmp/c";
  again.marker = marker;
  auto back = plan_local_cluster(again);
  REQUIRE(back.ok());
  CHECK(back.cluster.brokers == 2);
  again.brokers = 4;
  auto grown = plan_local_cluster(again);
  REQUIRE(grown.ok());
  CHECK(grown.cluster.total() == 7);
  again.brokers.reset();
  again.marker = std::string{"nodes=3\nbase.port=9092\n"};
  auto old = plan_local_cluster(again);
  REQUIRE(old.ok());
  CHECK(old.cluster.brokers == 0);
  again.brokers = 9;
  CHECK(contains(plan_local_cluster(again).error, "--brokers must be 0 to 8"));
}

TEST_CASE("local cluster: bad requests are refused with the reason") {
  CHECK(contains(plan(0).error, "--nodes must be 1 to 5"));
  CHECK(contains(plan(6).error, "--nodes must be 1 to 5"));
  CHECK(plan(1).ok());
  CHECK(plan(5, 65535 - 10000 - 4).ok());
  CHECK(contains(plan(5, 65535 - 10000 - 3).error, "--base-port must be 1 to 55531"));
  CHECK(contains(plan(3, 0).error, "--base-port"));
  CHECK(contains(plan(3, std::nullopt, std::nullopt, {"node.id=7"}).error, "--set node.id"));
  CHECK(contains(plan(3, std::nullopt, std::nullopt, {"log.dirs=/x"}).error, "--set log.dirs"));
  CHECK(contains(plan(3, std::nullopt, std::nullopt, {"log.level"}).error, "key=value"));
}

TEST_CASE("local cluster: config/cluster/node*.properties form one 3-node cluster, broker4 follows it") {
  auto dir = fs::path(__FILE__).parent_path().parent_path().parent_path() / "config" / "cluster";
  std::set<std::string> voters, dirs;
  std::set<int> ports;
  auto layout = plan(3).cluster;
  for (int i = 1; i <= 3; ++i) {
    auto r = parse_server_properties(read_file(dir / ("node" + std::to_string(i) + ".properties")));
    INFO("node" << i << ".properties");
    REQUIRE(r.ok());
    CHECK(r.config.node_id == i);
    CHECK(r.config.runs_quorum());
    voters.insert(r.config.controller_quorum_voters);
    dirs.insert(r.config.log_dirs);
    ports.insert(r.config.native_port());
    ports.insert(r.config.listener_port());
    // The same ports as `samsa cluster start --nodes 3` with the default base.
    CHECK(r.config.listener_port() == layout.node_list[static_cast<size_t>(i - 1)].kafka_port);
    CHECK(r.config.native_port() == layout.node_list[static_cast<size_t>(i - 1)].native_port);
  }
  CHECK(voters == std::set<std::string>{layout.voters()});
  CHECK(dirs.size() == 3);
  CHECK(ports.size() == 6);
  // broker4.properties: a broker-only node following the same quorum (a learner), on ports of its own.
  auto b = parse_server_properties(read_file(dir / "broker4.properties"));
  REQUIRE_MESSAGE(b.ok(), (b.errors.empty() ? "" : b.errors.front()));
  CHECK(b.config.node_id == 4);
  CHECK(b.config.quorum_learner_role());
  CHECK(b.config.runs_quorum());
  CHECK(b.config.controller_quorum_voters == layout.voters());
  CHECK(dirs.insert(b.config.log_dirs).second);
  CHECK(ports.insert(b.config.native_port()).second);
  CHECK(ports.insert(b.config.listener_port()).second);
}
