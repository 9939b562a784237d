#pragma once
// N samsa nodes in one process, each in an actor system of its own that finds the others over CAF's
// middleman on its own loopback native port (as examples/local_cluster does), under one link-fault registry
// (actors/link_faults): the cluster the in-process experiment engine (actors/embedded_experiment) runs on.
// Every node is a broker and a quorum voter; node ids are 1..n.
//
// Faults on nodes: crash (every link of the node cut at once and its clients' connections shut down, its
// actors stopped without a controlled shutdown, its actor system destroyed: the peers and clients see its
// connections end as when a process dies) and stop (a controlled shutdown, as SIGTERM); either is undone by
// start_node, which starts the node again on the same data directory and ports.
//
// Owns the actor systems, the node handles and the registry. Not thread-safe: one thread (the engine's)
// calls everything; clients reach the nodes through their native ports from actor systems of their own.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/link_faults.hpp"
#include "actors/node.hpp"
#include "messages/cluster_api.hpp"
#include "messages/native_api.hpp"

namespace samsa::actors {

// A loopback TCP port nobody listens on right now (the kernel's choice); 0 if none could be had.
uint16_t free_loopback_port();

class embedded_cluster {
public:
  struct options {
    int nodes = 3;
    std::map<std::string, std::string> node_config; // server.properties keys for every node
    std::string data_dir;                           // node i's data in data_dir/node<i>
  };

  explicit embedded_cluster(options o); // picks the ports; starts nothing
  ~embedded_cluster();                  // every running node crashed (fast; the data stays)
  embedded_cluster(const embedded_cluster&) = delete;
  embedded_cluster& operator=(const embedded_cluster&) = delete;

  int size() const { return static_cast<int>(nodes_.size()); }
  bool start_node(int32_t id, std::string& why); // start, or restart after crash/stop, on the same ports and data
  void crash(int32_t id);
  void stop(int32_t id); // controlled shutdown
  bool running(int32_t id) const;
  uint16_t native_port(int32_t id) const;
  uint16_t kafka_port(int32_t id) const;
  link_faults& links() { return *links_; }
  // A running node's actor system and handle (for requests from the engine's thread; invalid after crash/stop).
  caf::actor_system& system(int32_t id) { return *at(id).system; }
  const node_handle& handle(int32_t id) { return *at(id).handle; }

  // What node `id` says (nullopt: not running or no answer within 2 s).
  std::optional<quorum_status> quorum(int32_t id);
  std::optional<broker_membership> members(int32_t id);
  // The topic as the first running node that answers describes it.
  std::optional<topic_description> describe(const std::string& topic);
  // Creates the topic through the first running node; the reason on failure.
  bool create_topic(const topic_spec& spec, std::string& why);
  // Every node runs, all name the same quorum leader, list every broker unfenced and no partition under-
  // replicated or offline.
  bool healthy();

private:
  struct node {
    std::map<std::string, std::string> config;
    uint16_t native_port = 0;
    uint16_t kafka_port = 0;
    std::unique_ptr<node_system_config> system_config;
    std::unique_ptr<caf::actor_system> system;
    std::optional<node_handle> handle;
  };
  node& at(int32_t id);
  void shut(int32_t id, stop_mode mode);

  options o_;
  std::shared_ptr<link_faults> links_;
  std::vector<node> nodes_;
};

} // namespace samsa::actors
