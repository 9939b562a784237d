// A partition leader whose appends fail on its disk asks the controller to move its leadership to another
// in-sync replica (an AlterPartition with an empty ISR; the rule is cluster::replication_control's
// resignation), on the deterministic test coordinator with virtual time: a leader replica of three and a
// stand-in controller that records what it is asked and answers as told. A file size limit (RLIMIT_FSIZE,
// EFBIG, for this process only) stands in for the full disk, as in test_idempotence.cpp.
#include "actor_fixture.hpp"

#include <csignal>

#include <sys/resource.h>

#include <caf/event_based_actor.hpp>

#include "actors/partition_replica.hpp"
#include "messages/cluster_api.hpp"
#include "messages/record_batch.hpp"

using namespace samsa;

namespace {

// What the stand-in controller was asked, and how it answers the next requests.
struct controller_log {
  std::vector<alter_partition_request> requests;
  std::vector<int32_t> lookups; // nodes whose broker the replica looked up (it follows them)
  bool refuse = true; // leader_not_available (no other live in-sync replica), else the move as committed
};

caf::behavior stand_in_controller(caf::event_based_actor*, std::shared_ptr<controller_log> log) {
  return {
    [=](alter_isr_atom, alter_partition_request& req) -> caf::result<alter_partition_reply> {
      log->requests.push_back(req);
      if (log->refuse)
        return make_error(api_errc::leader_not_available, "no other in-sync replica is live");
      return alter_partition_reply{req.leader_epoch + 1, req.partition_epoch + 1, {2, 3}};
    },
    [=](peer_atom, int32_t node) -> caf::result<caf::actor> { // as the node's broker
      log->lookups.push_back(node);
      return make_error(api_errc::leader_not_available, "a stand-in");
    },
  };
}

struct full_disk_fixture {
  std::filesystem::path dir = samsa::testing::fresh_dir("leader-disk");
  samsa::testing::test_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys};
  std::shared_ptr<controller_log> log = std::make_shared<controller_log>();
  caf::actor controller = sys.spawn(stand_in_controller, log);
  partition_actor replica;
  samsa::testing::virtual_clock clock{sched, 50};
  struct rlimit before {};
  void (*old_handler)(int) = SIG_DFL;
  bool limited = false;

  explicit full_disk_fixture(std::vector<int32_t> isr) {
    actors::partition_replica_config pc;
    pc.topic = "t";
    pc.partition = 0;
    pc.dir = dir / "t-0";
    pc.node_id = broker_id_t{1};
    pc.controller = controller.address();
    pc.broker = controller.address();
    pc.leadership.leader = broker_id_t{1};
    pc.leadership.leader_epoch = leader_epoch_t{1};
    pc.leadership.partition_epoch = partition_epoch_t{4};
    pc.leadership.replicas = to_broker_ids({1, 2, 3});
    pc.leadership.isr = to_broker_ids(isr);
    pc.leadership.min_insync_replicas = 1;
    auto r = actors::spawn_partition_replica(sys, pc);
    REQUIRE(r);
    replica = *r;
    sched.run();
  }
  ~full_disk_fixture() {
    lift();
    self->send_exit(replica, caf::exit_reason::user_shutdown);
    self->send_exit(controller, caf::exit_reason::user_shutdown);
    sched.run();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  // acks=1 append of one record: its error code.
  uint8_t append(const std::string& value) {
    auto batch = encode_batch({samsa::testing::make_record(std::nullopt, value)}, 1700000000000);
    auto r = samsa::test::request_and_run<partition_produce_result>(self, sched, replica, append_atom::value, batch,
                                                                    int16_t{1}, int32_t{1000});
    REQUIRE(r);
    return r->error;
  }

  // The segment cannot grow past its size now: every later append fails (EFBIG: storage_error).
  void fill() {
    const auto segment = dir / "t-0" / "00000000000000000000.log";
    REQUIRE(getrlimit(RLIMIT_FSIZE, &before) == 0);
    old_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit = before;
    limit.rlim_cur = static_cast<rlim_t>(std::filesystem::file_size(segment));
    REQUIRE(setrlimit(RLIMIT_FSIZE, &limit) == 0);
    limited = true;
  }
  void lift() {
    if (!limited)
      return;
    setrlimit(RLIMIT_FSIZE, &before);
    std::signal(SIGXFSZ, old_handler);
    limited = false;
  }
};

constexpr auto storage_error = static_cast<uint8_t>(api_errc::storage_error);

} // namespace

