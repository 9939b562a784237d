// A leader replica on the deterministic test coordinator: a replica of three whose followers never fetch
// keeps its HW at 0 while acks=1 appends move the log end (consumer reads around it); acks=all produces
// parked for that HW across a leader epoch that names the same leader again (a reassignment's).
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

  explicit replica_fixture(std::shared_ptr<cluster::broker_lease> lease = nullptr) {
    actors::partition_replica_config pc;
    pc.lease = std::move(lease);
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

  int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(sched.clock().now().time_since_epoch()).count();
  }

  // An acks=1 append of producer 7's records [seq, seq + n) in epoch 0.
  partition_produce_result append_idempotent(int32_t seq, int n) {
    std::vector<record> recs;
    for (int i = 0; i < n; ++i)
      recs.push_back(samsa::testing::make_record(std::nullopt, "s" + std::to_string(seq + i)));
    auto batch = encode_batch(recs, 1700000000000, 7, 0, seq);
    auto r = samsa::test::request_and_run<partition_produce_result>(self, sched, replica, append_atom::value, batch,
                                                                    int16_t{1}, int32_t{1000});
    REQUIRE(r);
    return *r;
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

  // A follower's replica fetch at its log end `offset`, in leader epoch `epoch`, not parked.
  replica_fetch_response replica_fetch(int32_t follower, int32_t epoch, int64_t offset) {
    replica_fetch_request req;
    req.topic = "t";
    req.partition = 0;
    req.replica_id = broker_id_t{follower};
    req.leader_epoch = leader_epoch_t{epoch};
    req.fetch_offset = offset_t{offset};
    req.max_wait_ms = 0;
    auto r = samsa::test::request_and_run<replica_fetch_response>(
      self, sched, caf::actor_cast<actors::partition_replica_actor>(replica), replica_fetch_atom::value, req);
    REQUIRE(r);
    return *r;
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

TEST_CASE("acks=all produces parked when a leader epoch names the same leader again wait for its HW, not fail") {
  // A reassignment of {1,2,3} to {2,3,4} first adds node 4 with a new leader epoch that names node 1 again.
  // The batch node 1 stored before is still its log, so its producer waits for the commit. Answered
  // NOT_LEADER_OR_FOLLOWER ("not persisted") instead, while the producer's next batch, already sent,
  // succeeds in the new epoch, librdkafka reports the first batch acknowledged without an offset
  // (cluster_reassign saw "moved=4": four records acknowledged with none, read at 1504-1507).
  replica_fixture fx;
  const int64_t pid = 7;
  auto batch = [&](int32_t seq, int n) {
    std::vector<record> recs;
    for (int i = 0; i < n; ++i)
      recs.push_back(samsa::testing::make_record(std::nullopt, "s" + std::to_string(seq + i)));
    return encode_batch(recs, 1700000000000, pid, 0, seq);
  };
  auto first = fx.self->request(fx.replica, caf::infinite, append_atom::value, batch(0, 3), acks_all, int32_t{30000});
  fx.sched.run();
  CHECK(fx.self->mailbox().size() == 0); // parked: no follower has fetched offsets 0-2

  partition_leadership again;
  again.leader = broker_id_t{1};
  again.leader_epoch = leader_epoch_t{2};
  again.partition_epoch = partition_epoch_t{1};
  again.replicas = to_broker_ids({1, 2, 3, 4});
  again.isr = to_broker_ids({1, 2, 3});
  again.min_insync_replicas = 1;
  fx.self->send(caf::actor_cast<actors::partition_replica_actor>(fx.replica), leadership_atom::value, again);
  fx.sched.run();
  CHECK(fx.self->mailbox().size() == 0); // still parked, not failed

  // The producer's next batch, sent before any answer, is appended in epoch 2 behind the first.
  auto second = fx.self->request(fx.replica, caf::infinite, append_atom::value, batch(3, 2), acks_all, int32_t{30000});
  fx.sched.run();
  CHECK(fx.self->mailbox().size() == 0);

  // The ISR members fetch in epoch 2 at the log end: the HW passes both batches, answered with their offsets.
  CHECK(fx.replica_fetch(2, 2, 5).error == 0);
  CHECK(fx.replica_fetch(3, 2, 5).error == 0);
  std::string answers; // "error@base_offset" of each batch
  for (auto* h : {&first, &second})
    h->receive(
      [&](partition_produce_result& r) { answers += std::to_string(r.error) + "@" + std::to_string(r.base_offset) + " "; },
      [&](caf::error& e) { FAIL(describe(e)); });
  CHECK(answers == "0@0 0@3 ");
  // A retry of the first batch (its answer lost) is a duplicate: its original offset, nothing appended.
  auto retry = samsa::test::request_and_run<partition_produce_result>(fx.self, fx.sched, fx.replica, append_atom::value,
                                                                      batch(0, 3), acks_all, int32_t{30000});
  REQUIRE(retry);
  CHECK(retry->error == 0);
  CHECK(retry->base_offset == 0);
  CHECK(fx.fetch(5).high_watermark == 5);
}

TEST_CASE("a leader whose node's lease from the controller lapsed refuses clients with NOT_LEADER_OR_FOLLOWER") {
  // The leader-pause experiment: a leader frozen past its session was replaced; on SIGCONT its image still
  // named it leader for a few ms, librdkafka 2.0.2 (no KIP-320) believed its stale Metadata answer and sent it
  // the next batch, whose earlier sequences the new leader had acknowledged: OUT_OF_ORDER_SEQUENCE from the
  // stale leader, a fatal "sequence desynchronization" for the producer. Without a lease it must not serve.
  const int64_t session_ms = 4000;
  auto lease = std::make_shared<cluster::broker_lease>(session_ms);
  replica_fixture fx(lease);
  const auto not_leader = static_cast<uint8_t>(api_errc::not_leader_or_follower);
  CHECK(fx.append_idempotent(0, 1).error == not_leader); // never renewed: a restarted node holds none yet
  lease->renew(fx.now_ms());
  auto first = fx.append_idempotent(0, 3);
  CHECK(first.error == 0);
  CHECK(first.base_offset == 0);
  CHECK(fx.fetch(0).error == 0);

  // Frozen past the session: no heartbeat answered since.
  fx.sched.advance_time(std::chrono::milliseconds(session_ms));
  fx.sched.run();
  auto stale = fx.append_idempotent(5, 2); // 3-4 went to the new leader meanwhile
  CHECK(stale.error == not_leader);        // not OUT_OF_ORDER_SEQUENCE: the client refreshes its metadata
  CHECK(stale.error_message.find("lease from the controller lapsed") != std::string::npos);
  CHECK(fx.fetch(0).error == not_leader);
  auto offsets = samsa::test::request_and_run<offset_answer>(fx.self, fx.sched, fx.replica, offsets_atom::value,
                                                             int64_t{-1});
  REQUIRE(offsets);
  CHECK(offsets->error == not_leader);

  // A heartbeat answered again (the controller kept it leader): it serves, the sequences continue.
  lease->renew(fx.now_ms());
  auto next = fx.append_idempotent(3, 2);
  CHECK(next.error == 0);
  CHECK(next.base_offset == 3);
  lease->revoke(); // answered "fenced"
  CHECK(fx.append_idempotent(5, 1).error == not_leader);
}
