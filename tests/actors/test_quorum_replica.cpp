// The controller quorum shell (actors/quorum_replica) on CAF's test coordinator: three real quorum
// actors in one actor system, wired by hello (no network), virtual time driving elections and timeouts.
// Checks election, replication in order on every member, failover after the leader's actor is killed,
// restart from storage, status answers, proposal errors, the effects order (persist, apply, send), a member
// whose storage refuses writes (a full disk) stalling and going on once it is freed, and log
// compaction on SQLite storage (snapshots taken, restart from one, a wiped member sent one in chunks).
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>

#include "actor_fixture.hpp"
#include "actors/quorum_replica.hpp"
#include "persistence/raft_store_support.hpp"

using namespace samsa;
using namespace samsa::actors;
using samsa::raft::node_id_t;
using std::chrono::milliseconds;

namespace {

constexpr int64_t tick_ms = 20;

quorum_config member_config(int id, const std::vector<int>& ids) {
  quorum_config c;
  c.self = node_id_t{id};
  for (int v : ids)
    c.voters[node_id_t{v}] = voter_address{}; // no address: peers come from hello only
  c.tick_ms = tick_ms;
  c.propose_timeout_ms = 3000;
  return c;
}

struct quorum_fixture {
  testing::test_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  caf::scoped_actor self;
  std::vector<int> ids{1, 2, 3};
  std::map<int, quorum_actor> q;
  std::map<int, std::shared_ptr<quorum_storage>> store;
  std::map<int, std::vector<std::string>> applied; // data entries each member applied, in order
  testing::virtual_clock clock{sched, tick_ms};     // virtual time advanced so far: clock.elapsed_ms
  // Optional: config changes for every member, the storage of a member (re)started without one.
  std::function<void(quorum_config&)> tune;
  std::function<std::shared_ptr<quorum_storage>(int)> open_store;

  explicit quorum_fixture(std::function<void(quorum_config&)> tune_members = {},
                          std::function<std::shared_ptr<quorum_storage>(int)> open_member_store = {})
    : sys(cfg),
      sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
      self(sys),
      tune(std::move(tune_members)),
      open_store(std::move(open_member_store)) {
    for (int id : ids)
      start(id);
    for (int id : ids)
      introduce(id);
  }

  ~quorum_fixture() {
    for (auto& [id, h] : q)
      if (h)
        self->send_exit(h, caf::exit_reason::kill);
    sched.run();
  }

  // (Re)starts member `id` on its storage (kept across restarts, like a disk).
  void start(int id) {
    if (!store[id])
      store[id] = open_store ? open_store(id) : std::make_shared<memory_quorum_storage>();
    REQUIRE(store[id]);
    applied[id].clear();
    // The state machine: the list of applied values; its snapshot is that list, one value per line.
    quorum_state_machine sm;
    sm.apply = [this, id](const raft::log_entry& e) { applied[id].push_back(e.data); };
    sm.take_snapshot = [this, id](raft::log_index_t) {
      std::string out;
      for (auto& v : applied[id])
        out += v + "\n";
      return out;
    };
    sm.install = [this, id](const raft::snapshot& snap) {
      applied[id].clear();
      std::string_view rest = snap.data;
      for (auto nl = rest.find('\n'); nl != std::string_view::npos; nl = rest.find('\n')) {
        applied[id].emplace_back(rest.substr(0, nl));
        rest.remove_prefix(nl + 1);
      }
    };
    auto c = member_config(id, ids);
    if (tune)
      tune(c);
    q[id] = spawn_quorum_replica(sys, c, store[id], sm);
    sched.run();
  }

  // Tells every other live member about `id` and `id` about them (what lookups do over the network).
  void introduce(int id) {
    for (auto& [other, h] : q) {
      if (other == id || !h)
        continue;
      self->send(h, hello_atom::value, id, caf::actor_cast<caf::actor>(q[id]));
      self->send(q[id], hello_atom::value, other, caf::actor_cast<caf::actor>(h));
    }
    sched.run();
  }

