// Partition reassignment in the controller's rules (cluster/controller/reassignment.hpp,
// replication_control::alter_reassignments and the completion inside alter_isr), through the real codec
// and image; plus the reassignment state through the metadata codec and the Raft snapshot.
#include <doctest/doctest.h>

#include "cluster/metadata_image_snapshot.hpp"
#include "cluster/replication_control_support.hpp"

namespace {

using ids = std::vector<int32_t>;

reassignment_request move(const std::string& topic, int32_t p, ids replicas) { return {topic, p, std::move(replicas)}; }
reassignment_request cancel(const std::string& topic, int32_t p) { return {topic, p, std::nullopt}; }

// Proposes and commits one request; returns its result.
reassignment_result reassign(harness& h, const reassignment_request& req) {
  auto d = h.ctl.alter_reassignments(h.img(), {req}, h.live());
  REQUIRE(d.results.size() == 1);
  if (!d.changes.records.empty())
    h.commit(d.changes.records);
  return d.results.front();
}

// The leader of (topic id, 0) proposes `isr`; the change commits; returns the decision.
alter_isr_decision alter(harness& h, const std::string& id, ids isr) {
  const auto& p = h.part(id, 0);
  auto d = h.ctl.alter_isr(h.img(), {p.leader, "t", id, 0, p.leader_epoch, p.partition_epoch, std::move(isr)}, h.live());
  REQUIRE(d.refusal == alter_refusal::none);
  if (!d.records.empty())
    h.commit(d.records);
  return d;
}

// Four live brokers and "t" with one partition on [1,2,3], led by 1.
std::string four_brokers(harness& h) {
  h.brokers(4);
  return h.topic("t", {{1, 2, 3}});
}

} // namespace

TEST_CASE("reassignment: the new replica joins, then the target replaces the replicas and the removed leader hands over") {
  harness h;
  auto id = four_brokers(h);
  auto r = reassign(h, move("t", 0, {2, 3, 4}));
  CHECK(r.refusal == reassign_refusal::none);
  auto moving = h.part(id, 0);
  CHECK(moving.replicas == ids{2, 3, 4, 1}); // the target, then the current replicas outside it
  CHECK(moving.adding_replicas == ids{4});
  CHECK(moving.removing_replicas == ids{1});
  CHECK(moving.isr == ids{2, 3, 1});          // assignment order
  CHECK(moving.leader == 1);
  CHECK(moving.leader_epoch == 1);            // the leader is named: its ISR bookkeeping restarts with 4 in it
  CHECK(moving.partition_epoch == 1);
  auto listed = list_reassignments(h.img(), std::nullopt);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].topic == "t");
  CHECK(listed[0].replicas == ids{2, 3, 4, 1});
  CHECK(listed[0].adding == ids{4});
  CHECK(listed[0].removing == ids{1});

  // Node 4 caught up: the leader's AlterPartition completes the move in the same record.
  auto d = alter(h, id, {2, 3, 4, 1});
  REQUIRE(d.records.size() == 1);
  CHECK(d.reassignments.size() == 1);
  REQUIRE(d.elections.size() == 1);
  CHECK(d.elections[0].old_leader == 1);
  CHECK(d.elections[0].new_leader == 2);
  const auto& done = h.part(id, 0);
  CHECK(done.replicas == ids{2, 3, 4});
  CHECK(done.isr == ids{2, 3, 4});
  CHECK(done.leader == 2);
  CHECK(done.leader_epoch == 2);
  CHECK_FALSE(done.reassigning());
  CHECK(d.state == done); // the AlterPartition answer is the partition as committed
  CHECK(list_reassignments(h.img(), std::nullopt).empty());
}

TEST_CASE("reassignment: a leader in the target keeps leading; an ISR without the whole target does not complete") {
  harness h;
  h.brokers(5);
  auto id = h.topic("t", {{1, 2, 3}});
  REQUIRE(reassign(h, move("t", 0, {1, 4, 5})).refusal == reassign_refusal::none);
  CHECK(h.part(id, 0).replicas == ids{1, 4, 5, 2, 3});
  alter(h, id, {1, 4, 2, 3}); // 4 joined, 5 not yet
  CHECK(h.part(id, 0).reassigning());
  CHECK(h.part(id, 0).isr == ids{1, 4, 2, 3});
  auto d = alter(h, id, {1, 4, 5, 2, 3});
  CHECK(d.elections.empty());
  const auto& done = h.part(id, 0);
  CHECK(done.replicas == ids{1, 4, 5});
  CHECK(done.isr == ids{1, 4, 5});
  CHECK(done.leader == 1);
  CHECK(done.leader_epoch == 2); // bumped at the start and at the completion
}

