// A 3-node samsa cluster inside one process: three actor systems, each hosting a node (broker, quorum
// voter, controller, broker lifecycle) that finds the others over CAF's middleman on its own native port,
// exactly as three `samsa broker` processes would. The program waits until the metadata quorum has a
// leader and all three brokers are registered and unfenced, prints the cluster as each node sees it through
// the typed API (quorum_actor and controller_actor status), creates a topic with replication factor 3
// through node 2's broker_actor, waits until node 1 describes it, writes one record to every partition
// through the broker of the node that leads it and one through another node's broker (which sends it to the
// leader's replica: the native API follows leaders), reads them back through that other node, and stops
// the nodes. Ports are free loopback
// ports, data lives in a fresh temporary directory that is removed at the end. Exit status 0 on success.
// Run: ./build/examples/example_local_cluster   (ctest runs it as "example: local_cluster")
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/embedded_cluster.hpp"
#include "actors/node.hpp"
#include "messages/logging.hpp"

namespace {

namespace fs = std::filesystem;
using namespace samsa;
constexpr auto ask_timeout = std::chrono::seconds(2);
constexpr auto ready_timeout = std::chrono::seconds(60);

// One node: its configuration, its own actor system and what start_node returned.
struct node {
  cluster::server_config config;
  std::unique_ptr<actors::node_system_config> system_config;
  std::unique_ptr<caf::actor_system> system;
  std::optional<actors::node_handle> handle;
};

// What one node says about the cluster, through its quorum member's and controller's typed interfaces.
struct view {
  std::optional<quorum_status> quorum;
  std::optional<broker_membership> members;
};

view ask(node& n) {
  view v;
  caf::scoped_actor self{*n.system};
  self->request(n.handle->quorum, ask_timeout, status_atom::value)
    .receive([&](quorum_status& s) { v.quorum = std::move(s); }, [](caf::error&) {});
  self->request(caf::actor_cast<controller_actor>(n.handle->controller), ask_timeout, status_atom::value)
    .receive([&](broker_membership& m) { v.members = std::move(m); }, [](caf::error&) {});
  return v;
}

// Ready: every node names the same leader and lists three unfenced brokers.
bool ready(std::vector<node>& nodes) {
  int32_t leader = -1;
  for (auto& n : nodes) {
    auto v = ask(n);
    if (!v.quorum || !v.members || v.quorum->leader < 0 || (leader >= 0 && v.quorum->leader != leader))
      return false;
    leader = v.quorum->leader;
    size_t unfenced = 0;
    for (const auto& b : v.members->brokers)
      unfenced += b.fenced ? 0 : 1;
    if (unfenced != nodes.size())
      return false;
  }
  return true;
}

void print_cluster(std::vector<node>& nodes) {
  for (auto& n : nodes) {
    auto v = ask(n);
    if (!v.quorum || !v.members)
      continue;
    std::cout << "node " << v.quorum->node_id << ": " << v.quorum->role << " in term " << v.quorum->term
              << ", leader " << v.quorum->leader << ", commit index " << v.quorum->commit_index << ", image offset "
              << v.members->image_offset << (v.members->active_controller ? " (active controller)" : "") << "\n";
  }
  auto v = ask(nodes.front());
  for (const auto& b : v.members->brokers) {
    std::cout << "  broker " << b.node_id << " epoch " << b.broker_epoch << (b.fenced ? " fenced" : " unfenced");
    for (const auto& e : b.endpoints)
      std::cout << " " << e.name << "://" << e.host << ":" << e.port;
    std::cout << "\n";
  }
}

// The topic through the typed broker_actor API: created on node 2 (its controller forwards to the active
// one), described by node 1 once its image has it, two records per partition: one through its leader's
// broker, one through another node's (acks=all: both replicated when answered), read through the latter.
bool use_topic(std::vector<node>& nodes) {
  caf::scoped_actor self{*nodes[1].system};
  topic_spec spec;
  spec.name = "orders";
  spec.partitions = 3;
  spec.replication_factor = 3;
  bool created = false;
  self->request(nodes[1].handle->broker, std::chrono::seconds(10), create_atom::value, spec)
    .receive([&](topic_description&) { created = true; },
             [&](caf::error& e) { std::cerr << "create failed: " << describe(e) << "\n"; });
  if (!created)
    return false;
  std::optional<topic_description> d;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!d && std::chrono::steady_clock::now() < deadline) {
    caf::scoped_actor s1{*nodes[0].system};
    s1->request(nodes[0].handle->broker, ask_timeout, describe_atom::value, std::vector<std::string>{"orders"})
      .receive([&](std::vector<topic_description>& v) { d = v.front(); }, [](caf::error&) {});
    if (!d)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!d) {
    std::cerr << "node 1 does not describe topic orders\n";
    return false;
  }
  std::cout << "topic orders (created through node 2, described by node 1):\n";
  for (const auto& p : d->partition_states) {
    std::cout << "  partition " << p.partition << " leader " << p.leader << " epoch " << p.leader_epoch
              << " replicas";
    for (auto r : p.replicas)
      std::cout << " " << r;
    std::cout << "\n";
    auto& leader = nodes[static_cast<size_t>(p.leader - 1)];
    auto& other = nodes[static_cast<size_t>(p.leader % 3)];
    produce_request req;
    req.topic = "orders";
    req.partition = p.partition;
    req.records.push_back(record{std::string{"k"}, "hello from partition " + std::to_string(p.partition), {}, -1, -1});
    req.acks = acks_all; // answered once the in-sync replicas have it: the high watermark is past it then
    caf::scoped_actor sl{*leader.system};
    uint8_t error = 255;
    sl->request(leader.handle->broker, ask_timeout, produce_atom::value, req)
      .receive([&](produce_response& r) { error = r.partitions.empty() ? 255 : r.partitions.front().error; },
               [](caf::error&) {});
    // Through a node that does not lead the partition: its broker sends the records to the leader's replica.
    caf::scoped_actor so{*other.system};
    uint8_t forwarded = 255;
    so->request(other.handle->broker, ask_timeout, produce_atom::value, req)
      .receive([&](produce_response& r) { forwarded = r.partitions.empty() ? 255 : r.partitions.front().error; },
               [](caf::error&) {});
    fetch_request fr;
    fr.topic = "orders";
    fr.partition = p.partition;
    int64_t hw = -1;
    size_t bytes = 0;
    so->request(other.handle->broker, ask_timeout, fetch_atom::value, fr)
      .receive([&](fetch_response& r) { hw = r.high_watermark; bytes = r.records.size(); }, [](caf::error&) {});
    std::cout << "    written through node " << p.leader << " (the leader): " << to_string(static_cast<api_errc>(error))
              << "; through node " << other.config.node_id << ": " << to_string(static_cast<api_errc>(forwarded))
              << "; read through node " << other.config.node_id << ": high watermark " << hw << ", " << bytes
              << " bytes\n";
    if (error != 0 || forwarded != 0 || hw != 2 || bytes == 0)
      return false;
  }
  return true;
}

