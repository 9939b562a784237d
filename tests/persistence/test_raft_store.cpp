// persistence::raft_store on real SQLite files: every field round-trips across a reopen, persist() follows
// the effects order (install, then truncate, then append) in one transaction, compaction and the
// "older snapshot never wins" rule, refused writes change nothing, and random effect sequences agree
// with the in-memory model across random reopens. Also measures persist() calls per second.
#include <doctest/doctest.h>

#include <chrono>
#include <random>

#include "persistence/raft_store_support.hpp"

using namespace samsa;
using namespace samsa::persistence;
using namespace samsa::persistence::test;
using raft::entry_kind;
using raft::log_entry;
using raft::log_index_t;
using raft::node_id_t;
using raft::term_t;

namespace {

log_entry entry(int64_t index, int64_t term, std::string data = {}, entry_kind kind = entry_kind::data) {
  return log_entry{term_t{term}, log_index_t{index}, kind, std::move(data)};
}

raft::effects appending(int64_t from, int64_t to, int64_t term) {
  raft::effects fx;
  for (auto i = from; i <= to; ++i)
    fx.append.push_back(entry(i, term, "e" + std::to_string(i)));
  return fx;
}

// Reopens the file with a fresh connection and loads: what a restarted node sees.
raft::durable_state reload(const std::filesystem::path& db) {
  auto s = open_raft_store(db);
  auto d = s->try_load();
  INFO(s->last_error());
  REQUIRE(d);
  return *d;
}

} // namespace

TEST_CASE("raft_store: a fresh database loads the empty state, every field round-trips across a reopen") {
  raft_temp_dir dir;
  auto db = dir.path / "metadata.db";
  auto store = open_raft_store(db);
  auto fresh = store->load();
  CHECK(store->last_error().empty());
  CHECK(diff(fresh, raft::durable_state{}).empty());

  std::string binary("\0\xff\x01 snapshot \n\0", 14); // NULs and high bytes survive
  raft::effects fx;
  fx.hard = raft::hard_state{term_t{7}, node_id_t{3}};
  fx.install = raft::snapshot{{log_index_t{4}, term_t{6}}, binary};
  fx.append = {entry(5, 6, "", entry_kind::noop), entry(6, 7, binary), entry(7, 7, "")};
  REQUIRE(store->persist(fx) == errc::ok);
  raft::durable_state want;
  apply_persist(want, fx);
  CHECK(diff(store->load(), want) == "");
  store.reset();
  auto back = reload(db);
  CHECK(diff(back, want) == "");
  CHECK(back.hard.voted_for == node_id_t{3});
  CHECK(back.snap.data == binary);
  CHECK(back.entries.at(0).kind == entry_kind::noop);
  CHECK(back.entries.at(1).data == binary);

  // A vote cleared by a new term is stored as "no vote", not as the old one.
  auto again = open_raft_store(db);
  raft::effects next_term;
  next_term.hard = raft::hard_state{term_t{8}, std::nullopt};
  REQUIRE(again->persist(next_term) == errc::ok);
  again.reset();
  CHECK(reload(db).hard == raft::hard_state{term_t{8}, std::nullopt});
}

