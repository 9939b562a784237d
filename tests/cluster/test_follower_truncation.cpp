// Follower truncation after a leader change (cluster/replica/follower_truncation): the rules of the header
// on hand-made epoch caches (KIP-101, KIP-279's walk), then a property check: over random histories of
// elections, the exchange always cuts a follower exactly where its log stops agreeing with the leader's.
#include <doctest/doctest.h>

#include "epoch_cache_support.hpp"

#include <random>

#include "cluster/replica/follower_truncation.hpp"

using namespace samsa::cluster::replica;
using samsa::persistence::epoch_entry;
using samsa::persistence::leader_epoch_cache;

namespace {

using samsa::test::cache_of;

// Runs the exchange against the leader's cache and log end; returns where the follower ends up.
int64_t exchange(leader_epoch_cache follower, int64_t log_end, int64_t hw, const leader_epoch_cache& leader,
                 int64_t leader_end, int32_t leader_epoch, int* rounds = nullptr) {
  auto ask = epoch_to_ask(follower);
  int n = 0;
  while (ask) {
    REQUIRE(++n < 100);
    auto step = plan_truncation(follower, log_end, hw, answer_for_epoch(leader, *ask, leader_end, leader_epoch));
    REQUIRE(step.truncate_to <= log_end);
    if (step.ask_next)
      REQUIRE(*step.ask_next < *ask); // the walk goes down
    log_end = step.truncate_to;
    REQUIRE(follower.truncate_from_end(log_end) == samsa::persistence::errc::ok);
    ask = step.ask_next;
  }
  if (rounds)
    *rounds = n;
  return log_end;
}

// One round with a leader whose current epoch is recorded: its answer to `ask` must be `expected`.
truncation_step round_trip(const leader_epoch_cache& follower, int64_t log_end, int64_t hw,
                           const leader_epoch_cache& leader, int64_t leader_end, int32_t ask,
                           epoch_end_offset expected) {
  auto answer = answer_for_epoch(leader, ask, leader_end, leader.latest_epoch());
  CHECK(answer.epoch == expected.epoch);
  CHECK(answer.end_offset == expected.end_offset);
  return plan_truncation(follower, log_end, hw, answer);
}

} // namespace

TEST_CASE("truncation: an empty log asks nothing") {
  CHECK_FALSE(epoch_to_ask(leader_epoch_cache{}));
  CHECK(epoch_to_ask(cache_of({{0, 0}, {3, 7}})) == 3);
}

TEST_CASE("truncation: KIP-101, the follower's tail of the leader's epoch beyond its end is cut") {
  auto f = cache_of({{0, 0}, {1, 5}});
  auto step = plan_truncation(f, 8, 4, {1, 6});
  CHECK(step.truncate_to == 6);
  CHECK_FALSE(step.ask_next);
  // The leader has more of the epoch than the follower: nothing to cut.
  step = plan_truncation(f, 8, 4, {1, 12});
  CHECK(step.truncate_to == 8);
  CHECK_FALSE(step.ask_next);
}

TEST_CASE("truncation: the leader answers a lower epoch the follower also has: cut at the earlier end") {
  // Follower led epoch 2 from 5 (records 5, 6 never replicated); the leader went on in epoch 1 until 8.
  auto f = cache_of({{1, 0}, {2, 5}});
  auto step = plan_truncation(f, 7, 5, {1, 8});
  CHECK(step.truncate_to == 5);
  CHECK_FALSE(step.ask_next);
}

TEST_CASE("truncation: KIP-279, the follower walks down when it never had the leader's epoch") {
  // Follower: epoch 0 [0,5), 2 [5,7), 4 [7,9). Leader: 0 [0,4), 1 [4,6), 3 [6,10), 5 [10,12).
  auto f = cache_of({{0, 0}, {2, 5}, {4, 7}});
  auto l = cache_of({{0, 0}, {1, 4}, {3, 6}, {5, 10}});
  // Round 1: ask 4, the leader knows 3 up to 10; the follower never had 3: cut to the end of its 2 (7).
  auto step = round_trip(f, 9, 0, l, 12, 4, {3, 10});
  CHECK(step.truncate_to == 7);
  REQUIRE(step.ask_next);
  CHECK(*step.ask_next == 2);
  // The whole exchange ends at 4, where epoch 0 stops agreeing; KIP-101 alone (cut to min(10, 9)) would
  // have kept the follower's records of epochs 2 and 4 at offsets the leader holds other records at.
  int rounds = 0;
  CHECK(exchange(f, 9, 0, l, 12, 5, &rounds) == 4);
  CHECK(rounds == 3);
}

TEST_CASE("truncation: a leader epoch recorded at election without records does not stall the walk") {
  // The follower led epoch 2 without appending (Kafka records the epoch at the log end when elected).
  auto f = cache_of({{0, 0}, {2, 5}});
  auto l = cache_of({{0, 0}, {1, 3}, {3, 8}});
  auto step = plan_truncation(f, 5, 0, {1, 8});
  CHECK(step.truncate_to == 5);
  REQUIRE(step.ask_next);
  CHECK(*step.ask_next == 0);
  CHECK(exchange(f, 5, 0, l, 9, 3) == 3);
}