  void kill(int id) {
    self->send_exit(q[id], caf::exit_reason::kill);
    q[id] = nullptr;
    sched.run();
  }

  void advance(int64_t ms) { clock.advance(ms); }
  template <class Pred>
  int64_t run_until(Pred pred, int64_t max_ms) { return clock.run_until(pred, max_ms); }

  quorum_status status(int id) {
    auto r = samsa::test::request_and_run<quorum_status>(self, sched, q[id], status_atom::value);
    REQUIRE_MESSAGE(r, sys.render(r.error()));
    return std::move(*r);
  }

  // The live leader, if exactly one member claims to be it; 0 for none, -1 for several.
  int leader() {
    int found = 0;
    for (auto& [id, h] : q) {
      if (!h || status(id).role != "leader")
        continue;
      found = found == 0 ? id : -1;
    }
    return found;
  }

  // The error of a failed proposal, "" for a success (doctest evaluates messages of passing checks too).
  std::string why(const caf::expected<int64_t>& r) { return r ? std::string{} : sys.render(r.error()); }

  // Sends a proposal and lets time pass until it is answered (or max_ms passed: an error).
  caf::expected<int64_t> propose(int id, std::string data, int64_t max_ms = 2000) {
    auto h = self->request(q[id], caf::infinite, propose_atom::value, std::move(data));
    sched.run();
    run_until([&] { return self->mailbox().size() > 0; }, max_ms);
    if (self->mailbox().size() == 0)
      return caf::make_error(caf::sec::request_timeout);
    caf::expected<int64_t> result{caf::sec::runtime_error};
    h.receive([&](int64_t i) { result = i; }, [&](caf::error& e) { result = std::move(e); });
    return result;
  }
};

} // namespace

TEST_CASE("quorum: three members elect one leader, replicate in order, answer status") {
  quorum_fixture f;
  auto took = f.run_until([&] { return f.leader() > 0; }, 5000);
  REQUIRE_MESSAGE(took >= 0, "no single leader after 5 s of virtual time");
  MESSAGE("first election took " << took << " ms of virtual time");
  // Election timeout 1000 ms + jitter below 1000 ms, then a pre-vote and a vote round.
  CHECK(took >= 1000);
  CHECK(took < 2500);
  int l = f.leader();
  auto ls = f.status(l);
  CHECK(ls.node_id == l);
  CHECK(ls.leader == l);
  CHECK(ls.term >= 1);
  CHECK(ls.peers.size() == 2);
  f.advance(200); // heartbeats tell the followers who leads
  for (int id : f.ids) {
    auto s = f.status(id);
    CHECK(s.term == ls.term);
    CHECK(s.leader == l);
    if (id != l)
      CHECK(s.role == "follower");
  }

  std::vector<int64_t> indexes;
  for (std::string v : {"a", "b", "c"}) {
    auto r = f.propose(l, v);
    REQUIRE_MESSAGE(r, f.why(r));
    indexes.push_back(*r);
  }
  CHECK(indexes[0] < indexes[1]);
  CHECK(indexes[1] + 1 == indexes[2]);
  f.advance(300); // followers learn the commit index from the next append
  for (int id : f.ids) {
    CAPTURE(id);
    CHECK(f.applied[id] == std::vector<std::string>{"a", "b", "c"});
    auto s = f.status(id);
    CHECK(s.commit_index == indexes[2]);
    CHECK(s.last_index == indexes[2]);
    CHECK(s.last_applied == indexes[2]);
    // Durable: what the storage holds is the log the member reports.
    auto d = f.store[id]->load();
    REQUIRE(!d.entries.empty());
    CHECK(d.entries.back().index.value == indexes[2]);
    CHECK(d.hard.term.value == ls.term);
  }

  // A follower refuses and names the leader.
  int follower = l == 1 ? 2 : 1;
  auto refused = f.propose(follower, "x");
  REQUIRE_FALSE(refused);
  CHECK(api_code(refused.error()) == api_errc::not_leader);
  CHECK(leader_hint(refused.error()) == l);
  f.advance(300);
  CHECK(f.applied[follower].size() == 3);
}

