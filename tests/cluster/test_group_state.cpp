// The group state enum, its transition table, the error mapping, and a randomized run of the
// whole state machine checking the class invariants after every step.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include "cluster/group_state.hpp"
#include "test_group_support.hpp"

using namespace samsa::cluster;
using namespace samsa::cluster::test;

namespace {

constexpr group_state all_states[] = {group_state::empty, group_state::preparing_rebalance,
                                      group_state::completing_rebalance, group_state::stable,
                                      group_state::dead};

} // namespace

TEST_CASE("group_state: names are Kafka's") {
  CHECK(std::string(to_string(group_state::empty)) == "Empty");
  CHECK(std::string(to_string(group_state::preparing_rebalance)) == "PreparingRebalance");
  CHECK(std::string(to_string(group_state::completing_rebalance)) == "CompletingRebalance");
  CHECK(std::string(to_string(group_state::stable)) == "Stable");
  CHECK(std::string(to_string(group_state::dead)) == "Dead");
}

TEST_CASE("group_state: the transition table is exactly Kafka's") {
  using gs = group_state;
  std::set<std::pair<gs, gs>> allowed = {
      {gs::empty, gs::preparing_rebalance},
      {gs::empty, gs::dead},
      {gs::preparing_rebalance, gs::completing_rebalance},
      {gs::preparing_rebalance, gs::empty},
      {gs::preparing_rebalance, gs::dead},
      {gs::completing_rebalance, gs::preparing_rebalance},
      {gs::completing_rebalance, gs::stable},
      {gs::completing_rebalance, gs::dead},
      {gs::stable, gs::preparing_rebalance},
      {gs::stable, gs::dead},
  };
  for (gs from : all_states) {
    for (gs to : all_states) {
      bool ok = allowed.count({from, to}) != 0;
      CAPTURE(to_string(from));
      CAPTURE(to_string(to));
      CHECK(can_transition(from, to) == ok);
      if (ok)
        CHECK_NOTHROW(check_transition(from, to));
      else
        CHECK_THROWS_AS(check_transition(from, to), std::logic_error);
    }
  }
}

TEST_CASE("group_state: illegal moves through the API are refused, not performed") {
  shell s;
  // Empty -> Dead is legal; Dead -> anything is not, so a Dead group refuses everything.
  CHECK(s.g.try_delete() == group_errc::none);
  CHECK(s.g.state() == group_state::dead);
  auto j = s.join(make_join(""));
  REQUIRE(j);
  CHECK(j->error == group_errc::coordinator_not_available);
  CHECK(s.g.try_delete() == group_errc::group_id_not_found);
  CHECK(s.heartbeat("x", 0) == group_errc::coordinator_not_available);
  CHECK(s.g.unload(group_errc::not_coordinator).empty());
  CHECK(s.g.state() == group_state::dead);
}

TEST_CASE("group_errc: 1:1 mapping to Kafka error codes") {
  CHECK(kafka_code(group_errc::none) == 0);
  CHECK(kafka_code(group_errc::coordinator_not_available) == 15);
  CHECK(kafka_code(group_errc::not_coordinator) == 16);
  CHECK(kafka_code(group_errc::illegal_generation) == 22);
  CHECK(kafka_code(group_errc::inconsistent_group_protocol) == 23);
  CHECK(kafka_code(group_errc::unknown_member_id) == 25);
  CHECK(kafka_code(group_errc::invalid_session_timeout) == 26);
  CHECK(kafka_code(group_errc::rebalance_in_progress) == 27);
  CHECK(kafka_code(group_errc::non_empty_group) == 68);
  CHECK(kafka_code(group_errc::group_id_not_found) == 69);
  CHECK(kafka_code(group_errc::member_id_required) == 79);
  CHECK(kafka_code(group_errc::group_max_size_reached) == 81);
  CHECK(kafka_code(group_errc::fenced_instance_id) == 82);
  CHECK(std::string(to_string(group_errc::fenced_instance_id)) == "FENCED_INSTANCE_ID");
}

