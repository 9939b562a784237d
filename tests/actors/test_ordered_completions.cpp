// ordered_completions: completions run in ticket order whatever order they finish in (the Kafka handler's
// partition lookups, so a connection's appends reach a partition in request order).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "actors/ordered_completions.hpp"

using samsa::actors::ordered_completions;

TEST_CASE("ordered_completions: a later completion waits for every earlier ticket") {
  ordered_completions q;
  std::vector<std::string> ran;
  auto z = q.take(), a = q.take(), b = q.take();
  // The reorder seen in cluster_two_down: Z's lookup answers, then B (a cache hit) completes at once,
  // then A's lookup answers. Without the ordering B's append would overtake A's.
  q.complete(z, [&] { ran.push_back("z"); });
  CHECK(ran == std::vector<std::string>{"z"});
  q.complete(b, [&] { ran.push_back("b"); });
  CHECK(ran == std::vector<std::string>{"z"});
  CHECK(q.held() == 1);
  q.complete(a, [&] { ran.push_back("a"); });
  CHECK(ran == std::vector<std::string>{"z", "a", "b"});
  CHECK(q.held() == 0);
  // Nothing held: a new ticket runs at once.
  q.complete(q.take(), [&] { ran.push_back("c"); });
  CHECK(ran.back() == "c");
}

TEST_CASE("ordered_completions: a completion may take and complete tickets itself") {
  ordered_completions q;
  std::vector<int> ran;
  auto first = q.take(), second = q.take();
  q.complete(second, [&] { ran.push_back(2); });
  q.complete(first, [&] {
    ran.push_back(1);
    // Taken while 2 is still held: it runs after 2.
    auto third = q.take();
    q.complete(third, [&] { ran.push_back(3); });
  });
  CHECK(ran == std::vector<int>{1, 2, 3});
  CHECK(q.held() == 0);
}