TEST_CASE("quorum: killing the leader's actor elects another, proposals commit, the old one rejoins") {
  quorum_fixture f;
  REQUIRE(f.run_until([&] { return f.leader() > 0; }, 5000) >= 0);
  int old = f.leader();
  auto old_term = f.status(old).term;
  REQUIRE(f.propose(old, "before"));
  f.advance(300);

  f.kill(old);
  for (int id : f.ids)
    if (id != old)
      CHECK(f.status(id).peers.size() == 1); // the down_msg removed the dead peer at once

  auto took = f.run_until([&] { return f.leader() > 0; }, 6000);
  REQUIRE_MESSAGE(took >= 0, "no new leader within 6 s of virtual time");
  MESSAGE("failover took " << took << " ms of virtual time");
  CHECK(took <= 4000); // leader lease (election timeout + jitter) then pre-vote and vote
  int l = f.leader();
  CHECK(l != old);
  CHECK(f.status(l).term > old_term);
  auto r = f.propose(l, "after");
  REQUIRE_MESSAGE(r, f.why(r));
  f.advance(300);
  for (int id : f.ids)
    if (id != old)
      CHECK(f.applied[id] == std::vector<std::string>{"before", "after"});

  // The old leader restarts on its storage (term, vote, log survive) and catches up.
  f.start(old);
  auto s = f.status(old);
  CHECK(s.term >= old_term);
  CHECK(s.last_index >= 2);
  f.introduce(old);
  REQUIRE(f.run_until([&] { return f.status(old).last_applied == f.status(l).commit_index; }, 3000) >= 0);
  CHECK(f.applied[old] == std::vector<std::string>{"before", "after"});
  CHECK(f.status(old).leader == l);
  CHECK(f.leader() == l);
}

namespace {

// Memory storage whose writes fail while `full` is set, as SQLite's do on a full disk (nothing written).
struct full_disk_storage : memory_quorum_storage {
  bool full = false;
  int refused = 0;
  persistence::errc persist(const raft::effects& fx) override {
    if (full) {
      ++refused;
      return persistence::errc::disk_full;
    }
    return memory_quorum_storage::persist(fx);
  }
};

} // namespace

TEST_CASE("quorum: a member whose disk is full stalls and goes on once it is freed, follower or leader") {
  std::map<int, std::shared_ptr<full_disk_storage>> disks;
  quorum_fixture f({}, [&](int id) {
    auto d = std::make_shared<full_disk_storage>();
    disks[id] = d;
    return d;
  });
  REQUIRE(f.run_until([&] { return f.leader() > 0; }, 5000) >= 0);
  const int l = f.leader();
  const int follower = l == 1 ? 2 : 1;

  // A follower's disk full: the other two commit without it; it stays a member (it answers its status) and,
  // once its disk is freed, catches up. Before, its member stopped for good at the first failed write.
  disks[follower]->full = true;
  for (std::string v : {"a", "b"}) {
    auto r = f.propose(l, v);
    REQUIRE_MESSAGE(r, f.why(r));
  }
  f.advance(500);
  CHECK(disks[follower]->refused > 0);
  CHECK(f.applied[follower].empty());
  CHECK(f.status(follower).node_id == follower);
  disks[follower]->full = false;
  REQUIRE(f.run_until([&] { return f.applied[follower] == std::vector<std::string>{"a", "b"}; }, 3000) >= 0);

  // The leader's disk full: a proposal cannot be made durable there, so it commits nowhere; the others elect a
  // new leader, which commits; freed, the old leader follows it and every member applied the same entries.
  disks[l]->full = true;
  caf::scoped_actor client{f.sys}; // the stalled proposal's answer (an error, later) goes to its own mailbox
  client->request(f.q[l], caf::infinite, propose_atom::value, std::string{"lost"});
  f.sched.run();
  CHECK(disks[l]->refused > 0);
  int next = 0;
  REQUIRE(f.run_until(
            [&] {
              for (int id : f.ids)
                if (id != l && f.status(id).role == "leader")
                  next = id;
              return next != 0;
            },
            6000) >= 0);
  auto r = f.propose(next, "c");
  REQUIRE_MESSAGE(r, f.why(r));
  disks[l]->full = false;
  REQUIRE(f.run_until([&] { return f.status(l).leader == next && f.applied[l] == f.applied[next]; }, 3000) >= 0);
  CHECK(f.applied[next] == std::vector<std::string>{"a", "b", "c"});
  for (int id : f.ids)
    CHECK(f.applied[id] == f.applied[next]);
  CHECK(f.leader() == next);
}