// Random clients doing random things; after every step the invariants of class group hold and
// nothing throws (a throw would be an illegal transition or a broken invariant).
TEST_CASE("group_state: randomized operations keep the invariants") {
  // Fixed seed for reproducibility; SAMSA_FUZZ_SEED explores others locally.
  const char* env_seed = std::getenv("SAMSA_FUZZ_SEED");
  std::mt19937 rng(env_seed ? static_cast<unsigned>(std::strtoul(env_seed, nullptr, 10)) : 20240601u);
  shell s(test_config(500));
  const std::vector<std::vector<group_protocol>> protos = {
      {{"range", "a"}}, {{"range", "b"}, {"roundrobin", "b"}}, {{"roundrobin", "c"}}};
  std::vector<std::string> known; // member ids handed out at some point
  std::map<group_state, int> seen;
  size_t max_members = 0;
  for (int step = 0; step < 4000; ++step) {
    // Mostly current members acting as themselves; sometimes stale ids, strangers, newcomers.
    std::string id;
    std::optional<std::string> inst;
    const auto& ms = s.g.members();
    unsigned who = rng() % 10;
    if (!ms.empty() && who < 7) {
      const auto& m = ms[rng() % ms.size()];
      id = m.member_id;
      inst = m.group_instance_id;
      if (who == 0)
        id = s.g.leader_id();
    } else {
      if (!known.empty() && who < 9)
        id = known[rng() % known.size()];
      if (rng() % 3 == 0)
        inst = "inst-" + std::to_string(rng() % 3);
    }
    // Weighted: joins, syncs and heartbeats are common; leaves rare (else the group is mostly
    // Empty and the interesting states are barely visited).
    static constexpr int weights[] = {0, 0, 0, 1, 1, 2, 2, 2, 3, 4, 5, 5};
    switch (weights[rng() % 12]) {
      case 0: {
        auto req = make_join(id, protos[rng() % protos.size()], inst);
        req.version = static_cast<int16_t>(rng() % 6);
        std::string parked_as;
        auto r = s.join(req, &parked_as);
        known.push_back(parked_as);
        if (r)
          known.push_back(r->member_id);
        break;
      }
      case 1: {
        std::vector<sync_assignment> as;
        for (const auto& m : s.g.members())
          as.push_back({m.member_id, "assign-" + m.member_id});
        s.sync(id, s.g.generation_id(), as, inst);
        break;
      }
      case 2: s.heartbeat(id, s.g.generation_id(), inst); break;
      case 3:
        if (rng() % 3 == 0)
          s.leave({{id, inst}});
        break;
      case 4: s.g.validate_offset_commit(id, inst, s.g.generation_id(), s.now); break;
      default: s.advance(static_cast<int64_t>(rng() % 1500)); break;
    }
    const auto& g = s.g;
    auto st = g.state();
    CHECK(st != group_state::dead);
    ++seen[st];
    max_members = std::max(max_members, g.members().size());
    std::set<std::string> ids, instances;
    for (const auto& m : g.members()) {
      CHECK(ids.insert(m.member_id).second);
      if (m.group_instance_id)
        CHECK(instances.insert(*m.group_instance_id).second);
      if (m.awaiting_sync)
        CHECK(st == group_state::completing_rebalance);
      // Every member the group believes parked really is parked, and vice versa.
      CHECK(m.awaiting_join == s.join_parked(m.member_id));
      CHECK(m.awaiting_sync == s.sync_parked(m.member_id));
    }
    CHECK(g.empty() == g.leader_id().empty());
    if (!g.empty())
      CHECK(g.find_member(g.leader_id()) != nullptr);
    if (st == group_state::completing_rebalance || st == group_state::stable)
      CHECK(!g.protocol_name().empty());
    if (st == group_state::empty) {
      CHECK(g.empty());
      CHECK(g.protocol_name().empty());
    }
  }
  // The run must actually exercise the machine, not idle in one state.
  INFO("states: empty " << seen[group_state::empty] << ", preparing "
          << seen[group_state::preparing_rebalance] << ", completing "
          << seen[group_state::completing_rebalance] << ", stable " << seen[group_state::stable]
          << "; generation " << s.g.generation_id() << ", max members " << max_members);
  CHECK(seen[group_state::empty] > 0);
  CHECK(seen[group_state::preparing_rebalance] > 0);
  CHECK(seen[group_state::completing_rebalance] > 0);
  CHECK(seen[group_state::stable] > 0);
  CHECK(s.g.generation_id() > 20);
  CHECK(max_members >= 3);
}