int run(const fs::path& dir) {
  std::vector<node> nodes(3);
  std::vector<uint16_t> native_ports, kafka_ports;
  std::string voters;
  for (int i = 1; i <= 3; ++i) {
    kafka_ports.push_back(actors::free_loopback_port()); // a fixed port, not 0: the node advertises the configured one
    native_ports.push_back(actors::free_loopback_port());
    voters += (i > 1 ? "," : "") + std::to_string(i) + "@127.0.0.1:" + std::to_string(native_ports.back());
  }
  for (int i = 1; i <= 3; ++i) {
    auto& n = nodes[static_cast<size_t>(i - 1)];
    auto loaded = cluster::load_server_config(
      std::nullopt, {"node.id=" + std::to_string(i), "log.dirs=" + (dir / ("node" + std::to_string(i))).string(),
                     "samsa.native.listener=127.0.0.1:" + std::to_string(native_ports[static_cast<size_t>(i - 1)]),
                     "listeners=PLAINTEXT://127.0.0.1:" + std::to_string(kafka_ports[static_cast<size_t>(i - 1)]),
                     "controller.quorum.voters=" + voters, "samsa.http.listener="});
    if (!loaded.ok()) {
      for (auto& e : loaded.errors)
        std::cerr << "node " << i << ": " << e << "\n";
      return 2;
    }
    n.config = loaded.config;
    n.system_config = std::make_unique<actors::node_system_config>(n.config);
    n.system = std::make_unique<caf::actor_system>(*n.system_config);
    auto h = actors::start_node(*n.system, n.config);
    if (!h) {
      std::cerr << "node " << i << " did not start: " << describe(h.error()) << "\n";
      return 1;
    }
    n.handle = *h;
    std::cout << "node " << i << " started: native 127.0.0.1:" << h->native_port << ", Kafka 127.0.0.1:"
              << h->kafka_port << ", data " << n.config.log_dirs << "\n";
  }
  std::cout << "controller.quorum.voters=" << voters << "\nwaiting for a leader and three unfenced brokers..."
            << std::endl;
  auto deadline = std::chrono::steady_clock::now() + ready_timeout;
  bool ok = false;
  while (!(ok = ready(nodes)) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (ok) {
    std::cout << "cluster ready:\n";
    print_cluster(nodes);
    ok = use_topic(nodes);
  } else {
    std::cerr << "the cluster was not ready within " << ready_timeout.count() << " s\n";
  }
  // Each node stops like `samsa broker` on SIGTERM; the actor systems then end with their unique_ptrs.
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it)
    if (it->handle)
      actors::stop_node(*it->system, *it->handle);
  std::cout << "stopped" << std::endl;
  return ok ? 0 : 1;
}

} // namespace

int main() {
  configure_logging("warn"); // three nodes share this process's stderr; info would interleave their logs
  char tmpl[] = "/tmp/samsa-local-cluster.XXXXXX";
  if (!::mkdtemp(tmpl)) {
    std::cerr << "cannot create a temporary directory\n";
    return 2;
  }
  int rc = run(tmpl);
  std::error_code ec;
  fs::remove_all(tmpl, ec);
  return rc;
}
