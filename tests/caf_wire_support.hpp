#pragma once
// Shared by the tests that put samsa's messages through CAF's binary serializer the way BASP ships them to
// another node (tests/actors/test_raft_wire.cpp, tests/messages/test_ids.cpp).
#include <doctest/doctest.h>

#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/message.hpp>

#include "messages/type_registry.hpp"

namespace samsa::test {

// An actor system that knows every type register_samsa_types() registers, and logs nothing.
struct wire_config : caf::actor_system_config {
  wire_config() {
    register_samsa_types(*this);
    set("logger.verbosity", caf::atom("quiet"));
  }
};

// A whole caf::message through bytes and back, as BASP ships it. Serializing a caf::message looks every
// element type up in the registry, so a type missing from register_samsa_types fails here.
inline caf::message through_bytes(caf::actor_system& sys, const caf::message& original) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto err = sink(original);
  REQUIRE_MESSAGE(!err, sys.render(err));
  caf::message decoded;
  caf::binary_deserializer source{sys, buf};
  err = source(decoded);
  REQUIRE_MESSAGE(!err, sys.render(err));
  return decoded;
}

} // namespace samsa::test