TEST_CASE("quorum: a proposal that cannot commit times out, the quorum's status tells why") {
  quorum_fixture f;
  REQUIRE(f.run_until([&] { return f.leader() > 0; }, 5000) >= 0);
  int l = f.leader();
  for (int id : f.ids)
    if (id != l)
      f.kill(id);
  // No majority: the entry is appended but never committed; the leader steps down after the fetch
  // timeout (check quorum), the proposal fails within its own timeout.
  auto r = f.propose(l, "lonely", 5000);
  REQUIRE_FALSE(r);
  CHECK(api_code(r.error()) == api_errc::request_timed_out);
  auto s = f.status(l);
  CHECK(s.role != "leader");
  CHECK(s.commit_index < s.last_index);
  CHECK(s.peers.empty());
}

namespace {

// Stands in for peers 2 and 3 of member 1: records what member 1 sends, answers nothing by itself.
struct probe_log {
  std::vector<std::pair<int, raft::message>> received; // (probe id, message)
};

caf::behavior probe(caf::event_based_actor*, int id, std::shared_ptr<probe_log> log) {
  return {
    [=](raft_atom, node_id_t, raft::message& m) { log->received.emplace_back(id, std::move(m)); },
    [](hello_atom, int32_t, caf::actor&) {},
  };
}

// Memory storage that runs a check before every persist (the test's order probe).
struct checking_storage : memory_quorum_storage {
  std::function<void(const raft::effects&)> before;
  persistence::errc persist(const raft::effects& fx) override {
    if (before)
      before(fx);
    return memory_quorum_storage::persist(fx);
  }
};

} // namespace

