#pragma once
// An in-memory leader epoch cache with the given entries, for the tests of the rules that read one.
#include <vector>

#include <doctest/doctest.h>

#include "persistence/leader_epoch_cache.hpp"

namespace samsa::test {

inline persistence::leader_epoch_cache cache_of(std::vector<persistence::epoch_entry> entries) {
  persistence::leader_epoch_cache c; // in memory: no checkpoint file
  REQUIRE(c.replace(std::move(entries)) == persistence::errc::ok);
  return c;
}

} // namespace samsa::test
