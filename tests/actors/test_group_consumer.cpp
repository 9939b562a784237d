// The native consumer-group client against a broker, on the deterministic test coordinator: virtual time
// drives heartbeats, commits, long polls and rebalances.
#include "actor_fixture.hpp"

#include <set>

#include "actors/group_consumer.hpp"

using namespace samsa;
using samsa::testing::broker_fixture;
using samsa::testing::make_record;

namespace {

struct seen_log {
  std::set<std::pair<int32_t, int64_t>> records; // (partition, offset)
  size_t deliveries = 0;
  std::map<std::string, std::vector<partition_offset>> assignments; // consumer name -> latest assignment
};

caf::behavior sink(caf::event_based_actor* self, std::string name, std::shared_ptr<seen_log> log) {
  return {
    [=](actors::records_atom, const std::string&, int32_t partition, const std::vector<record>& recs) {
      for (auto& r : recs)
        log->records.emplace(partition, r.offset);
      ++log->deliveries;
      return true;
    },
    [=](actors::assigned_atom, const std::vector<partition_offset>& parts) { log->assignments[name] = parts; },
  };
}

void run_for(broker_fixture& fx, int ms) {
  for (int t = 0; t < ms; t += 50) {
    fx.sched.run();
    fx.sched.advance_time(std::chrono::milliseconds(50));
  }
  fx.sched.run();
}

} // namespace

TEST_CASE("native group consumers share partitions, rebalance, and commit what they processed") {
  broker_fixture fx{{"group.initial.rebalance.delay.ms=0"}};
  topic_spec spec;
  spec.name = "gc";
  spec.partitions = 4;
  REQUIRE(fx.ask<topic_description>(create_atom::value, spec));
  produce_request req;
  req.topic = "gc";
  for (int i = 0; i < 200; ++i)
    req.records.push_back(make_record("k" + std::to_string(i), std::to_string(i)));
  REQUIRE(fx.ask<produce_response>(produce_atom::value, req));

  auto log = std::make_shared<seen_log>();
  actors::group_consumer_config cfg;
  cfg.group_id = "natives";
  cfg.topics = {"gc"};
  cfg.assignor = "roundrobin";
  cfg.session_timeout_ms = 6000;
  auto a_sink = fx.sys.spawn(sink, "a", log);
  auto a = fx.sys.spawn(actors::group_consumer, fx.broker, cfg, a_sink);
  run_for(fx, 2000);
  CHECK(log->records.size() == 200); // the only member reads every partition
  REQUIRE(log->assignments.count("a"));
  CHECK(log->assignments["a"].size() == 4);

  // A second member joins: the first learns of the rebalance from its heartbeat and rejoins.
  auto b_sink = fx.sys.spawn(sink, "b", log);
  auto b = fx.sys.spawn(actors::group_consumer, fx.broker, cfg, b_sink);
  run_for(fx, 8000);
  REQUIRE(log->assignments.count("b"));
  auto& pa = log->assignments["a"];
  auto& pb = log->assignments["b"];
  CHECK(pa.size() == 2);
  CHECK(pb.size() == 2);
  std::set<int32_t> all;
  for (auto& p : pa)
    all.insert(p.partition);
  for (auto& p : pb)
    all.insert(p.partition);
  CHECK(all.size() == 4); // every partition to exactly one member

  // New records reach whichever member owns their partition.
  produce_request more;
  more.topic = "gc";
  for (int i = 200; i < 300; ++i)
    more.records.push_back(make_record("k" + std::to_string(i), std::to_string(i)));
  REQUIRE(fx.ask<produce_response>(produce_atom::value, more));
  run_for(fx, 3000);
  CHECK(log->records.size() == 300);

  // Committed offsets reach the log end of every partition.
  auto committed = fx.ask<std::vector<partition_offset>>(groups_atom::value, committed_atom::value,
                                                         std::string{"natives"});
  REQUIRE(committed);
  int64_t total = 0;
  for (auto& c : *committed) {
    auto end = fx.ask<offset_answer>(offsets_atom::value, std::string{"gc"}, c.partition, latest_timestamp);
    REQUIRE(end);
    CHECK(c.offset == end->offset);
    total += c.offset;
  }
  CHECK(committed->size() == 4);
  CHECK(total == 300);

  // Close: both leave; the group ends up empty.
  fx.self->send(a, close_atom::value);
  fx.self->send(b, close_atom::value);
  run_for(fx, 500);
  auto info = fx.ask<group_info>(groups_atom::value, describe_atom::value, std::string{"natives"});
  REQUIRE(info);
  CHECK(info->members.empty());
  CHECK(info->state == "Empty");
  fx.self->send_exit(a_sink, caf::exit_reason::user_shutdown);
  fx.self->send_exit(b_sink, caf::exit_reason::user_shutdown);
  fx.sched.run();
}

namespace {

// A group of two native consumers on a fresh 4-partition topic, stable with two partitions each. The actors
// are killed when the test ends, also when a REQUIRE fails half-way (the actor system's destructor would
// otherwise wait forever for consumers whose heartbeat timers keep them alive).
struct two_member_group {
  broker_fixture& fx;
  actors::group_consumer_config cfg;
  std::shared_ptr<seen_log> log = std::make_shared<seen_log>();
  std::vector<caf::actor> spawned;
  caf::actor a, b;