TEST_CASE("quorum: effects order: persist before any send, apply committed before any send") {
  testing::test_system_config cfg;
  caf::actor_system sys{cfg};
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys};
  auto log = std::make_shared<probe_log>();
  std::map<int, caf::actor> probes{{2, sys.spawn(probe, 2, log)}, {3, sys.spawn(probe, 3, log)}};
  // A probe with a message waiting is in the coordinator's job queue: that is what "already sent" means.
  auto sent_already = [&] {
    for (auto& [id, p] : probes) {
      auto* r = dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(p));
      if (std::find(sched.jobs.begin(), sched.jobs.end(), r) != sched.jobs.end())
        return true;
    }
    return false;
  };
  std::vector<std::string> events;
  auto storage = std::make_shared<checking_storage>();
  storage->before = [&](const raft::effects& fx) {
    events.push_back("persist");
    CHECK_MESSAGE(!sent_already(), "a message left before its effects were persisted");
  };
  quorum_state_machine sm;
  sm.apply = [&](const raft::log_entry& e) {
    events.push_back("apply " + e.data);
    CHECK_MESSAGE(!sent_already(), "a message left before the committed entries were applied");
  };
  auto member = spawn_quorum_replica(sys, member_config(1, {1, 2, 3}), storage, sm);
  for (auto& [id, p] : probes)
    self->send(member, hello_atom::value, id, p);
  sched.run();
  auto advance = [&](int64_t ms) {
    for (int64_t t = 0; t < ms; t += tick_ms) {
      sched.advance_time(milliseconds(tick_ms));
      sched.run();
    }
  };
  auto last_to = [&](int probe_id) -> raft::message* {
    for (auto it = log->received.rbegin(); it != log->received.rend(); ++it)
      if (it->first == probe_id)
        return &it->second;
    return nullptr;
  };

  SUBCASE("as candidate and leader") {
    // Election timeout: a pre-vote goes out (nothing to persist: pre-votes change no term).
    advance(2100);
    REQUIRE(last_to(2));
    auto pre = std::get<raft::vote_request>(*last_to(2));
    CHECK(pre.pre_vote);
    CHECK(events.empty());
    // Granted: the candidate raises its term and votes for itself, which must be durable before its vote
    // requests leave.
    self->send(member, raft_atom::value, node_id_t{2}, raft::message{raft::vote_response{pre.term, true, true}});
    sched.run();
    REQUIRE(events.size() == 1);
    CHECK(events[0] == "persist");
    CHECK(storage->load().hard.term == pre.term);
    auto vote = std::get<raft::vote_request>(*last_to(2));
    CHECK_FALSE(vote.pre_vote);
    CHECK(vote.term == pre.term);
    // Elected: the noop is persisted before the appends carrying it leave.
    self->send(member, raft_atom::value, node_id_t{2}, raft::message{raft::vote_response{vote.term, true, false}});
    sched.run();
    REQUIRE(events.size() == 2);
    CHECK(events[1] == "persist");
    auto app = std::get<raft::append_request>(*last_to(3));
    REQUIRE(app.entries.size() == 1);
    CHECK(app.entries[0].kind == raft::entry_kind::noop);
  }

  SUBCASE("as follower") {
    // A leader (probe 2) sends two entries and a commit index covering the first: persist the entries,
    // apply the committed one, and only then acknowledge.
    raft::append_request req{raft::term_t{1}, raft::log_index_t{0}, raft::term_t{0},
                             {raft::log_entry{raft::term_t{1}, raft::log_index_t{1}, raft::entry_kind::data, "x"},
                              raft::log_entry{raft::term_t{1}, raft::log_index_t{2}, raft::entry_kind::data, "y"}},
                             raft::log_index_t{1}};
    self->send(member, raft_atom::value, node_id_t{2}, raft::message{req});
    sched.run();
    CHECK(events == std::vector<std::string>{"persist", "apply x"});
    REQUIRE(last_to(2));
    auto ack = std::get<raft::append_response>(*last_to(2));
    CHECK(ack.success);
    CHECK(ack.index == raft::log_index_t{2});
    CHECK(storage->load().entries.size() == 2);
  }
  self->send_exit(member, caf::exit_reason::kill);
  for (auto& [id, p] : probes)
    self->send_exit(p, caf::exit_reason::kill);
  sched.run();
}