TEST_CASE("raft_store: persist applies hard, install, truncate_from, append in that order, atomically") {
  raft_temp_dir dir;
  auto db = dir.path / "metadata.db";
  auto store = open_raft_store(db);
  REQUIRE(store->persist(appending(1, 10, 1)) == errc::ok);

  // A follower that receives a snapshot at 4, then a conflicting suffix from index 8 of term 2.
  raft::effects fx;
  fx.hard = raft::hard_state{term_t{2}, node_id_t{1}};
  fx.install = raft::snapshot{{log_index_t{4}, term_t{1}}, "image@4"};
  fx.truncate_from = log_index_t{8};
  fx.append = {entry(8, 2, "new8"), entry(9, 2, "new9")};
  REQUIRE(store->persist(fx) == errc::ok);
  store.reset();
  auto d = reload(db);
  CHECK(d.hard.term == term_t{2});
  CHECK(d.snap.meta.index == log_index_t{4});
  CHECK(d.snap.data == "image@4");
  REQUIRE(d.entries.size() == 5); // 5, 6, 7 kept; 8, 9 replaced; 10 gone
  CHECK(d.entries[0].index == log_index_t{5});
  CHECK(d.entries[2].data == "e7");
  CHECK(d.entries[3].data == "new8");
  CHECK(d.entries[4].index == log_index_t{9});
  CHECK(d.entries[4].term == term_t{2});

  // A snapshot beyond the whole log drops every entry; the next append continues after it.
  store = open_raft_store(db);
  raft::effects far;
  far.install = raft::snapshot{{log_index_t{20}, term_t{3}}, "image@20"};
  far.append = {entry(21, 3, "x")};
  REQUIRE(store->persist(far) == errc::ok);
  auto e = store->load();
  CHECK(e.snap.meta.index == log_index_t{20});
  REQUIRE(e.entries.size() == 1);
  CHECK(e.entries[0].index == log_index_t{21});

  // A write that would leave a gap is refused as a whole: the hard state in the same call is not stored.
  raft::effects gap;
  gap.hard = raft::hard_state{term_t{9}, std::nullopt};
  gap.append = {entry(23, 3, "gap")};
  CHECK(store->persist(gap) == errc::invalid_batch);
  CHECK(store->last_error().find("gap") != std::string::npos);
  raft::effects overwrite = appending(21, 21, 3); // index 21 exists: appending it again is a bug too
  CHECK(store->persist(overwrite) == errc::invalid_batch);
  store.reset();
  auto after = reload(db);
  CHECK(diff(after, e) == "");
  CHECK(after.hard.term == term_t{2});
}

TEST_CASE("raft_store: save_snapshot compacts the log, an older snapshot never replaces a newer one") {
  raft_temp_dir dir;
  auto db = dir.path / "metadata.db";
  auto store = open_raft_store(db);
  REQUIRE(store->persist(appending(1, 10, 1)) == errc::ok);
  REQUIRE(store->save_snapshot(raft::snapshot{{log_index_t{6}, term_t{1}}, "image@6"}) == errc::ok);
  store.reset();
  auto d = reload(db);
  CHECK(d.snap.meta.index == log_index_t{6});
  CHECK(d.snap.data == "image@6");
  REQUIRE(d.entries.size() == 4);
  CHECK(d.entries.front().index == log_index_t{7});

  store = open_raft_store(db);
  CHECK(store->save_snapshot(raft::snapshot{{log_index_t{4}, term_t{1}}, "image@4"}) == errc::ok);
  CHECK(store->save_snapshot(raft::snapshot{{log_index_t{6}, term_t{1}}, "other image@6"}) == errc::ok);
  // Not a snapshot of this log: the stored entry 8 has term 1.
  CHECK(store->save_snapshot(raft::snapshot{{log_index_t{8}, term_t{5}}, "alien"}) == errc::invalid_batch);
  store.reset();
  CHECK(diff(reload(db), d) == "");
}

TEST_CASE("raft_store: open needs the migrated tables, a gap written behind its back fails load") {
  raft_temp_dir dir;
  std::string err;
  CHECK(raft_store::open(dir.path / "bare.db", &err) == nullptr);
  CHECK(err.find("open the metadata store first") != std::string::npos);

  auto db = dir.path / "metadata.db";
  auto store = open_raft_store(db);
  REQUIRE(store->persist(appending(1, 5, 1)) == errc::ok);
  { // a foreign writer removes entry 3
    sqlite::connection raw = sqlite::connection::open(db.string(), &err);
    REQUIRE(raw.exec_script("DELETE FROM raft_log WHERE log_index = 3", &err) == 0);
  }
  CHECK_FALSE(store->try_load());
  auto empty = store->load();
  CHECK(empty.entries.empty());
  CHECK(store->last_error().find("not contiguous") != std::string::npos);
}

