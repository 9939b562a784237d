// A leader replica's consumer reads around its high watermark, on the deterministic test coordinator: a
// replica of three whose followers never fetch keeps its HW at 0 while acks=1 appends move the log end.
#include "actor_fixture.hpp"

#include "actors/partition_replica.hpp"
#include "messages/record_batch.hpp"

using namespace samsa;

namespace {

struct replica_fixture {
  std::filesystem::path dir = samsa::testing::fresh_dir("replica-reads");
  samsa::testing::test_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys};
  partition_actor replica;

  replica_fixture() {
    actors::partition_replica_config pc;
    pc.topic = "t";
    pc.partition = 0;
    pc.dir = dir / "t-0";
    pc.node_id = broker_id_t{1};
    pc.leadership.leader = broker_id_t{1};
    pc.leadership.leader_epoch = leader_epoch_t{1};
    pc.leadership.replicas = to_broker_ids({1, 2, 3});
    pc.leadership.isr = to_broker_ids({1, 2, 3});
    pc.leadership.min_insync_replicas = 1;
    auto r = actors::spawn_partition_replica(sys, pc);
    REQUIRE(r);
    replica = *r;
    sched.run();
  }
  ~replica_fixture() {
    self->send_exit(replica, caf::exit_reason::user_shutdown);
    sched.run();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  fetch_response fetch(int64_t offset) {
    fetch_request req;
    req.topic = "t";
    req.partition = 0;
    req.offset = offset;
    req.max_bytes = 1 << 20;
    req.max_wait_ms = 0;
    auto r = samsa::test::request_and_run<fetch_response>(self, sched, replica, fetch_atom::value, req);
    REQUIRE(r);
    return *r;
  }
};

} // namespace

TEST_CASE("a fetch between the high watermark and the log end is empty, past the log end out of range") {
  replica_fixture fx;
  for (int i = 0; i < 3; ++i) {
    auto batch = encode_batch({samsa::testing::make_record(std::nullopt, "v" + std::to_string(i))}, 1700000000000);
    auto r = samsa::test::request_and_run<partition_produce_result>(fx.self, fx.sched, fx.replica, append_atom::value,
                                                                    batch, int16_t{1}, int32_t{1000});
    REQUIRE(r);
    REQUIRE(r->error == 0);
  }
  auto at_hw = fx.fetch(0);
  CHECK(at_hw.error == 0);
  CHECK(at_hw.high_watermark == 0); // no follower fetched: nothing is committed
  CHECK(at_hw.records.empty());
  auto inside = fx.fetch(2); // stored, not committed: a consumer that read it from an earlier leader waits here
  CHECK(inside.error == 0);
  CHECK(inside.records.empty());
  auto at_end = fx.fetch(3);
  CHECK(at_end.error == 0);
  auto past = fx.fetch(4);
  CHECK(past.error == static_cast<uint8_t>(api_errc::offset_out_of_range));
}