TEST_CASE("a leader whose appends fail on the disk asks the controller to move its leadership, again after a pause") {
  full_disk_fixture fx({1, 2, 3});
  REQUIRE(fx.append("a") == 0);
  // An acks=all produce parked for the HW (the followers never fetch here).
  auto parked = fx.self->request(fx.replica, caf::infinite, append_atom::value,
                                 encode_batch({samsa::testing::make_record(std::nullopt, "w")}, 1700000000000), acks_all,
                                 int32_t{30000});
  fx.sched.run();
  REQUIRE(fx.self->mailbox().size() == 0);
  fx.fill();
  CHECK(fx.append("b") == storage_error);
  fx.sched.run();
  REQUIRE(fx.log->requests.size() == 1); // none on the old code: the leader stayed, answering storage errors
  const auto& req = fx.log->requests[0];
  CHECK(req.leader_id == 1);
  CHECK(req.topic == "t");
  CHECK(req.partition == 0);
  CHECK(req.leader_epoch == 1);
  CHECK(req.isr.empty()); // a resignation, not an ISR change
  // Refused (no other in-sync replica live): still the leader, still the storage error; not asked again at
  // once, only after the pause and only at an append that fails again.
  CHECK(fx.append("c") == storage_error);
  CHECK(fx.log->requests.size() == 1);
  fx.clock.advance(1000);
  CHECK(fx.log->requests.size() == 1); // time alone asks nothing (the disk may be fine again)
  CHECK(fx.self->mailbox().size() == 0); // refused: the parked produce still waits
  fx.log->refuse = false;
  CHECK(fx.append("d") == storage_error);
  fx.sched.run();
  REQUIRE(fx.log->requests.size() == 2);
  // The controller answers once the move committed: the replica steps down at once, without waiting for
  // its own image (its node's quorum member may be stalled on the same disk). The parked produce is
  // answered (the producer retries on the new leader), new ones are refused as at any follower.
  uint8_t parked_error = 0;
  parked.receive([&](partition_produce_result& r) { parked_error = r.error; }, [&](caf::error& e) { FAIL(describe(e)); });
  CHECK(parked_error == static_cast<uint8_t>(api_errc::not_leader_or_follower)); // the old code: no answer
  fx.lift();
  CHECK(fx.append("x") == static_cast<uint8_t>(api_errc::not_leader_or_follower));
  CHECK(fx.log->lookups.empty()); // the answer does not name the new leader: nobody to follow yet
  // The image names node 2 for that leader epoch: the replica follows it (looks its broker up).
  partition_leadership moved;
  moved.leader = broker_id_t{2};
  moved.leader_epoch = leader_epoch_t{2};
  moved.partition_epoch = partition_epoch_t{5};
  moved.replicas = to_broker_ids({1, 2, 3});
  moved.isr = to_broker_ids({2, 3});
  moved.min_insync_replicas = 1;
  fx.self->send(caf::actor_cast<actors::partition_replica_actor>(fx.replica), leadership_atom::value, moved);
  fx.sched.run();
  CHECK(fx.log->lookups == std::vector<int32_t>{2});
  CHECK(fx.append("e") == static_cast<uint8_t>(api_errc::not_leader_or_follower));
  fx.clock.advance(5000);
  CHECK(fx.log->requests.size() == 2);
}

TEST_CASE("a leader alone in the ISR keeps its leadership: nobody could take over") {
  full_disk_fixture fx({1});
  REQUIRE(fx.append("a") == 0);
  fx.fill();
  CHECK(fx.append("b") == storage_error);
  fx.sched.run();
  fx.clock.advance(5000);
  CHECK(fx.append("c") == storage_error);
  fx.sched.run();
  CHECK(fx.log->requests.empty());
  // The disk takes appends again: the same leader goes on.
  fx.lift();
  CHECK(fx.append("d") == 0);
}