TEST_CASE("truncation: the leader counts its current epoch from its log end before its first append") {
  // The follower led epoch 8 (records at 4..8); the leader, elected in epoch 10, has appended nothing yet
  // and its cache ends with epoch 4. The cache alone answers undefined for 8 (above every epoch).
  auto l = cache_of({{0, 0}, {3, 3}, {4, 4}});
  CHECK(l.end_offset_for(8, 5) == std::pair<int32_t, int64_t>{-1, -1});
  auto a = answer_for_epoch(l, 8, 5, 10);
  CHECK(a.epoch == 4);
  CHECK(a.end_offset == 5);
  a = answer_for_epoch(l, 10, 5, 10);
  CHECK(a.epoch == 10);
  CHECK(a.end_offset == 5);
  a = answer_for_epoch(l, 11, 5, 10); // from the future: undefined
  CHECK(a.epoch == -1);
  // Recorded already: the cache's own answer.
  auto r = cache_of({{0, 0}, {3, 3}, {10, 5}});
  a = answer_for_epoch(r, 8, 7, 10);
  CHECK(a.epoch == 3);
  CHECK(a.end_offset == 5);
  auto f = cache_of({{0, 0}, {3, 3}, {7, 4}, {8, 6}});
  CHECK(exchange(f, 9, 0, l, 5, 10) == 4);
}

TEST_CASE("truncation: an undefined answer cuts to the follower's HW") {
  auto f = cache_of({{0, 0}, {1, 5}});
  auto step = plan_truncation(f, 8, 6, {-1, -1});
  CHECK(step.truncate_to == 6);
  CHECK_FALSE(step.ask_next);
  CHECK(plan_truncation(f, 8, 20, {-1, -1}).truncate_to == 8); // never past the log end
}

TEST_CASE("truncation: the leader answers an epoch below all of the follower's (data gone by retention)") {
  auto f = cache_of({{4, 10}, {6, 15}});
  // Follower asks 6; the leader's epochs start above it at 7... it answers (6, start of its first epoch).
  auto l = cache_of({{7, 12}});
  auto step = round_trip(f, 18, 10, l, 20, 6, {6, 12});
  CHECK(step.truncate_to == 12);
  CHECK_FALSE(step.ask_next);
}

// Random histories: in each epoch a random replica leads (it may have missed earlier epochs: this checks
// the exchange, not election rules), records the epoch when elected (Kafka) or at its first append
// (samsa's partition_log today), appends; the others follow it for a while: they truncate with the
// exchange under test and copy a prefix of its log. Every record is (epoch, offset), so two logs agree
// exactly where their records are equal. After every exchange the follower's log must be the longest
// common prefix of the two logs.
TEST_CASE("truncation: over random elections the exchange cuts exactly at the divergence point") {
  struct record {
    int32_t epoch;
    int64_t offset;
    bool operator==(const record& o) const { return epoch == o.epoch && offset == o.offset; }
  };
  struct node {
    std::vector<record> log;
    leader_epoch_cache cache;
  };
  auto common_prefix = [](const std::vector<record>& a, const std::vector<record>& b) {
    size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i])
      ++i;
    return static_cast<int64_t>(i);
  };
  int exchanges = 0, walks = 0;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % n); };
    const bool record_at_election = seed % 2 == 0;
    std::vector<node> nodes(3);
    for (int32_t epoch = 0; epoch < 12; ++epoch) {
      auto& leader = nodes[pick(3)];
      if (record_at_election)
        REQUIRE(leader.cache.assign(epoch, static_cast<int64_t>(leader.log.size())) ==
                samsa::persistence::errc::ok);
      const int appends = pick(4);
      for (int i = 0; i < appends; ++i) {
        const auto off = static_cast<int64_t>(leader.log.size());
        REQUIRE(leader.cache.assign(epoch, off) == samsa::persistence::errc::ok);
        leader.log.push_back({epoch, off});
      }
      for (auto& f : nodes) {
        if (&f == &leader || pick(3) == 0)
          continue; // missed this epoch
        const int64_t before = static_cast<int64_t>(f.log.size());
        int rounds = 0;
        const int64_t cut =
          exchange(f.cache, before, 0, leader.cache, static_cast<int64_t>(leader.log.size()), epoch, &rounds);
        REQUIRE(cut == common_prefix(f.log, leader.log));
        ++exchanges;
        walks += rounds > 1;
        f.log.resize(static_cast<size_t>(cut));
        REQUIRE(f.cache.truncate_from_end(cut) == samsa::persistence::errc::ok);
        // Fetch a random part of the rest, learning epochs as a follower append does.
        const auto copy_to = cut + pick(static_cast<int>(leader.log.size() - cut) + 1);
        for (auto off = cut; off < copy_to; ++off) {
          const auto& r = leader.log[static_cast<size_t>(off)];
          if (r.epoch > f.cache.latest_epoch())
            REQUIRE(f.cache.assign(r.epoch, off) == samsa::persistence::errc::ok);
          f.log.push_back(r);
        }
      }
    }
  }
  CHECK(exchanges > 3000);
  CHECK(walks > 100); // KIP-279's case really happens
}
