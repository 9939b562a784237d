#pragma once
// Finding another node's actors: a guarded connection (actors/native_transport) to the node's
// samsa.native.listener, whose published broker answers with the actor asked for (quorum_atom: its quorum
// member, controller_atom: its controller). Used by the quorum (peers), the broker lifecycle and the
// controller (the active controller of another node) alike.
#include <chrono>
#include <set>
#include <string>
#include <utility>

#include <caf/timespan.hpp>

#include "actors/native_transport.hpp"

namespace samsa::actors {

// Where a voter's native listener is; port 0: not reachable by lookup (tests wire peers with hello).
struct voter_address {
  std::string host;
  uint16_t port = 0;
};

// Connects to the node on `addr` and hands its published broker to found(broker_actor), or why not to
// failed(std::string), in `self`'s context, within about `timeout`. Through the actor system's peer
// directory (actors/native_transport.hpp): a node already found is answered without a new connection, and
// lookups of one endpoint at the same time share one connection attempt.
template <class Self, class Found, class Failed>
void connect_node_broker(Self* self, const voter_address& addr, const native_security& sec,
                         std::chrono::milliseconds timeout, Found found, Failed failed) {
  auto directory = native_peer_directory(self->system(), sec);
  self->request(directory, timeout, caf::connect_atom::value, addr.host, addr.port, caf::timespan{timeout})
    .then(
      [=](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) mutable {
        if (!ptr) {
          failed(std::string{"nothing published on its native listener"});
          return;
        }
        found(caf::actor_cast<broker_actor>(ptr));
      },
      [=](caf::error& e) mutable { failed(self->system().render(e)); });
}

// Asks the broker on `addr` for its actor named by `atom`. Exactly one of found(caf::actor) or
// failed(std::string why) runs, in `self`'s context, within about twice `timeout`.
template <class Self, class Atom, class Found, class Failed>
void lookup_node_actor(Self* self, const voter_address& addr, const native_security& sec,
                       std::chrono::milliseconds timeout, Atom atom, Found found, Failed failed) {
  connect_node_broker(
    self, addr, sec, timeout,
    [=](broker_actor broker) mutable {
      self->request(broker, timeout, atom)
        .then([=](caf::actor& a) mutable { found(std::move(a)); },
              [=](caf::error& e) mutable { failed(self->system().render(e)); });
    },
    failed);
}

} // namespace samsa::actors
