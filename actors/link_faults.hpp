#pragma once
// Link faults between samsa nodes that run in one process (the embedded experiment engine, docs/
// experiments.md "Embedding the engine"): a registry the guarded native transport (actors/native_transport)
// consults for every node-to-node connection of an actor system that was given one. Without a registry a
// connection carries no tap and pays nothing.
//
// Nodes are named by node id; the registry knows which native port each listens on (add_node). A
// connection's two ends are found so: the side that dials knows the port it dials (the peer) and registers
// the local port it dials from; the accepting side finds its peer by that remote port when bytes arrive
// (in BASP the acceptor speaks first, so the dialler registered long before its first byte comes in).
// Connections whose peer is not a registered node (clients, other processes) always pass.
//
// What a fault does (the decisions are cluster/experiment/link_fault_table's):
//   cut both ways   the live connections between the two nodes are shut down (shutdown(2): both ends read
//                   end-of-file, BASP drops the route as on a real disconnect) and new ones are refused;
//   cut one way     `to` holds every byte it receives from `from` until the heal, the other way flows, new
//                   connections are refused; BASP's connection timeout on `to` then closes it;
//   delay           `to` hands on the bytes it receives from `from` D ms after they arrived, in order.
// Held bytes are read from the socket at once (the sender never blocks) and kept in memory; a connection
// that fails or closes drops what it still held, as a reset would.
//
// Thread-safe: faults are set from any thread; the transport calls in on each node's multiplexer thread.
// A registry's delay timer runs on a thread of its own, started by the first held byte.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/network/rw_state.hpp>

#include "cluster/experiment/link_fault_table.hpp"

namespace samsa::actors {

class link_faults : public std::enable_shared_from_this<link_faults> {
public:
  using clock = std::chrono::steady_clock;
  using conn_id = uint64_t;

  link_faults() = default;
  ~link_faults(); // stops the timer thread
  link_faults(const link_faults&) = delete;
  link_faults& operator=(const link_faults&) = delete;

  // -- the experiment's side --
  void add_node(int32_t node, uint16_t native_port);
  void cut(int32_t from, int32_t to);  // both ways: call twice, crossed; closes when both are cut
  void heal(int32_t from, int32_t to); // undoes one cut(from, to)
  void add_delay(int32_t from, int32_t to, std::chrono::milliseconds d);
  void remove_delay(int32_t from, int32_t to, std::chrono::milliseconds d);
  // Shuts down every native connection of `node` now, clients' included: a crash, seen from outside.
  void sever(int32_t node);
  // The actor system of `node` is about to be destroyed: its connections are forgotten (nothing is posted
  // to its multiplexer any more) and new ones are not tapped until revive(node), before it starts again.
  void retire(int32_t node);
  void revive(int32_t node);
  // Live node-to-node connections of `node` whose peer is known (for tests and progress lines).
  size_t connections_of(int32_t node) const;

  // -- the transport's side --
  int32_t node_at_port(uint16_t native_port) const; // -1: no registered node listens there
  bool may_connect(int32_t a, int32_t b) const;
  // A live connection of node `self` (0 and nothing registered when `self` is retired). `peer` -1: found later by `remote_port` (an accepted connection);
  // `local_port`: the port a dialled connection leaves from (0 for accepted ones). `post` runs a function on
  // the connection's multiplexer thread; `on_wake` (run there) makes the connection read again. Shuts the
  // socket down at once when the link is cut.
  conn_id attach(int32_t self, int32_t peer, uint16_t local_port, uint16_t remote_port, int fd,
                 std::function<void(std::function<void()>)> post, std::function<void()> on_wake);
  void detach(conn_id id);
  // How long the connection holds the bytes it receives now: 0 hands them on, nullopt holds them until
  // the heal.
  std::optional<std::chrono::milliseconds> hold(conn_id id);
  // Calls the connection's on_wake on its multiplexer thread at `when` (at once when already past).
  void wake_at(conn_id id, clock::time_point when);

private:
  struct connection {
    int32_t self = -1;
    int32_t peer = -1;
    uint16_t remote_port = 0;
    uint16_t local_port = 0;
    int fd = -1;
    std::function<void(std::function<void()>)> post;
    std::function<void()> on_wake;
  };

  void apply_locked();               // shuts down the connections of links now cut both ways, wakes the rest
  void resolve_locked(connection& c); // an accepted connection's peer, from the dialler's local port
  void post_wake_locked(conn_id id);
  void timer_loop();

  mutable std::mutex m_;
  cluster::experiment::link_fault_table table_;
  std::map<uint16_t, int32_t> node_ports_;     // native listener port -> node
  std::map<uint16_t, int32_t> dialled_from_;   // local port of a dialled connection -> its node
  std::map<conn_id, connection> connections_;
  std::set<int32_t> retired_;
  conn_id next_id_ = 1;
  std::multimap<clock::time_point, conn_id> timers_;
  std::condition_variable timer_cv_;
  std::thread timer_;
  bool stopping_ = false;
};

// What an actor system's native connections consult: the registry and the node this system runs.
struct link_fault_hook {
  std::shared_ptr<link_faults> faults; // null: no fault injection (the default)
  int32_t self = -1;
};

// Derive an actor_system_config from this (node_system_config does) and set `link_hook` before constructing
// the actor system to put its node's connections under the registry.
struct link_fault_injection {
  virtual ~link_fault_injection() = default;
  link_fault_hook link_hook;
};

// The hook of `sys`'s config, or an empty one.
link_fault_hook link_hook_of(const caf::actor_system& sys);

// One connection's tap: what the guarded transport's read goes through when its system has a registry.
// Runs on the connection's multiplexer thread only.
class link_tap {
public:
  using rw_state = caf::io::network::rw_state;
  // Reads from the socket through `raw(size_t& got, void* buf, size_t len) -> rw_state`.
  using raw_read = std::function<rw_state(size_t&, void*, size_t)>;

  link_tap(std::shared_ptr<link_faults> faults, link_faults::conn_id id) : faults_(std::move(faults)), id_(id) {}
  ~link_tap() { faults_->detach(id_); }
  link_tap(const link_tap&) = delete;
  link_tap& operator=(const link_tap&) = delete;

  rw_state read(size_t& result, void* buf, size_t len, const raw_read& raw);

private:
  struct chunk {
    link_faults::clock::time_point arrived;
    std::vector<char> bytes;
    size_t consumed = 0;
  };
  std::shared_ptr<link_faults> faults_;
  link_faults::conn_id id_;
  std::deque<chunk> held_;
};

} // namespace samsa::actors
