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

  // Three acks=1 appends of one record each: offsets 0-2, all in the leader's epoch 1.
  void append_three() {
    for (int i = 0; i < 3; ++i) {
      auto batch = encode_batch({samsa::testing::make_record(std::nullopt, "v" + std::to_string(i))}, 1700000000000);
      auto r = samsa::test::request_and_run<partition_produce_result>(self, sched, replica, append_atom::value, batch,
                                                                      int16_t{1}, int32_t{1000});
      REQUIRE(r);
      REQUIRE(r->error == 0);
    }
  }

  fetch_response fetch(int64_t offset, int32_t last_fetched_epoch = -1) {
    fetch_request req;
    req.topic = "t";
    req.partition = 0;
    req.offset = offset;
    req.last_fetched_epoch = last_fetched_epoch;
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
  fx.append_three();
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

TEST_CASE("a consumer's last fetched epoch that the log ends before its offset is answered with the diverging epoch") {
  replica_fixture fx; // leads in epoch 1: its log's epochs are {1 from offset 0} after the appends
  fx.append_three();
  auto same = fx.fetch(3, 1); // epoch 1 ends at the log end, 3: no divergence
  CHECK(same.error == 0);
  CHECK(same.diverging_epoch == -1);
  auto beyond = fx.fetch(5, 1); // the client read up to 5 in epoch 1, which ends at 3 here
  CHECK(beyond.error == 0);
  CHECK(beyond.diverging_epoch == 1);
  CHECK(beyond.diverging_end_offset == 3);
  CHECK(beyond.records.empty());
  auto older = fx.fetch(2, 0); // epoch 0 (an earlier leader's) ends where epoch 1 starts, at 0
  CHECK(older.error == 0);
  CHECK(older.diverging_epoch == 0);
  CHECK(older.diverging_end_offset == 0);
  auto unknown = fx.fetch(2, 4); // an epoch above the leader's: no answer for it
  CHECK(unknown.error == static_cast<uint8_t>(api_errc::offset_out_of_range));
  CHECK(unknown.diverging_epoch == -1);
  auto plain = fx.fetch(5); // without an epoch: past the log end, out of range as before
  CHECK(plain.error == static_cast<uint8_t>(api_errc::offset_out_of_range));
}
