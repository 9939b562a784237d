// A follower replica whose leader's broker goes down while a fetch is in flight fetches again after the
// connection backoff, instead of waiting for the fetch's timeout (max wait + 10 s). CAF never answers a
// request whose connection died, so the old follower sat out the timeout: in the leader-pause and
// leader-kill experiments writes (acks=all) stalled until replica.lag.time.max.ms dropped the follower
// from the ISR. Deterministic test coordinator; the "leader brokers" are stand-ins that record fetches and
// never answer, their promises kept alive so that nothing answers for them either (as a lost connection).
#include "actor_fixture.hpp"

#include <caf/event_based_actor.hpp>

#include "actors/partition_replica.hpp"

using namespace samsa;

namespace {

struct fetch_log {
  std::vector<std::string> fetches;             // "leaderN@offset", in arrival order
  std::vector<caf::response_promise> unanswered; // kept: never delivered, never broken
  int lookups = 0;
};

// A leader node's broker that takes replica fetches and never answers them.
caf::behavior silent_leader(caf::event_based_actor* self, std::shared_ptr<fetch_log> log, std::string name) {
  return {
    [=](replica_fetch_atom, const replica_fetch_request& req) -> caf::result<replica_fetch_response> {
      log->fetches.push_back(name + "@" + std::to_string(req.fetch_offset.value));
      auto rp = self->make_response_promise();
      log->unanswered.push_back(rp);
      return caf::delegated<replica_fetch_response>{};
    },
  };
}

// This node's broker: peer lookups answer the current stand-in for the leader's broker.
caf::behavior local_broker(caf::event_based_actor*, std::shared_ptr<fetch_log> log, std::shared_ptr<caf::actor> leader) {
  return {
    [=](peer_atom, int32_t) -> caf::actor {
      ++log->lookups;
      return *leader;
    },
  };
}

} // namespace

TEST_CASE("a follower whose leader's broker goes down mid-fetch fetches again after the backoff, not the timeout") {
  auto dir = samsa::testing::fresh_dir("follower-reconnect");
  samsa::testing::test_system_config cfg;
  caf::actor_system sys{cfg};
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys};
  auto log = std::make_shared<fetch_log>();
  auto leader = std::make_shared<caf::actor>(sys.spawn(silent_leader, log, std::string{"leader1"}));
  auto broker = sys.spawn(local_broker, log, leader);

  actors::partition_replica_config pc;
  pc.topic = "t";
  pc.partition = 0;
  pc.dir = dir / "t-0";
  pc.node_id = broker_id_t{2};
  pc.broker = broker.address();
  pc.leadership.leader = broker_id_t{1};
  pc.leadership.leader_epoch = leader_epoch_t{1};
  pc.leadership.replicas = to_broker_ids({1, 2});
  pc.leadership.isr = to_broker_ids({1, 2});
  pc.leadership.min_insync_replicas = 1;
  auto r = actors::spawn_partition_replica(sys, pc);
  REQUIRE(r);
  sched.run();
  REQUIRE(log->lookups == 1);
  REQUIRE(log->fetches == std::vector<std::string>{"leader1@0"}); // an empty log: no truncation, fetch at 0

  // The leader node's connection dies (its broker's proxy goes down); a new broker stands for it.
  auto first = *leader;
  *leader = sys.spawn(silent_leader, log, std::string{"leader2"});
  self->send_exit(first, caf::exit_reason::kill);
  sched.run();
  CHECK(log->fetches.size() == 1);
  sched.advance_time(std::chrono::seconds(1)); // the connection backoff (500 ms), far below the 10.5 s timeout
  sched.run();
  CHECK(log->lookups == 2);
  CHECK(log->fetches == std::vector<std::string>{"leader1@0", "leader2@0"});

  self->send_exit(*r, caf::exit_reason::user_shutdown);
  self->send_exit(*leader, caf::exit_reason::user_shutdown);
  self->send_exit(broker, caf::exit_reason::user_shutdown);
  sched.run();
  log->unanswered.clear();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
