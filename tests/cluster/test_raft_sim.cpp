// Randomised simulation of the Raft core (cluster/raft): thousands of seeded runs of 3 or 5
// voters plus a configured learner and a learner that joins late (hello -> add_learner, as a
// process.roles=broker node does) over a lossy, duplicating, reordering network with partitions and
// crash-restarts. raft_sim checks the safety properties after every input; this file drives
// the faults, checks liveness after healing, and asserts the runs really exercised the protocol.
//
// SAMSA_SIM_SEEDS=N runs N seeds (default below); SAMSA_SIM_SEED=S starts at seed S (run one
// failing seed with SAMSA_SIM_SEED=S SAMSA_SIM_SEEDS=1).

#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <iostream>

#include "persistence/raft_store_support.hpp"
#include "raft_sim_support.hpp"

using namespace samsa::raft;
using namespace samsa::raft::sim;

namespace {

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Every node of a sim persists through its own persistence::raft_store (its own metadata.db under
// `dir`), closed on a crash and reopened on restart; the sim compares each load() with its copy.
struct store_hook : durable_hook {
  const std::filesystem::path& dir;
  std::map<int, std::unique_ptr<samsa::persistence::raft_store>> open;
  uint64_t persists = 0, snapshots = 0, loads = 0;
  explicit store_hook(const std::filesystem::path& d) : dir(d) {}
  samsa::persistence::raft_store& store(int node) {
    auto& s = open[node];
    if (!s) s = samsa::persistence::test::open_raft_store(dir / ("node" + std::to_string(node)) / "metadata.db");
    return *s;
  }
  void persist(int node, const effects& fx) override {
    auto& s = store(node);
    if (s.persist(fx) != samsa::persistence::errc::ok) throw sim_failure("raft_store::persist: " + s.last_error());
    persists += fx.hard || fx.install || fx.truncate_from || !fx.append.empty();
  }
  void save_snapshot(int node, const snapshot& snap) override {
    auto& s = store(node);
    if (s.save_snapshot(snap) != samsa::persistence::errc::ok)
      throw sim_failure("raft_store::save_snapshot: " + s.last_error());
    ++snapshots;
  }
  void crash(int node) override { open.erase(node); }
  durable_state load(int node) override {
    open.erase(node); // a restart is a new process: a new connection
    auto& s = store(node);
    auto d = s.try_load();
    if (!d) throw sim_failure("raft_store::load: " + s.last_error());
    ++loads;
    return *d;
  }
};

// One run: a fault phase of random partitions, crashes and loss while clients propose, then
// everything heals and the cluster must elect a leader and converge within bounded time.
// With `hook`, durable state goes through real stores too (and `voters` fixes the quorum size).
void run_one(uint64_t seed, sim_stats& st, store_hook* hook = nullptr, int voters = 0) {
  std::mt19937_64 pick(seed ^ 0x5eedULL);
  std::uniform_real_distribution<> u(0, 1);
  sim_options o;
  o.seed = seed;
  // Every fourth run is a "churn" run: 5 voters whose leader is cut off or crashed shortly
  // after each election, so uncommitted tails of several terms compete (Raft's Figure 3.7).
  const bool churn = seed % 4 == 3;
  o.voters = voters ? voters : churn || seed % 2 ? 5 : 3;
  o.learners = 1;
  o.late_learners = 1;
  o.drop = u(pick) * 0.2;
  o.dup = u(pick) * 0.1;
  o.reorder = u(pick) * 0.3;
  o.snapshot_every = 8 + static_cast<int>(pick() % 24);
  o.max_append_bytes = size_t{1} << (pick() % 7); // 1..64 bytes: one entry to a dozen per message
  raft_sim s(o, st);
  s.hook = hook;
  s.client_rate = 0.05 + u(pick) * 0.15; // 5..20 proposals per virtual second
  const int n = s.size();
  const int late = n; // the late learner: joins during the fault phase, crashes and restarts like the others
  auto random_node = [&] { return 1 + static_cast<int>(pick() % static_cast<uint64_t>(n)); };
  auto current_leader = [&]() -> int {
    for (int id = 1; id <= n; ++id)
      if (s.up(id) && s.r(id).current_role() == role::leader) return id;
    return random_node();
  };

  // Time between faults: often short (a leader cut off mid-replication leaves partial tails
  // behind), sometimes long enough for check quorum and a re-election to play out.
  auto pause = [&]() -> int64_t {
    auto p = pick() % 20;
    if (p < 10) return 20 + static_cast<int64_t>(pick() % 300);
    if (p < 17) return 300 + static_cast<int64_t>(pick() % 1500);
    return 1500 + static_cast<int64_t>(pick() % 4000);
  };
  // The live leader of the highest term (a deposed one may not know it yet), or 0.
  auto newest_leader = [&]() -> int {
    int best = 0;
    for (int id = 1; id <= n; ++id)
      if (s.up(id) && s.r(id).current_role() == role::leader && (!best || s.r(id).term() > s.r(best).term()))
        best = id;
    return best;
  };
  const int64_t fault_phase = 5000 + static_cast<int64_t>(pick() % 15000);
  const int64_t join_at = static_cast<int64_t>(pick() % static_cast<uint64_t>(fault_phase));
  auto maybe_join = [&] { if (s.now() >= join_at) s.join(late); };
  while (churn && s.now() < fault_phase) {
    int old = newest_leader();
    if (!old) {
      s.heal();
      s.run_until([&] { return newest_leader() != 0; }, 3000);
      continue;
    }
    s.advance(static_cast<int64_t>(pick() % 150)); // let it replicate a little, not everywhere
    if (pick() % 4 == 0) {
      s.crash(old);
    } else {
      std::set<int> side{old}; // the old leader with a random minority
      for (int id = 1; id <= n; ++id) if (pick() % 4 == 0 && side.size() < 2) side.insert(id);
      s.split(side);
    }
    s.run_until([&] { int l = newest_leader(); return l && l != old; }, 4000);
    if (pick() % 3 == 0) s.restart(random_node());
    maybe_join();
    if (pick() % 5 == 0) s.up(late) ? s.crash(late) : s.restart(late);
  }
  while (s.now() < fault_phase) {
    s.advance(pause());
    switch (pick() % 10) {
      case 0: s.heal(); break;
      case 1: s.isolate(current_leader()); break; // the interesting one: depose a leader
      case 2: s.isolate(random_node()); break;
      case 3: { // majority / minority
        std::set<int> side;
        for (int id = 1; id <= n; ++id) if (pick() % 2) side.insert(id);
        s.split(side);
        break;
      }
      case 4: s.ring(); break;
      case 5: s.crash(pick() % 2 ? current_leader() : random_node()); break;
      case 6: for (int id = 1; id <= n; ++id) s.restart(id); break;
      case 7: s.options().drop = u(pick) * 0.2; break;
      case 8: s.restart(random_node()); break; // a no-op unless that node is down
      case 9: s.up(late) ? s.crash(late) : s.restart(late); break; // the late learner (once joined)
      default: break;
    }
    maybe_join();
    if (hook && pick() % 2 == 0) s.crash(random_node()); // store runs: more restarts, each a load() checked
  }

  // Heal: every link up, every node restarted, no more loss (delays, reordering and
  // duplicates stay: they cannot stop progress). Clients stop.
  s.heal();
  s.join(late);
  for (int id = 1; id <= n; ++id) s.restart(id);
  s.options().drop = 0;
  s.client_rate = 0;
  const int64_t bound = 10 * o.election_timeout_ms;
  const int64_t healed_at = s.now();
  if (!s.run_until([&] { return s.agreed_leader().has_value(); }, bound))
    s.fail("liveness: no leader " + std::to_string(bound) + "ms after healing");
  st.max_heal_to_leader_ms = std::max(st.max_heal_to_leader_ms, s.now() - healed_at);
  // One more proposal must commit everywhere (it also commits anything left of earlier terms).
  if (!s.run_until([&] { return s.client_propose().has_value(); }, bound))
    s.fail("liveness: the healed leader refuses proposals");
  if (!s.run_until([&] { return s.converged(); }, bound))
    s.fail("liveness: no convergence " + std::to_string(bound) + "ms after the last proposal");
  s.check_final();
  if (hook) // what every store holds now, through a fresh connection, is exactly the durable copy
    for (int id = 1; id <= n; ++id)
      if (!same_durable(hook->load(id), s.at(id).stored))
        s.fail("final: node " + std::to_string(id) + " store differs from its durable copy");
  if (s.leaders_elected() > 1) ++st.runs_with_reelection;
}

} // namespace

TEST_SUITE("raft") {

TEST_CASE("raft sim: safety after every input, liveness after healing, thousands of seeds") {
  const uint64_t base = env_or("SAMSA_SIM_SEED", 1000);
  const uint64_t count = env_or("SAMSA_SIM_SEEDS", 5000);
  const bool explicit_seeds = std::getenv("SAMSA_SIM_SEEDS") || std::getenv("SAMSA_SIM_SEED");
  sim_stats st;
  std::clock_t start = std::clock();
  for (uint64_t seed = base; seed < base + count; ++seed) {
    try {
      run_one(seed, st);
    } catch (const std::exception& e) {
      FAIL("failing seed " << seed << " (rerun: SAMSA_SIM_SEED=" << seed
                           << " SAMSA_SIM_SEEDS=1): " << std::string(e.what()));
    }
  }
  double cpu = double(std::clock() - start) / CLOCKS_PER_SEC;
  MESSAGE("raft sim: " << st.runs << " runs, " << st.inputs << " inputs, " << cpu << " s CPU; messages "
          << st.sent << " sent, " << st.delivered << " delivered, " << st.dropped << " dropped, "
          << st.duplicated << " duplicated, " << st.reordered << " delayed/reordered, " << st.cut
          << " cut by partitions; " << st.partitions << " partitions, " << st.crashes << " crashes; "
          << st.elections << " elections (" << st.runs_with_reelection << " runs with re-elections, max term "
          << st.max_term << "), " << st.step_downs << " check-quorum step-downs, " << st.prevote_refusals
          << " pre-vote refusals; " << st.proposals << " proposals accepted, " << st.commits
          << " entries committed, " << st.truncations << " conflict truncations; " << st.snapshots_taken
          << " snapshots taken, " << st.snapshots_installed << " installed by followers; worst heal->leader "
          << st.max_heal_to_leader_ms << " ms; late learners: " << st.learner_joins << " joined, "
          << st.late_learner_restarts << " restarts, " << st.hellos_delivered << " hellos delivered, "
          << st.learners_added << " add_learner by voters, " << st.learners_removed << " remove_learner, "
          << st.late_learner_commits << " entries applied, "
          << st.late_learner_snapshots << " snapshots installed");
  // Coverage: the runs must have exercised every mechanism, or passing means nothing.
  if (explicit_seeds && count < 200)
    return; // a single-seed rerun cannot meet the fleet-wide coverage numbers
  CHECK(st.runs == count);
  CHECK(st.elections >= count);
  CHECK(st.runs_with_reelection * 2 >= count);
  CHECK(st.step_downs > count / 10);
  CHECK(st.prevote_refusals > count);
  CHECK(st.commits > count * 30);
  CHECK(st.truncations > count / 20);
  CHECK(st.snapshots_taken > count);
  CHECK(st.snapshots_installed > count / 20);
  CHECK(st.partitions > count);
  CHECK(st.crashes > count);
  CHECK(st.dropped > count * 10);
  CHECK(st.duplicated > count);
  CHECK(st.reordered > count * 10);
  CHECK(st.learner_joins == count);
  CHECK(st.learners_added >= count * 2); // voters restart and learn the learner again
  CHECK(st.late_learner_restarts > count / 2);
  CHECK(st.learners_removed > count / 2); // crashed learners are forgotten, and caught up again after a hello
  CHECK(st.late_learner_commits > count * 20);
  CHECK(st.late_learner_snapshots > count / 20);
}

TEST_CASE("raft sim with real stores: 20 seeds, 3 voters, crash-restarts load from persistence::raft_store") {
  // tmpfs by default (each persist is an fsynced SQLite commit: ~3.5 ms on this machine's disk, ~26 us
  // on tmpfs); SAMSA_SIM_STORE_DIR=/tmp runs the same on disk.
  const char* base = std::getenv("SAMSA_SIM_STORE_DIR");
  std::string where = base ? base : std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
  const uint64_t first = env_or("SAMSA_SIM_STORE_SEED", 7000);
  const uint64_t count = env_or("SAMSA_SIM_STORE_SEEDS", 20);
  sim_stats st;
  uint64_t persists = 0, snapshots = 0, loads = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    samsa::persistence::test::raft_temp_dir dir(where);
    store_hook hook(dir.path);
    try {
      run_one(seed, st, &hook, 3);
    } catch (const std::exception& e) {
      FAIL("failing seed " << seed << " (rerun: SAMSA_SIM_STORE_SEED=" << seed
                           << " SAMSA_SIM_STORE_SEEDS=1): " << std::string(e.what()));
    }
    CHECK(hook.open.size() == 5); // 3 voters + 2 learners, each loaded at the end: one store per node
    persists += hook.persists;
    snapshots += hook.snapshots;
    loads += hook.loads;
  }
  MESSAGE("raft sim with stores under " << where << ": " << st.runs << " runs, " << persists
          << " persist() transactions, " << snapshots << " save_snapshot(), " << loads << " reopen+load checked, "
          << st.crashes << " crashes, " << st.truncations << " truncations, " << st.snapshots_installed
          << " snapshots installed");
  // Coverage: the stores saw every kind of write and many restarts, or passing means little.
  CHECK(persists > count * 50);
  CHECK(snapshots > count);
  CHECK(loads - count * 5 /* the final check of each node */ > count * 3);
  CHECK(st.truncations > 0);
  CHECK(st.snapshots_installed > 0);
}

} // TEST_SUITE("raft")