TEST_CASE("quorum: log compaction on SQLite, a restart from the snapshot, a wiped member gets it in chunks") {
  persistence::test::raft_temp_dir dir;
  auto db = [&](int id) { return dir.path / ("node" + std::to_string(id)) / "metadata.db"; };
  auto open = [&](int id) -> std::shared_ptr<quorum_storage> {
    std::filesystem::create_directories(db(id).parent_path());
    std::string err;
    REQUIRE_MESSAGE(persistence::metadata_store::open(db(id), &err), err); // the migrations, as at node start
    auto s = open_sqlite_quorum_storage(db(id), &err);
    REQUIRE_MESSAGE(s, err);
    return s;
  };
  // What a restarted process would read: a fresh connection to the file.
  auto reload = [&](int id) {
    auto d = persistence::test::open_raft_store(db(id))->try_load();
    REQUIRE(d);
    return *d;
  };
  quorum_fixture f(
    [](quorum_config& c) {
      c.snapshot_after_bytes = 40; // five 8-byte values
      c.snapshot_chunk_bytes = 16; // the image of 45 values is 405 bytes: 26 chunks
    },
    open);
  REQUIRE(f.run_until([&] { return f.leader() > 0; }, 5000) >= 0);
  int l = f.leader();
  std::vector<std::string> values;
  auto propose_values = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      values.push_back("value-" + std::to_string(10 + i)); // 8 bytes
      auto r = f.propose(l, values.back());
      REQUIRE_MESSAGE(r, f.why(r));
    }
    f.advance(300);
  };
  propose_values(0, 40);
  for (int id : f.ids) {
    CAPTURE(id);
    CHECK(f.applied[id] == values);
    auto s = f.status(id);
    CHECK(s.snapshots_taken >= 5);
    CHECK(s.snapshot_index > 30);
    // Durable: the snapshot is in SQLite and the entries it covers are gone from the log.
    auto d = reload(id);
    CHECK(d.snap.meta.index.value == s.snapshot_index);
    CHECK(d.snap.data.size() >= 9 * 30);
    if (!d.entries.empty())
      CHECK(d.entries.front().index.value == s.snapshot_index + 1);
    CHECK(static_cast<int64_t>(d.entries.size()) == s.last_index - s.snapshot_index);
  }

  // A restart starts from the stored snapshot (installed into the state machine) and replays what follows.
  int a = l % 3 + 1;
  int b = a % 3 + 1;
  REQUIRE(b != l);
  f.kill(a);
  f.store[a] = nullptr; // reopened from the file
  f.start(a);
  f.introduce(a);
  CHECK(f.status(a).snapshot_index == reload(a).snap.meta.index.value);
  CHECK(f.status(a).snapshots_installed == 0); // its own snapshot, not the leader's
  f.advance(300);
  CHECK(f.applied[a] == values);

  // Wiped: member b loses its whole database and comes back empty while the others moved on; the leader's
  // log no longer starts at 1, so b can only catch up from the leader's snapshot.
  f.kill(b);
  f.store[b] = nullptr;
  std::filesystem::remove_all(db(b).parent_path());
  propose_values(40, 45);
  REQUIRE(f.status(l).snapshot_index > 1);
  f.start(b);
  CHECK(f.status(b).last_index == 0);
  f.introduce(b);
  REQUIRE(f.run_until([&] { return f.applied[b] == values; }, 3000) >= 0);
  auto sb = f.status(b);
  CHECK(sb.snapshots_installed == 1);
  CHECK(sb.commit_index == f.status(l).commit_index);
  auto d = reload(b);
  CHECK(d.snap.meta.index.value == sb.snapshot_index);
  CHECK(d.snap.meta.index.value > 0);
  // And it keeps following: new entries reach it as entries.
  propose_values(45, 47);
  CHECK(f.applied[b] == values);

  // Chunks that announce too much, or do not continue what was received, are dropped; nothing changes.
  auto meta = raft::snapshot_meta{raft::log_index_t{1000}, raft::term_t{f.status(l).term}};
  auto term = raft::term_t{f.status(l).term};
  f.self->send(f.q[b], raft_atom::value, node_id_t{l}, snapshot_chunk{term, meta, int64_t{1} << 40, 0, "x"});
  f.self->send(f.q[b], raft_atom::value, node_id_t{l}, snapshot_chunk{term, meta, 10, 5, "tail!"});
  f.self->send(f.q[b], raft_atom::value, node_id_t{l}, snapshot_chunk{term, meta, 10, 0, "head!"});
  f.self->send(f.q[b], raft_atom::value, node_id_t{l}, snapshot_chunk{term, meta, 10, 7, "gap"});
  f.sched.run();
  f.advance(300);
  CHECK(f.status(b).snapshots_installed == 1);
  CHECK(f.applied[b] == values);
}