TEST_CASE("reassignment: a shrink or a reorder of in-sync replicas is done at once; the same replicas change nothing") {
  harness h;
  auto id = four_brokers(h);
  auto d = h.ctl.alter_reassignments(h.img(), {move("t", 0, {1, 2, 3})}, h.live());
  CHECK(d.results[0].refusal == reassign_refusal::none);
  CHECK(d.changes.records.empty());

  REQUIRE(reassign(h, move("t", 0, {3, 2, 1})).refusal == reassign_refusal::none);
  CHECK(h.part(id, 0).replicas == ids{3, 2, 1});
  CHECK(h.part(id, 0).isr == ids{3, 2, 1});
  CHECK(h.part(id, 0).leader == 1);
  CHECK_FALSE(h.part(id, 0).reassigning());

  d = h.ctl.alter_reassignments(h.img(), {move("t", 0, {2, 3})}, h.live());
  REQUIRE(d.changes.records.size() == 1); // one record: started and completed together
  h.commit(d.changes.records);
  const auto& p = h.part(id, 0);
  CHECK(p.replicas == ids{2, 3});
  CHECK(p.isr == ids{2, 3});
  CHECK(p.leader == 2); // the first in-sync replica of the target (1 is gone)
  CHECK_FALSE(p.reassigning());
}

TEST_CASE("reassignment: cancel reverts to the original replicas; cancel without one is NO_REASSIGNMENT_IN_PROGRESS") {
  harness h;
  auto id = four_brokers(h);
  auto none = reassign(h, cancel("t", 0));
  CHECK(none.refusal == reassign_refusal::no_reassignment_in_progress);
  REQUIRE(reassign(h, move("t", 0, {2, 3, 4})).refusal == reassign_refusal::none);
  alter(h, id, {2, 4, 1}); // 3 fell out, 4 joined: not complete
  REQUIRE(h.part(id, 0).reassigning());
  auto before = h.part(id, 0).leader_epoch;
  CHECK(reassign(h, cancel("t", 0)).refusal == reassign_refusal::none);
  const auto& p = h.part(id, 0);
  CHECK(p.replicas == ids{2, 3, 1}); // the original members, in the merged list's order (as Kafka)
  CHECK(p.isr == ids{2, 1});
  CHECK(p.leader == 1);
  CHECK(p.leader_epoch == before + 1);
  CHECK_FALSE(p.reassigning());
  CHECK(reassign(h, cancel("t", 0)).refusal == reassign_refusal::no_reassignment_in_progress);
}

TEST_CASE("reassignment: a cancel that would leave no original replica in sync is refused") {
  harness h;
  h.brokers(5);
  auto id = h.topic("t", {{1}});
  REQUIRE(reassign(h, move("t", 0, {4, 5})).refusal == reassign_refusal::none);
  alter(h, id, {4, 1});
  h.fence(1); // 1 leaves the ISR, 4 leads
  REQUIRE(h.part(id, 0).isr == ids{4});
  REQUIRE(h.part(id, 0).leader == 4);
  auto r = reassign(h, cancel("t", 0));
  CHECK(r.refusal == reassign_refusal::invalid_replica_assignment);
  CHECK(r.reason.find("none of its original replicas") != std::string::npos);
}

TEST_CASE("reassignment: a leader fenced during the move hands over inside the merged list; the move still completes") {
  harness h;
  auto id = four_brokers(h);
  REQUIRE(reassign(h, move("t", 0, {2, 3, 4})).refusal == reassign_refusal::none);
  h.fence(1);
  CHECK(h.part(id, 0).leader == 2);
  CHECK(h.part(id, 0).isr == ids{2, 3});
  alter(h, id, {2, 3, 4});
  const auto& p = h.part(id, 0);
  CHECK(p.replicas == ids{2, 3, 4});
  CHECK(p.isr == ids{2, 3, 4});
  CHECK(p.leader == 2);
  CHECK_FALSE(p.reassigning());
}

