#pragma once
// Starting and stopping a samsa node inside an actor_system: the entry point for the `samsa broker`
// command, the examples and applications that embed samsa. A node is a broker actor (with its partition
// replicas) plus, optionally, the native API published on samsa.native.listener through CAF's middleman.
#include <chrono>
#include <cstdint>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>

#include "actors/http_listener.hpp"
#include "actors/link_faults.hpp"
#include "actors/node_console.hpp"
#include "cluster/server_config.hpp"
#include "messages/cluster_api.hpp"
#include "messages/native_api.hpp"

namespace samsa::actors {

// Registers samsa's types, loads the io middleman and sizes the scheduler from num.io.threads. With
// controller.quorum.voters it also turns on BASP heartbeats (quorum_heartbeats). Call on the
// config before constructing the actor_system (embedding applications call it on their own config).
void configure_actor_system(caf::actor_system_config& cfg, const cluster::server_config& s);

// CAF 0.17 leaves BASP heartbeats off, so a frozen or cut-off peer is never noticed. A quorum node sends
// one every controller.quorum.election.timeout.ms / 10 and drops a connection silent for
// the longest of controller.quorum.fetch.timeout.ms, broker.session.timeout.ms and 2 s: not before check
// quorum would give up on that peer anyway, and not before the broker's session ends (a frozen broker is
// fenced for its session, as in KRaft, not earlier because its connection went quiet); long enough that a
// bounded Raft append (64 KiB) never delays a heartbeat that far. Clients
// must send heartbeats too (samsa's CLI does, every 500 ms) or an idle connection is dropped.
struct quorum_heartbeats {
  std::chrono::milliseconds interval;
  std::chrono::milliseconds timeout;
};
quorum_heartbeats quorum_heartbeats_for(const cluster::server_config& s);

// The ready-made config for a program whose actor system hosts (or talks to) a samsa node and needs nothing
// else: `samsa::actors::node_system_config cfg{server}; caf::actor_system sys{cfg};`. An in-process experiment
// sets `link_hook` (actors/link_faults) before constructing the system; left empty, nothing is tapped.
struct node_system_config : caf::actor_system_config, link_fault_injection {
  explicit node_system_config(const cluster::server_config& s) { configure_actor_system(*this, s); }
};

struct node_handle {
  broker_actor broker;
  uint16_t native_port = 0; // 0: not published
  caf::actor kafka_acceptor;
  uint16_t kafka_port = 0;  // 0: Kafka listener not started
  std::shared_ptr<http_listener> http; // samsa.http.listener (/metrics, console); null when off or not listening
  std::shared_ptr<node_console> console; // the web console's sampler and handlers; null when http is
  uint16_t http_port = 0;
  quorum_actor quorum;      // null unless cfg.runs_quorum()
  caf::actor controller;    // the node's controller (controller_actor), null unless cfg.runs_quorum()
  caf::actor lifecycle;     // the node's broker lifecycle (lifecycle_actor), null unless cfg.runs_quorum()
};

// Spawns the broker (opening the data directory) and, when listen is set, publishes it on the native
// listener, serves the Kafka protocol on `listeners` and, unless samsa.http.listener is empty, Prometheus
// metrics and the web console on it (its own threads). Must not be called from inside an actor: binding blocks.
caf::expected<node_handle> start_node(caf::actor_system& sys, const cluster::server_config& cfg, bool listen = true);

// Stops the node: a cluster node first asks the controller for a controlled shutdown (its leaderships and
// shared ISR places moved away, at most broker.session.timeout.ms) while still serving; then the listeners
// (the HTTP listener first, waiting for scrapes in progress) and the broker (its partition actors close
// their logs cleanly).
// abrupt (the in-process experiments' crash): no controlled shutdown, the actors are told to stop at once.
enum class stop_mode { controlled, abrupt };
void stop_node(caf::actor_system& sys, node_handle& node, stop_mode mode = stop_mode::controlled);

} // namespace samsa::actors