TEST_CASE("quorum: a learner (process.roles=broker) joins by hello, follows the log and new leaders, never counts") {
  quorum_fixture f([](quorum_config& c) {
    c.snapshot_after_bytes = 40; // five 8-byte values
    c.snapshot_chunk_bytes = 16;
  });
  REQUIRE(f.run_until([&] { return f.leader() > 0; }, 5000) >= 0);
  int l = f.leader();
  std::vector<std::string> values;
  auto propose_values = [&](int leader, int from, int to) {
    for (int i = from; i < to; ++i) {
      values.push_back("value-" + std::to_string(10 + i));
      auto r = f.propose(leader, values.back());
      REQUIRE_MESSAGE(r, f.why(r));
    }
    f.advance(300);
  };
  propose_values(l, 0, 12);
  REQUIRE(f.status(l).snapshot_index > 1); // compacted: a late learner needs the snapshot

  // Node 4 is not in the voters (member_config(4, {1, 2, 3})): its core is a learner. It says hello to
  // every voter (introduce: what its lookups do over the network), and the leader replicates to it.
  const int learner = 4;
  f.start(learner);
  auto s4 = f.status(learner);
  CHECK_FALSE(s4.voter);
  CHECK(s4.role == "learner");
  f.introduce(learner);
  REQUIRE(f.run_until([&] { return f.applied[learner] == values; }, 3000) >= 0);
  s4 = f.status(learner);
  CHECK(s4.snapshots_installed == 1);
  CHECK(s4.leader == l);
  CHECK(s4.peers.size() == 3);
  for (int id : f.ids) {
    CAPTURE(id);
    auto s = f.status(id);
    CHECK(s.voter);
    CHECK(s.learners == std::vector<int32_t>{learner});
    CHECK(s.peers.size() == 3); // two voters and the learner
  }
  propose_values(l, 12, 14);
  CHECK(f.applied[learner] == values);

  // A learner is never counted: with both other voters gone the leader commits nothing, learner or not.
  int a = l % 3 + 1, b = a % 3 + 1;
  f.kill(a);
  f.kill(b);
  auto refused = f.propose(l, "alone", 3500);
  CHECK_FALSE(refused);
  CHECK(f.status(learner).role == "learner");
  f.start(a);
  f.introduce(a);
  f.start(b);
  f.introduce(b);
  f.advance(300);

  // The leader's actor killed: the voters elect another, the learner follows it (it never campaigns).
  REQUIRE(f.run_until([&] { return f.leader() > 0; }, 8000) >= 0);
  l = f.leader();
  f.kill(l);
  REQUIRE(f.run_until([&] { return f.leader() > 0 && f.leader() != l; }, 8000) >= 0);
  int l2 = f.leader();
  CHECK(l2 != learner);
  propose_values(l2, 14, 16);
  // What committed is a prefix of the learner's applied list (the refused "alone" may have been
  // committed later by the new leader: its outcome was unknown, not a failure).
  REQUIRE(f.run_until([&] { return f.applied[learner] == f.applied[l2]; }, 3000) >= 0);
  CHECK(f.status(learner).leader == l2);
  CHECK(f.status(learner).role == "learner");
  f.start(l);
  f.introduce(l);

  // The learner killed: the quorum does not notice beyond the lost handle; restarted with an empty store it
  // catches up from the snapshot again.
  f.kill(learner);
  propose_values(l2, 16, 18);
  f.store[learner] = nullptr;
  f.start(learner);
  CHECK(f.status(learner).last_index == 0);
  f.introduce(learner);
  REQUIRE(f.run_until([&] { return f.applied[learner] == f.applied[l2]; }, 3000) >= 0);
  CHECK(f.status(learner).snapshots_installed == 1);
  CHECK(f.status(learner).leader == l2);
}
