// Link faults between nodes of one process (actors/link_faults through the guarded native transport), on a
// real 3-node cluster of three actor systems (actors/embedded_cluster): a cut really stops the messages
// between two nodes (the metadata quorum elects another leader when its leader is cut off, both ways or one
// way) and the heal restores them (the old leader follows the new one again); a delayed link really holds
// the bytes (a replicated write cannot be acknowledged sooner than its followers' fetches get through).
// The waits are bounded conditions, not timing assertions; the delay test checks only a lower bound.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include <caf/scoped_actor.hpp>

#include "actors/embedded_cluster.hpp"
#include "messages/logging.hpp"

using namespace samsa;
using namespace samsa::actors;

namespace {

using clock = std::chrono::steady_clock;

bool eventually(const std::function<bool()>& cond, std::chrono::seconds timeout) {
  auto deadline = clock::now() + timeout;
  while (!cond()) {
    if (clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

struct temp_dir {
  temp_dir() {
    char tmpl[] = "/tmp/samsa-link-faults.XXXXXX";
    path = ::mkdtemp(tmpl) ? tmpl : "";
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string path;
};

embedded_cluster::options three_nodes(const std::string& dir) {
  return {3,
          {{"broker.session.timeout.ms", "4000"},
           {"broker.heartbeat.interval.ms", "500"},
           {"replica.lag.time.max.ms", "3000"}},
          dir};
}

// The leader node `id` knows (-1: none, or no answer).
int32_t leader_seen_by(embedded_cluster& c, int32_t id) {
  auto q = c.quorum(id);
  return q ? q->leader : -1;
}

// Both nodes other than `old` agree on a leader that is not `old`.
bool others_elected_without(embedded_cluster& c, int32_t old) {
  int32_t seen = -1;
  for (int32_t i = 1; i <= c.size(); ++i) {
    if (i == old)
      continue;
    auto l = leader_seen_by(c, i);
    if (l < 0 || l == old || (seen >= 0 && l != seen))
      return false;
    seen = l;
  }
  return true;
}

void start_all(embedded_cluster& c) {
  std::string why;
  for (int32_t i = 1; i <= c.size(); ++i)
    REQUIRE_MESSAGE(c.start_node(i, why), why);
  REQUIRE(eventually([&] { return c.healthy(); }, std::chrono::seconds(60)));
}

} // namespace

TEST_CASE("link faults: a cut quorum leader is replaced, both ways and one way, and follows again after the heal") {
  configure_logging("error");
  temp_dir dir;
  embedded_cluster c{three_nodes(dir.path)};
  start_all(c);
  auto old = leader_seen_by(c, 1);
  REQUIRE(old > 0);
  CHECK(c.links().connections_of(old) > 0);

  // Both ways: the old leader's connections to its peers close and stay closed.
  for (int32_t i = 1; i <= c.size(); ++i)
    if (i != old) {
      c.links().cut(old, i);
      c.links().cut(i, old);
    }
  CHECK(eventually([&] { return c.links().connections_of(old) == 0; }, std::chrono::seconds(10)));
  REQUIRE(eventually([&] { return others_elected_without(c, old); }, std::chrono::seconds(30)));
  CHECK(c.links().connections_of(old) == 0); // still refused while cut
  for (int32_t i = 1; i <= c.size(); ++i)
    if (i != old) {
      c.links().heal(old, i);
      c.links().heal(i, old);
    }
  REQUIRE(eventually([&] { return c.healthy(); }, std::chrono::seconds(60)));
  auto second = leader_seen_by(c, old);
  CHECK(second != old);
  CHECK(c.links().connections_of(old) > 0);

  // One way: the others stop hearing the current leader (its bytes held), it still hears them.
  for (int32_t i = 1; i <= c.size(); ++i)
    if (i != second)
      c.links().cut(second, i);
  REQUIRE(eventually([&] { return others_elected_without(c, second); }, std::chrono::seconds(30)));
  for (int32_t i = 1; i <= c.size(); ++i)
    if (i != second)
      c.links().heal(second, i);
  REQUIRE(eventually([&] { return c.healthy(); }, std::chrono::seconds(60)));
  CHECK(leader_seen_by(c, second) != second);
}

TEST_CASE("link faults: a delayed link holds the bytes: acks=all waits for the followers' delayed fetches") {
  configure_logging("error");
  temp_dir dir;
  embedded_cluster c{three_nodes(dir.path)};
  start_all(c);
  topic_spec spec;
  spec.name = "d";
  spec.partitions = 1;
  spec.replication_factor = 3;
  std::string why;
  REQUIRE_MESSAGE(c.create_topic(spec, why), why);
  int32_t leader = -1;
  REQUIRE(eventually(
    [&] {
      auto d = c.describe("d");
      if (!d || d->partition_states.empty() || d->partition_states[0].isr.size() != 3)
        return false;
      leader = d->partition_states[0].leader;
      return leader > 0;
    },
    std::chrono::seconds(30)));
  produce_request req;
  req.topic = "d";
  req.partition = 0;
  req.acks = acks_all;
  req.records.push_back(record{std::nullopt, std::string{"slow"}, {}, -1, -1});
  auto produce = [&] {
    uint8_t error = 255;
    caf::scoped_actor self{c.system(leader)};
    self->request(c.handle(leader).broker, std::chrono::seconds(20), produce_atom::value, req)
      .receive([&](produce_response& r) { error = r.partitions.empty() ? 255 : r.partitions.front().error; },
               [&](caf::error& e) { MESSAGE("produce: " << c.system(leader).render(e)); });
    return error;
  };
  // The leader's own broker may learn of the topic a little after the node that described it.
  REQUIRE(eventually([&] { return produce() == 0; }, std::chrono::seconds(30)));
  constexpr auto delay = std::chrono::milliseconds(400);
  for (int32_t i = 1; i <= c.size(); ++i)
    if (i != leader) {
      c.links().add_delay(leader, i, delay);
      c.links().add_delay(i, leader, delay);
    }
  auto t0 = clock::now();
  auto error = produce();
  auto took = clock::now() - t0;
  CHECK(error == 0);
  // A follower's fetch reaches the leader at least `delay` after it was sent: the write cannot be
  // acknowledged sooner (a lower bound only: a slow machine makes it later, never earlier).
  CHECK(took >= delay);
  for (int32_t i = 1; i <= c.size(); ++i)
    if (i != leader) {
      c.links().remove_delay(leader, i, delay);
      c.links().remove_delay(i, leader, delay);
    }
  REQUIRE(eventually([&] { return c.healthy(); }, std::chrono::seconds(30)));
}