// Random valid effects (as the Raft core emits them) and compactions, applied to the store and to the
// model; the store is closed and reopened at random points and must load exactly the model.
TEST_CASE("raft_store: random effect sequences match the in-memory model across random reopens") {
  raft_temp_dir dir;
  auto db = dir.path / "metadata.db";
  std::mt19937_64 rng(4242);
  auto store = open_raft_store(db);
  raft::durable_state model;
  int64_t term = 0;
  size_t reopens = 0, installs = 0, truncations = 0, compactions = 0, stale = 0;
  auto last = [&] { return model.snap.meta.index.value + static_cast<int64_t>(model.entries.size()); };
  auto term_at = [&](int64_t i) {
    return i == model.snap.meta.index.value ? model.snap.meta.term
                                            : model.entries[static_cast<size_t>(i - model.snap.meta.index.value - 1)].term;
  };
  for (int step = 0; step < 400; ++step) {
    if (rng() % 7 == 0) { // compaction by the state machine, sometimes with an older snapshot
      int64_t lo = rng() % 4 == 0 ? 0 : model.snap.meta.index.value + 1;
      if (last() >= lo && last() > 0) {
        int64_t at = std::max<int64_t>(1, lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(last() - lo + 1)));
        raft::snapshot s{{log_index_t{at}, at <= last() && at >= model.snap.meta.index.value ? term_at(at) : term_t{0}},
                         "snap" + std::to_string(step)};
        stale += at <= model.snap.meta.index.value;
        compactions += at > model.snap.meta.index.value;
        REQUIRE(store->save_snapshot(s) == errc::ok);
        apply_snapshot(model, s);
      }
    } else {
      raft::effects fx;
      if (rng() % 3 == 0) {
        term += static_cast<int64_t>(rng() % 2);
        fx.hard = raft::hard_state{term_t{term}, rng() % 2 ? std::optional<node_id_t>{node_id_t{int32_t(rng() % 5)}}
                                                          : std::nullopt};
      }
      raft::durable_state after = model;
      if (rng() % 10 == 0) { // a snapshot from the leader, behind or beyond the log
        int64_t at = last() + static_cast<int64_t>(rng() % 5) - 2;
        if (at > model.snap.meta.index.value) {
          fx.install = raft::snapshot{{log_index_t{at}, term_t{term}}, std::string(rng() % 40, 'i')};
          ++installs;
        }
      }
      apply_persist(after, fx);
      int64_t end = after.snap.meta.index.value + static_cast<int64_t>(after.entries.size());
      if (rng() % 5 == 0 && end > after.snap.meta.index.value) {
        int64_t from = after.snap.meta.index.value + 1
                       + static_cast<int64_t>(rng() % static_cast<uint64_t>(end - after.snap.meta.index.value));
        fx.truncate_from = log_index_t{from};
        end = from - 1;
        ++truncations;
      }
      for (auto n = rng() % 4; n > 0; --n) {
        std::string data(rng() % 20, '\0');
        for (auto& c : data)
          c = static_cast<char>(rng());
        fx.append.push_back(entry(++end, term, data, rng() % 5 == 0 ? entry_kind::noop : entry_kind::data));
      }
      REQUIRE(store->persist(fx) == errc::ok);
      apply_persist(model, fx);
    }
    if (rng() % 10 == 0) {
      store.reset();
      store = open_raft_store(db);
      ++reopens;
    }
    auto loaded = store->try_load();
    REQUIRE(loaded);
    INFO("step " << step);
    REQUIRE(diff(*loaded, model) == "");
  }
  CHECK(reopens > 20);
  CHECK(installs > 10);
  CHECK(truncations > 20);
  CHECK(compactions > 10);
  CHECK(stale > 3);
}

// Not a pass/fail check: prints what one fsynced transaction costs here (see the class comment).
TEST_CASE("raft_store: persist() rate for one-entry appends (disk vs tmpfs)") {
  const int n = std::getenv("SAMSA_RAFT_BENCH_N") ? std::atoi(std::getenv("SAMSA_RAFT_BENCH_N")) : 100;
  for (std::string base : {"/tmp", "/dev/shm"}) {
    if (!std::filesystem::exists(base))
      continue;
    raft_temp_dir dir(base);
    auto store = open_raft_store(dir.path / "metadata.db");
    std::string payload(100, 'x');
    auto start = std::chrono::steady_clock::now();
    for (int i = 1; i <= n; ++i) {
      raft::effects fx;
      fx.append.push_back(entry(i, 1, payload));
      REQUIRE(store->persist(fx) == errc::ok);
    }
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    MESSAGE("raft_store persist(): " << n << " one-entry appends on " << base << ": " << n / took.count()
                                     << " calls/s (" << took.count() * 1e6 / n << " us each)");
    CHECK(store->load().entries.size() == static_cast<size_t>(n));
  }
}