  two_member_group(broker_fixture& f, actors::group_consumer_config c) : fx(f), cfg(std::move(c)) {
    topic_spec spec;
    spec.name = cfg.topics.front();
    spec.partitions = 4;
    REQUIRE(fx.ask<topic_description>(create_atom::value, spec));
    a = add("a");
    run_for(fx, 2000);
    b = add("b");
    run_for(fx, 8000);
    REQUIRE(log->assignments["a"].size() == 2);
    REQUIRE(log->assignments["b"].size() == 2);
  }

  ~two_member_group() {
    for (auto& x : spawned)
      fx.self->send_exit(x, caf::exit_reason::kill);
    fx.sched.run();
  }

  caf::actor add(const std::string& name) {
    auto s = fx.sys.spawn(sink, name, log);
    auto m = fx.sys.spawn(actors::group_consumer, fx.broker, cfg, s);
    spawned.insert(spawned.end(), {m, s});
    return m;
  }

  group_info describe() {
    auto info = fx.ask<group_info>(groups_atom::value, describe_atom::value, cfg.group_id);
    REQUIRE(info);
    return *info;
  }
  size_t members() { return describe().members.size(); }
};

actors::group_consumer_config group_cfg(std::string group, std::string topic) {
  actors::group_consumer_config cfg;
  cfg.group_id = std::move(group);
  cfg.topics = {std::move(topic)};
  cfg.assignor = "roundrobin";
  cfg.heartbeat_interval_ms = 1000;
  return cfg;
}

} // namespace

// Session expiry in virtual time: the coordinator takes its `now` from the actor clock, the same clock that
// fires its deadline timer, so advancing the test coordinator's clock is enough to expire a member that
// stopped heartbeating (with the wall clock, the session never ran out during a test).
TEST_CASE("a member that stops heartbeating leaves the group after its session timeout, in virtual time") {
  broker_fixture fx{{"group.initial.rebalance.delay.ms=0"}};
  auto cfg = group_cfg("expiring", "expiry");
  cfg.session_timeout_ms = 6000;
  two_member_group g{fx, cfg};
  REQUIRE(g.members() == 2);

  // b dies without leaving (no LeaveGroup): only its session timeout can remove it. Its last heartbeat was
  // at most one heartbeat interval ago, so its session runs out between 5 s and 6 s from now.
  fx.self->send_exit(g.b, caf::exit_reason::kill);
  fx.sched.run();
  run_for(fx, 4000);
  CHECK(g.members() == 2); // not before the session timeout
  CHECK(g.log->assignments["a"].size() == 2);

  run_for(fx, 4000);
  auto info = g.describe();
  CHECK(info.members.size() == 1); // expired: b is gone
  CHECK(info.state == "Stable");
  // The rebalance that followed gave every partition to the remaining member.
  CHECK(g.log->assignments["a"].size() == 4);
}

// The rebalance deadline in virtual time: a member that does not rejoin is dropped when the rebalance timeout
// runs out, well before its (longer) session timeout would remove it.
TEST_CASE("a rebalance completes without a member that does not rejoin once the rebalance timeout runs out") {
  broker_fixture fx{{"group.initial.rebalance.delay.ms=0"}};
  auto cfg = group_cfg("rejoiners", "rejoin");
  cfg.session_timeout_ms = 20000;
  cfg.rebalance_timeout_ms = 3000;
  two_member_group g{fx, cfg};

  // b dies silently and c arrives: the rebalance c starts waits for b to rejoin, which it never does.
  fx.self->send_exit(g.b, caf::exit_reason::kill);
  g.add("c");
  run_for(fx, 2500);
  CHECK(g.members() == 3); // still waiting for b: the rebalance timeout (3 s) has not run out
  CHECK_FALSE(g.log->assignments.count("c"));

  run_for(fx, 3000); // rebalance timeout over; b's 20 s session is far from over
  CHECK(g.members() == 2);
  CHECK(g.log->assignments["a"].size() == 2);
  CHECK(g.log->assignments["c"].size() == 2);
}

TEST_CASE("native group consumer: max_records hands over exactly that many, and close commits exactly them") {
  broker_fixture fx{{"group.initial.rebalance.delay.ms=0"}};
  topic_spec spec;
  spec.name = "limited";
  spec.partitions = 1;
  REQUIRE(fx.ask<topic_description>(create_atom::value, spec));
  produce_request req;
  req.topic = "limited";
  for (int i = 0; i < 10; ++i)
    req.records.push_back(make_record("k", std::to_string(i))); // one batch of 10
  REQUIRE(fx.ask<produce_response>(produce_atom::value, req));
  auto log = std::make_shared<seen_log>();
  actors::group_consumer_config cfg;
  cfg.group_id = "limited-group";
  cfg.topics = {"limited"};
  cfg.max_records = 4;
  auto s = fx.sys.spawn(sink, "a", log);
  auto c = fx.sys.spawn(actors::group_consumer, fx.broker, cfg, s);
  run_for(fx, 3000);
  CHECK(log->records.size() == 4); // the batch of 10 was cut at 4, nothing more fetched
  CHECK(log->records.rbegin()->second == 3);
  fx.self->send(c, close_atom::value);
  run_for(fx, 500);
  auto committed = fx.ask<std::vector<partition_offset>>(groups_atom::value, committed_atom::value,
                                                         std::string{"limited-group"});
  REQUIRE(committed);
  REQUIRE(committed->size() == 1);
  CHECK(committed->front().offset == 4);
  fx.self->send_exit(s, caf::exit_reason::user_shutdown);
  fx.sched.run();
}
