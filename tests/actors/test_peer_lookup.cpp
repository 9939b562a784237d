// Finding another node's broker (connect_node_broker in actors/peer_lookup.hpp, through the actor system's
// peer directory in actors/native_transport): two actor systems in this process over real loopback TCP.
// Lookups of a node this one already reached must not dial it again: for CAF 0.17.6 a second connection
// between two nodes is redundant, and removing one such connection could point the acceptor's route at
// another one already closed, losing messages without an error (docs/architecture.md, "Other nodes'
// actors"). The listener's side counts the connections it accepted (native_inbound_connections).
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/peer_lookup.hpp"
#include "messages/type_registry.hpp"

using namespace samsa;
using namespace samsa::actors;

namespace {

struct node_config : caf::actor_system_config {
  node_config() {
    register_samsa_types(*this);
    load<caf::io::middleman>();
    set("scheduler.max-threads", size_t{2});
    set("scheduler.policy", caf::atom("sharing"));
    set("logger.verbosity", caf::atom("quiet"));
  }
};

// `n` lookups of the node listening on `port`, all started at once by one actor of `sys`: the addresses
// found, in the order of the answers (a null address for a failed one).
std::vector<caf::actor_addr> lookups(caf::actor_system& sys, uint16_t port, int n) {
  auto prober = sys.spawn([=](caf::event_based_actor* self) -> caf::behavior {
    return {
      [=](caf::get_atom) -> caf::result<std::vector<caf::actor_addr>> {
        auto rp = self->make_response_promise<std::vector<caf::actor_addr>>();
        auto got = std::make_shared<std::vector<caf::actor_addr>>();
        auto one = [=](caf::actor_addr a) mutable {
          got->push_back(std::move(a));
          if (got->size() == static_cast<size_t>(n))
            rp.deliver(*got);
        };
        for (int i = 0; i < n; ++i)
          connect_node_broker(
            self, voter_address{"127.0.0.1", port}, native_security{}, std::chrono::seconds(10),
            [=](broker_actor b) mutable { one(b.address()); }, [=](std::string) mutable { one(caf::actor_addr{}); });
        return rp;
      },
    };
  });
  std::vector<caf::actor_addr> out;
  caf::scoped_actor self{sys};
  self->request(prober, std::chrono::seconds(30), caf::get_atom::value)
    .receive([&](std::vector<caf::actor_addr>& found) { out = std::move(found); },
             [&](caf::error& e) { FAIL("the lookups did not answer: " << sys.render(e)); });
  self->send_exit(prober, caf::exit_reason::user_shutdown);
  return out;
}

} // namespace

TEST_CASE("peer lookup: lookups of a node, at once or later, share one connection to it") {
  node_config listener_cfg;
  node_config dialler_cfg;
  caf::actor_system listener{listener_cfg};
  caf::actor_system dialler{dialler_cfg};
  auto published = listener.spawn([](caf::event_based_actor*) -> caf::behavior { return {[](caf::get_atom) {}}; });
  auto port = publish_native(listener, caf::actor_cast<caf::strong_actor_ptr>(published), {}, 0, "127.0.0.1",
                             native_security{});
  REQUIRE(port);
  const auto accepted_before = native_inbound_connections().accepted;

  // A burst, as when a node forwards several AlterPartitions to a newly elected controller at once.
  auto burst = lookups(dialler, *port, 8);
  REQUIRE(burst.size() == 8);
  CHECK(burst.front() != caf::actor_addr{});
  for (const auto& found : burst)
    CHECK(found == burst.front());
  // Later lookups, each component of a node asking on its own: the directory answers.
  auto later = lookups(dialler, *port, 3);
  REQUIRE(later.size() == 3);
  for (const auto& found : later)
    CHECK(found == burst.front());

  // Exactly the first lookup dialled (a connector per lookup made 11 connections).
  CHECK(native_inbound_connections().accepted - accepted_before == 1);
  caf::anon_send_exit(published, caf::exit_reason::user_shutdown);
}