TEST_CASE("reassignment: a new target during a move starts from the merged list") {
  harness h;
  h.brokers(5);
  auto id = h.topic("t", {{1, 2, 3}});
  REQUIRE(reassign(h, move("t", 0, {2, 3, 4})).refusal == reassign_refusal::none);
  REQUIRE(reassign(h, move("t", 0, {2, 3, 5})).refusal == reassign_refusal::none);
  const auto& p = h.part(id, 0);
  CHECK(p.replicas == ids{2, 3, 5, 4, 1});
  CHECK(p.adding_replicas == ids{5});
  CHECK(p.removing_replicas == ids{4, 1});
}

TEST_CASE("reassignment: invalid requests are refused with Kafka's errors and propose nothing") {
  harness h;
  four_brokers(h);
  auto d = h.ctl.alter_reassignments(h.img(),
                                     {move("nope", 0, {1}), move("t", 7, {1}), move("t", 0, {}), move("t", 0, {2, 2, 3}),
                                      move("t", 0, {2, 3, 9}), move("t", 0, {-1, 2}), move("t", 0, {2, 3, 4})},
                                     h.live());
  REQUIRE(d.results.size() == 7);
  CHECK(d.results[0].refusal == reassign_refusal::unknown_topic_or_partition);
  CHECK(d.results[1].refusal == reassign_refusal::unknown_topic_or_partition);
  CHECK(d.results[2].refusal == reassign_refusal::invalid_replica_assignment);
  CHECK(d.results[3].refusal == reassign_refusal::invalid_replica_assignment);
  CHECK(d.results[4].refusal == reassign_refusal::invalid_replica_assignment);
  CHECK(d.results[4].reason.find("broker 9") != std::string::npos);
  CHECK(d.results[5].refusal == reassign_refusal::invalid_replica_assignment);
  CHECK(d.results[6].refusal == reassign_refusal::none); // the valid one in the same request goes ahead
  CHECK(d.changes.records.size() == 1);
}

TEST_CASE("reassignment: a fenced broker may be a target; it cannot join the ISR until it is unfenced") {
  harness h;
  auto id = four_brokers(h);
  h.fence(4);
  REQUIRE(reassign(h, move("t", 0, {2, 3, 4})).refusal == reassign_refusal::none);
  const auto& p = h.part(id, 0);
  auto a = h.ctl.alter_isr(h.img(), {p.leader, "t", id, 0, p.leader_epoch, p.partition_epoch, {2, 3, 4, 1}}, h.live());
  CHECK(a.refusal == alter_refusal::ineligible_replica);
  CHECK(h.part(id, 0).reassigning());
}

TEST_CASE("reassignment state survives the metadata codec (version 2 only when needed) and the Raft snapshot") {
  harness h;
  auto id = four_brokers(h);
  std::vector<metadata_record> plain{partition_change_record{id, 0, ids{1, 2}, partition_change_record::no_change, {}, {}, {}}};
  CHECK(metadata_codec::encode(plain)[0] == 1); // what version 1 wrote, byte for byte
  REQUIRE(reassign(h, move("t", 0, {2, 3, 4})).refusal == reassign_refusal::none);
  auto d = h.ctl.alter_reassignments(h.img(), {move("t", 0, {2, 4})}, h.live());
  auto bytes = metadata_codec::encode(d.changes.records);
  CHECK(bytes[0] == 2);
  auto back = metadata_codec::decode(bytes);
  REQUIRE(back);
  auto c = std::get<partition_change_record>(back->front());
  CHECK(c.removing_replicas == std::optional<ids>{ids{3, 1}});
  CHECK(c.adding_replicas == std::optional<ids>{ids{}}); // 4 counts as current (Kafka's rule), still not in sync
  // The image with a move in progress round-trips through the portable snapshot.
  metadata_image copy;
  REQUIRE(from_snapshot(to_snapshot(h.img()), copy));
  CHECK(copy == h.img());
  CHECK(copy.partition(id, 0)->adding_replicas == ids{4});
}
