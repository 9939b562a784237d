// The controller's topic and producer-id rules (cluster/controller/replication_control), applied through
// the real codec and image as the shell does: propose -> commit at the next index -> apply.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "cluster/replication_control_support.hpp"

TEST_CASE("replication_control: a topic is placed on distinct live brokers, preferred leader first, ISR = every replica") {
  harness h;
  h.brokers(3);
  auto d = h.ctl.create_topic(h.img(), {"orders", 6, 3, {{"retention.ms", "1000"}}}, h.ctx("AAAAAAAAAAAAAAAAAAAAAA"));
  REQUIRE(d.refusal == topic_refusal::none);
  h.commit(d.records);
  auto t = h.img().topic_by_name("orders");
  REQUIRE(t != nullptr);
  CHECK(t->topic_id == "AAAAAAAAAAAAAAAAAAAAAA");
  REQUIRE(t->partitions.size() == 6);
  std::map<int32_t, int> leaders;
  for (auto& p : t->partitions) {
    CHECK(std::set<int32_t>(p.replicas.begin(), p.replicas.end()).size() == 3);
    CHECK(p.isr == p.replicas);
    CHECK(p.leader == p.replicas.front());
    CHECK(p.leader_epoch == 0);
    ++leaders[p.leader];
  }
  CHECK(leaders == std::map<int32_t, int>{{1, 2}, {2, 2}, {3, 2}}); // leaders spread evenly
  auto cfg = h.img().configs(config_resource::topic, "orders");
  REQUIRE(cfg != nullptr);
  CHECK(cfg->at("retention.ms") == "1000");
}

TEST_CASE("replication_control: defaults come from the context, refusals name the problem") {
  harness h;
  h.brokers(2);
  auto d = h.ctl.create_topic(h.img(), {"t", -1, -1, {}}, h.ctx("BBBBBBBBBBBBBBBBBBBBBB"));
  REQUIRE(d.refusal == topic_refusal::none);
  h.commit(d.records);
  CHECK(h.img().topic_by_name("t")->partitions.size() == 3);
  CHECK(h.img().topic_by_name("t")->partitions[0].replicas.size() == 1);

  auto rf = h.ctl.create_topic(h.img(), {"u", 1, 3, {}}, h.ctx("CCCCCCCCCCCCCCCCCCCCCC"));
  CHECK(rf.refusal == topic_refusal::invalid_replication_factor);
  CHECK(rf.reason == "replication factor 3 larger than available brokers: 2");
  CHECK(rf.records.empty());
  CHECK(h.ctl.create_topic(h.img(), {"t", 1, 1, {}}, h.ctx("DDDDDDDDDDDDDDDDDDDDDD")).refusal == topic_refusal::topic_exists);
  CHECK(h.ctl.create_topic(h.img(), {"bad/name", 1, 1, {}}, h.ctx("EEEEEEEEEEEEEEEEEEEEEE")).refusal
        == topic_refusal::invalid_topic);
  CHECK(h.ctl.create_topic(h.img(), {"v", 0, 1, {}}, h.ctx("FFFFFFFFFFFFFFFFFFFFFF")).refusal
        == topic_refusal::invalid_partitions);
  CHECK(h.ctl.create_topic(h.img(), {"v", 1, 1, {{"retention.ms", "soon"}}}, h.ctx("GGGGGGGGGGGGGGGGGGGGGG")).refusal
        == topic_refusal::invalid_config);
  CHECK(h.ctl.create_topic(h.img(), {"v", 1, 0, {}}, h.ctx("HHHHHHHHHHHHHHHHHHHHHH")).refusal
        == topic_refusal::invalid_replication_factor);
}

TEST_CASE("replication_control: fenced brokers get no replicas") {
  harness h;
  h.brokers(3);
  h.commit({fence_broker_record{2, h.img().broker(2)->broker_epoch}});
  auto d = h.ctl.create_topic(h.img(), {"t", 4, 2, {}}, h.ctx("AAAAAAAAAAAAAAAAAAAAAA"));
  REQUIRE(d.refusal == topic_refusal::none);
  h.commit(d.records);
  for (auto& p : h.img().topic_by_name("t")->partitions)
    CHECK(std::find(p.replicas.begin(), p.replicas.end(), 2) == p.replicas.end());
  CHECK(h.ctl.create_topic(h.img(), {"u", 1, 3, {}}, h.ctx("BBBBBBBBBBBBBBBBBBBBBB")).refusal
        == topic_refusal::invalid_replication_factor);
  // Nor does one whose fence is in flight (the shell passes cluster_control::unfenced_brokers).
  auto ctx = h.ctx("CCCCCCCCCCCCCCCCCCCCCC");
  ctx.live = std::set<int32_t>{3};
  auto one = h.ctl.create_topic(h.img(), {"v", 2, 1, {}}, ctx);
  REQUIRE(one.refusal == topic_refusal::none);
  h.commit(one.records);
  for (auto& p : h.img().topic_by_name("v")->partitions)
    CHECK(p.replicas == std::vector<int32_t>{3});
}

TEST_CASE("replication_control: a name in flight is not created twice, a failed proposal frees it") {
  harness h;
  h.brokers(1);
  auto first = h.ctl.create_topic(h.img(), {"t", 1, 1, {}}, h.ctx("AAAAAAAAAAAAAAAAAAAAAA"));
  REQUIRE(first.refusal == topic_refusal::none);
  CHECK(h.ctl.create_topic(h.img(), {"t", 1, 1, {}}, h.ctx("BBBBBBBBBBBBBBBBBBBBBB")).refusal
        == topic_refusal::topic_exists);
  h.ctl.proposal_failed(first.records);
  auto again = h.ctl.create_topic(h.img(), {"t", 1, 1, {}}, h.ctx("CCCCCCCCCCCCCCCCCCCCCC"));
  REQUIRE(again.refusal == topic_refusal::none);
  h.commit(again.records);
  CHECK(h.img().topic_by_name("t")->topic_id == "CCCCCCCCCCCCCCCCCCCCCC");
}

TEST_CASE("replication_control: the internal offsets topic cannot be deleted") {
  harness h;
  h.brokers(1);
  h.commit(h.ctl.create_topic(h.img(), {"__consumer_offsets", 2, 1, {}}, h.ctx("AAAAAAAAAAAAAAAAAAAAAA")).records);
  auto d = h.ctl.delete_topic(h.img(), "__consumer_offsets");
  CHECK(d.refusal == topic_refusal::invalid_topic);
  CHECK(d.records.empty());
  CHECK(h.img().topic_by_name("__consumer_offsets") != nullptr);
}

TEST_CASE("replication_control: delete removes the topic and its overrides once, unknown names are refused") {
  harness h;
  h.brokers(1);
  h.commit(h.ctl.create_topic(h.img(), {"t", 2, 1, {{"retention.ms", "5"}}}, h.ctx("AAAAAAAAAAAAAAAAAAAAAA")).records);
  auto d = h.ctl.delete_topic(h.img(), "t");
  REQUIRE(d.refusal == topic_refusal::none);
  CHECK(h.ctl.delete_topic(h.img(), "t").refusal == topic_refusal::unknown_topic); // in flight
  h.commit(d.records);
  CHECK(h.img().topic_by_name("t") == nullptr);
  CHECK(h.img().configs(config_resource::topic, "t") == nullptr);
  CHECK(h.ctl.delete_topic(h.img(), "t").refusal == topic_refusal::unknown_topic);
  // The name can be used again, with a new id.
  auto re = h.ctl.create_topic(h.img(), {"t", 1, 1, {}}, h.ctx("BBBBBBBBBBBBBBBBBBBBBB"));
  REQUIRE(re.refusal == topic_refusal::none);
}

TEST_CASE("replication_control: producer-id blocks never overlap, also when proposed before either commits") {
  harness h;
  h.brokers(2);
  auto a = h.ctl.allocate_producer_ids(h.img(), 1, h.img().broker(1)->broker_epoch);
  auto b = h.ctl.allocate_producer_ids(h.img(), 2, h.img().broker(2)->broker_epoch);
  CHECK(a.first == 0);
  CHECK(b.first == producer_id_block);
  h.commit(a.records);
  h.commit(b.records);
  CHECK(h.img().next_producer_id() == 2 * producer_id_block);
  // A new active controller (reset) starts from the image.
  h.ctl.reset();
  auto c = h.ctl.allocate_producer_ids(h.img(), 1, h.img().broker(1)->broker_epoch);
  CHECK(c.first == 2 * producer_id_block);
}

// -- partition leadership ------------------------------------------------------------------------------------

TEST_CASE("elections: a fenced leader's partitions go to the next in-sync replica in assignment order") {
  harness h;
  h.brokers(3);
  auto id = h.topic("t", {{1, 2, 3}, {2, 3, 1}, {3, 1, 2}});
  auto es = h.fence(2);
  // Partition 1 was led by 2: the next replica in assignment order that is in sync and live leads.
  CHECK(h.part(id, 1).leader == 3);
  CHECK(h.part(id, 1).leader_epoch == 1);
  CHECK(h.part(id, 1).partition_epoch == 1);
  CHECK(h.part(id, 1).isr == std::vector<int32_t>{3, 1});
  // Partitions 0 and 2 only lose 2 from their ISR: same leader, same leader epoch, new partition epoch.
  for (int32_t p : {0, 2}) {
    CHECK(h.part(id, p).leader == (p == 0 ? 1 : 3));
    CHECK(h.part(id, p).leader_epoch == 0);
    CHECK(h.part(id, p).partition_epoch == 1);
  }
  CHECK(h.part(id, 0).isr == std::vector<int32_t>{1, 3});
  CHECK(h.part(id, 2).isr == std::vector<int32_t>{3, 1});
  REQUIRE(es.size() == 1);
  CHECK(es[0].topic == "t");
  CHECK(es[0].partition == 1);
  CHECK(es[0].old_leader == 2);
  CHECK(es[0].new_leader == 3);
  CHECK(es[0].leader_epoch == 1);
  CHECK_FALSE(es[0].unclean);
  // The returning broker gets no leadership back by unfencing: it is not in sync any more.
  CHECK(h.unfence(2).empty());
  CHECK(h.part(id, 1).leader == 3);
  CHECK(h.part(id, 1).isr == std::vector<int32_t>{3, 1});
}

TEST_CASE("elections: the last in-sync replica stays in the ISR, the partition goes offline, and returns with it") {
  harness h;
  h.brokers(3);
  auto id = h.topic("t", {{1, 2}});
  h.fence(2);
  CHECK(h.part(id, 0).isr == std::vector<int32_t>{1});
  auto es = h.fence(1);
  CHECK(h.part(id, 0).leader == -1);
  CHECK(h.part(id, 0).isr == std::vector<int32_t>{1}); // not [] : 1 may hold acknowledged writes 2 lacks
  CHECK(h.part(id, 0).leader_epoch == 1);
  REQUIRE(es.size() == 1);
  CHECK(es[0].new_leader == -1);
  // 2 comes back first: it is not in the ISR, so with clean elections the partition stays offline.
  CHECK(h.unfence(2).empty());
  CHECK(h.part(id, 0).leader == -1);
  // 1 comes back: it leads again, with a new leader epoch.
  es = h.unfence(1);
  CHECK(h.part(id, 0).leader == 1);
  CHECK(h.part(id, 0).leader_epoch == 2);
  CHECK(h.part(id, 0).isr == std::vector<int32_t>{1});
  REQUIRE(es.size() == 1);
  CHECK(es[0].old_leader == -1);
  CHECK(es[0].new_leader == 1);
}

TEST_CASE("elections: unclean.leader.election.enable elects a live replica outside the ISR") {
  SUBCASE("the broker default, at the fence") {
    harness h;
    h.ctl = replication_control{true};
    h.brokers(3);
    auto id = h.topic("t", {{1, 2, 3}});
    h.fence(2); // ISR [1,3]
    h.fence(3); // ISR [1]
    h.unfence(2);
    h.unfence(3); // 2 and 3 live, not in sync
    auto es = h.fence(1);
    CHECK(h.part(id, 0).leader == 2);
    CHECK(h.part(id, 0).isr == std::vector<int32_t>{2});
    REQUIRE(es.size() == 1);
    CHECK(es[0].unclean);
    CHECK(es[0].old_leader == 1);
    CHECK(es[0].new_leader == 2);
  }
  SUBCASE("a topic override, at the unfence of a replica outside the ISR") {
    harness h;
    h.brokers(2);
    auto clean = h.topic("clean", {{1, 2}});
    auto dirty = h.topic("dirty", {{1, 2}}, {{"unclean.leader.election.enable", "true"}});
    h.fence(2);
    h.fence(1); // both offline, ISR [1]
    auto es = h.unfence(2);
    CHECK(h.part(clean, 0).leader == -1);
    CHECK(h.part(dirty, 0).leader == 2);
    CHECK(h.part(dirty, 0).isr == std::vector<int32_t>{2});
    REQUIRE(es.size() == 1);
    CHECK(es[0].topic == "dirty");
    CHECK(es[0].unclean);
  }
  SUBCASE("a topic override that turns it off wins over the broker's") {
    harness h;
    h.ctl = replication_control{true};
    h.brokers(2);
    auto id = h.topic("t", {{1, 2}}, {{"unclean.leader.election.enable", "false"}});
    h.fence(2);
    h.unfence(2);
    h.fence(1);
    CHECK(h.part(id, 0).leader == -1);
    CHECK(h.part(id, 0).isr == std::vector<int32_t>{1});
  }
}

TEST_CASE("elections: fences in one batch build on each other; a new incarnation of a live node counts as its fence") {
  harness h;
  auto id = h.three_replicas();
  h.membership({fence_broker_record{1, h.img().broker(1)->broker_epoch},
                fence_broker_record{2, h.img().broker(2)->broker_epoch}});
  CHECK(h.part(id, 0).leader == 3);
  CHECK(h.part(id, 0).isr == std::vector<int32_t>{3});
  CHECK(h.part(id, 0).leader_epoch == 1); // one leader change: 1 -> 3, not 1 -> 2 -> 3
  CHECK(h.part(id, 0).partition_epoch == 2);
  // Node 3 restarts before anyone noticed: its new registration replaces a live one.
  auto es = h.membership({register_broker_record{3, "inc3-again", -1, {{"PLAINTEXT", "h", 9092}}, "", true}});
  CHECK(h.img().broker(3)->fenced);
  CHECK(h.part(id, 0).leader == -1);
  CHECK(h.part(id, 0).isr == std::vector<int32_t>{3});
  REQUIRE(es.size() == 1);
  CHECK(es[0].new_leader == -1);
  // The same incarnation registering again changes nothing (no record reaches elections_for then), and a
  // registration of a fenced node moves nothing either.
  CHECK(h.ctl.elections_for(h.img(), {register_broker_record{1, "inc1-again", -1, {}, "", true}}, h.live()).records.empty());
}

TEST_CASE("elections: the preferred replica gets leadership back once it is live and in sync") {
  harness h;
  auto id = h.three_replicas();
  h.fence(1);
  h.unfence(1);
  CHECK(h.part(id, 0).leader == 2);
  CHECK(h.ctl.preferred_leaders(h.img(), h.live()).records.empty()); // 1 is not in the ISR
  auto a = h.ctl.alter_isr(h.img(), {2, "t", id, 0, 1, 1, {1, 2, 3}}, h.live());
  REQUIRE(a.refusal == alter_refusal::none);
  h.commit(a.records);
  CHECK(h.part(id, 0).isr == std::vector<int32_t>{1, 2, 3});
  auto d = h.ctl.preferred_leaders(h.img(), h.live());
  REQUIRE(d.records.size() == 1);
  h.commit(d.records);
  CHECK(h.part(id, 0).leader == 1);
  CHECK(h.part(id, 0).leader_epoch == 2);
  CHECK(h.part(id, 0).isr == std::vector<int32_t>{1, 2, 3});
  CHECK(h.ctl.preferred_leaders(h.img(), h.live()).records.empty());
  // Not to a fenced preferred replica (its fence in flight: not in the live set).
  auto live = h.live();
  live.erase(1);
  h.commit(h.ctl.elections_for(h.img(), {fence_broker_record{1, h.img().broker(1)->broker_epoch}}, h.live()).records);
  CHECK(h.ctl.preferred_leaders(h.img(), live).records.empty());
}

// -- AlterPartition ---------------------------------------------------------------------------------------------

TEST_CASE("alter_isr: a valid shrink and expand commit with a new partition epoch; repeats are idempotent") {
  harness h;
  auto id = h.three_replicas();
  auto shrink = h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 0, {1, 3}}, h.live());
  REQUIRE(shrink.refusal == alter_refusal::none);
  CHECK_FALSE(shrink.committed);
  CHECK(shrink.topic_id == id);
  CHECK(shrink.state.isr == std::vector<int32_t>{1, 3});
  CHECK(shrink.state.partition_epoch == 1);
  CHECK(shrink.state.leader_epoch == 0);
  REQUIRE(shrink.records.size() == 1);
  // Sent again before the commit: the same outcome, to be answered when it commits, no second record.
  auto again = h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 0, {1, 3}}, h.live());
  REQUIRE(again.refusal == alter_refusal::none);
  CHECK(again.records.empty());
  CHECK_FALSE(again.committed);
  CHECK(again.state == shrink.state);
  h.commit(shrink.records);
  CHECK(h.part(id, 0) == shrink.state);
  // ... and after it: answered at once with the committed partition.
  auto late = h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 0, {3, 1}}, h.live());
  REQUIRE(late.refusal == alter_refusal::none);
  CHECK(late.committed);
  CHECK(late.records.empty());
  CHECK(late.state == shrink.state);
  // Expand back, in any order: stored in assignment order.
  auto expand = h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 1, {3, 2, 1}}, h.live());
  REQUIRE(expand.refusal == alter_refusal::none);
  h.commit(expand.records);
  CHECK(h.part(id, 0).isr == std::vector<int32_t>{1, 2, 3});
  CHECK(h.part(id, 0).partition_epoch == 2);
  // The stale shrink again: the partition moved on, so it is refused as a stale version.
  CHECK(h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 0, {1, 3}}, h.live()).refusal == alter_refusal::invalid_update_version);
}

TEST_CASE("alter_isr: every refusal") {
  harness h;
  auto id = h.three_replicas();
  h.fence(3);   // ISR [1,2], partition epoch 1
  auto live = h.live();
  auto refusal = [&](alter_isr_request r) { return h.ctl.alter_isr(h.img(), r, live).refusal; };
  CHECK(refusal({1, "nope", "", 0, 0, 1, {1}}) == alter_refusal::unknown_topic_or_partition);
  CHECK(refusal({1, "t", "WRONGIDWRONGIDWRONGID0", 0, 0, 1, {1}}) == alter_refusal::unknown_topic_or_partition);
  CHECK(refusal({1, "t", id, 7, 0, 1, {1}}) == alter_refusal::unknown_topic_or_partition);
  CHECK(refusal({1, "t", "", 0, 1, 1, {1}}) == alter_refusal::not_leader_or_follower); // newer leader epoch
  CHECK(refusal({2, "t", id, 0, 0, 1, {2}}) == alter_refusal::not_leader_or_follower); // not the leader
  CHECK(refusal({1, "t", id, 0, 0, 0, {1}}) == alter_refusal::invalid_update_version); // stale partition epoch
  CHECK(refusal({1, "t", id, 0, 0, 2, {1}}) == alter_refusal::invalid_update_version); // future partition epoch
  CHECK(refusal({1, "t", id, 0, 0, 1, {}}) == alter_refusal::invalid_request);
  CHECK(refusal({1, "t", id, 0, 0, 1, {2}}) == alter_refusal::invalid_request);        // without the leader
  CHECK(refusal({1, "t", id, 0, 0, 1, {1, 1}}) == alter_refusal::invalid_request);     // duplicates
  CHECK(refusal({1, "t", id, 0, 0, 1, {1, 4}}) == alter_refusal::invalid_request);     // not a replica
  CHECK(refusal({1, "t", id, 0, 0, 1, {1, 2, 3}}) == alter_refusal::ineligible_replica); // 3 is fenced
  auto r = h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 1, {1, 2, 3}}, live);
  CHECK(r.reason.find("replica 3") != std::string::npos);
  CHECK(r.records.empty());
  // A member that stays need not be live (only additions are checked): 2's fence is in flight.
  auto without2 = live;
  without2.erase(2);
  CHECK(h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 1, {1}}, without2).refusal == alter_refusal::none);
  // A leader epoch older than the partition's (after an election).
  h.fence(1); // 2 leads, leader epoch 1
  CHECK(refusal({1, "t", id, 0, 0, 2, {1, 2}}) == alter_refusal::fenced_leader_epoch);
}

TEST_CASE("alter_isr: decisions build on the changes in flight; a failed proposal is forgotten") {
  harness h;
  auto id = h.three_replicas();
  auto shrink = h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 0, {1, 2}}, h.live());
  REQUIRE(shrink.refusal == alter_refusal::none);
  // 2 is fenced before the shrink committed: the election builds on the ISR [1,2] in flight.
  auto f = h.ctl.elections_for(h.img(), {fence_broker_record{2, h.img().broker(2)->broker_epoch}}, h.live());
  REQUIRE(f.records.size() == 1);
  CHECK(h.ctl.partition(h.img(), id, 0)->isr == std::vector<int32_t>{1});
  CHECK(h.ctl.partition(h.img(), id, 0)->partition_epoch == 2);
  h.commit(shrink.records);
  h.commit(f.records);
  CHECK(h.part(id, 0).isr == std::vector<int32_t>{1});
  CHECK(h.part(id, 0).partition_epoch == 2);
  // A proposal that fails: the next decision starts from the image again.
  auto lost = h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 2, {1, 3}}, h.live());
  REQUIRE(lost.refusal == alter_refusal::none);
  CHECK(h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 2, {1, 3}}, h.live()).records.empty()); // in flight
  h.ctl.proposal_failed(lost.records);
  CHECK(h.ctl.partition(h.img(), id, 0)->partition_epoch == 2);
  auto retry = h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 2, {1, 3}}, h.live());
  CHECK(retry.records.size() == 1);
}

TEST_CASE("controlled shutdown: leaderships and shared ISR places move off the node, then it may stop") {
  harness h;
  h.brokers(3);
  auto three = h.topic("t", {{1, 2, 3}, {2, 1, 3}});
  auto one = h.topic("solo", {{1}});
  CHECK_FALSE(replication_control::may_stop(h.img(), 1));
  CHECK(replication_control::may_stop(h.img(), 4)); // no partition at all
  auto live = h.live();
  live.erase(1); // cluster_control leaves a broker shutting down out of the live set
  auto d = h.ctl.controlled_shutdown(h.img(), 1, live);
  REQUIRE(d.records.size() == 3);
  CHECK(h.ctl.controlled_shutdown(h.img(), 1, live).records.empty()); // asked again while in flight: nothing more
  CHECK_FALSE(replication_control::may_stop(h.img(), 1));            // not committed yet
  h.commit(d.records);
  CHECK(h.part(three, 0).leader == 2);
  CHECK(h.part(three, 0).isr == std::vector<int32_t>{2, 3});
  CHECK(h.part(three, 1).leader == 2);
  CHECK(h.part(three, 1).leader_epoch == 0);
  CHECK(h.part(three, 1).isr == std::vector<int32_t>{2, 3});
  CHECK(h.part(one, 0).leader == -1);                  // nowhere to go: offline, its ISR kept
  CHECK(h.part(one, 0).isr == std::vector<int32_t>{1});
  CHECK(replication_control::may_stop(h.img(), 1));
  CHECK_FALSE(replication_control::may_stop(h.img(), 2));
}

TEST_CASE("resign: a leader whose disk failed hands leadership to the next in-sync replica and leaves the ISR") {
  harness h;
  auto id = h.three_replicas(); // [1,2,3], 1 leads, leader epoch 0
  alter_isr_request req{1, "t", id, 0, 0, 0, {}, true};
  auto d = h.ctl.alter_isr(h.img(), req, h.live());
  REQUIRE(d.refusal == alter_refusal::none);
  CHECK_FALSE(d.committed);
  REQUIRE(d.records.size() == 1);
  CHECK(d.state.leader == 2);
  CHECK(d.state.leader_epoch == 1); // followers truncate by the new epoch, the old leader too
  CHECK(d.state.isr == std::vector<int32_t>{2, 3});
  REQUIRE(d.elections.size() == 1);
  CHECK(d.elections[0].old_leader == 1);
  CHECK(d.elections[0].new_leader == 2);
  CHECK_FALSE(d.elections[0].unclean);
  // Asked again while the move is in flight, or after it committed: the sender's epoch is stale.
  CHECK(h.ctl.alter_isr(h.img(), req, h.live()).refusal == alter_refusal::fenced_leader_epoch);
  h.commit(d.records);
  CHECK(h.part(id, 0) == d.state);
  auto late = h.ctl.alter_isr(h.img(), req, h.live());
  CHECK(late.refusal == alter_refusal::fenced_leader_epoch);
  CHECK(late.records.empty());
  // Node 1 rejoins through the new leader's ordinary ISR expansion once it caught up.
  auto back = h.ctl.alter_isr(h.img(), {2, "t", id, 0, 1, h.part(id, 0).partition_epoch, {1, 2, 3}}, h.live());
  REQUIRE(back.refusal == alter_refusal::none);
  h.commit(back.records);
  CHECK(h.part(id, 0).leader == 2);
  CHECK(h.part(id, 0).isr == std::vector<int32_t>{1, 2, 3});
}

TEST_CASE("resign: only a live in-sync replica takes over; without one the leader stays") {
  harness h;
  auto id = h.three_replicas();
  auto live = h.live();
  live.erase(2); // 2's fence is in flight: 3 is next
  auto d = h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 0, {}, true}, live);
  REQUIRE(d.refusal == alter_refusal::none);
  CHECK(d.state.leader == 3);
  CHECK(d.state.isr == std::vector<int32_t>{2, 3});
  h.ctl.proposal_failed(d.records); // not committed: the partition is 1's again

  // ISR [1,3] with 3 not live: nobody may take over, nothing changes.
  auto shrink = h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 0, {1, 3}}, h.live());
  REQUIRE(shrink.refusal == alter_refusal::none);
  h.commit(shrink.records);
  auto without3 = h.live();
  without3.erase(3);
  auto none = h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 1, {}, true}, without3);
  CHECK(none.refusal == alter_refusal::no_eligible_leader);
  CHECK(none.records.empty());
  CHECK(none.reason.find("no other in-sync replica of t-0") != std::string::npos);
  CHECK(h.ctl.partition(h.img(), id, 0)->leader == 1);

  // The leader alone in the ISR: never an unclean election, even where the topic allows one.
  harness h2;
  h2.brokers(3);
  auto id2 = h2.topic("u", {{1, 2, 3}}, {{"unclean.leader.election.enable", "true"}});
  h2.commit(h2.ctl.alter_isr(h2.img(), {1, "u", id2, 0, 0, 0, {1}}, h2.live()).records);
  auto alone = h2.ctl.alter_isr(h2.img(), {1, "u", id2, 0, 0, 1, {}, true}, h2.live());
  CHECK(alone.refusal == alter_refusal::no_eligible_leader);
  CHECK(alone.records.empty());
}

TEST_CASE("resign: refused for a sender that does not lead, or names another leader epoch") {
  harness h;
  auto id = h.three_replicas();
  auto refusal = [&](alter_isr_request r) { return h.ctl.alter_isr(h.img(), r, h.live()).refusal; };
  CHECK(refusal({1, "nope", "", 0, 0, 0, {}, true}) == alter_refusal::unknown_topic_or_partition);
  CHECK(refusal({1, "t", id, 5, 0, 0, {}, true}) == alter_refusal::unknown_topic_or_partition);
  CHECK(refusal({2, "t", id, 0, 0, 0, {}, true}) == alter_refusal::not_leader_or_follower);
  CHECK(refusal({1, "t", id, 0, 1, 0, {}, true}) == alter_refusal::not_leader_or_follower); // newer epoch
  // The partition epoch is not checked: an ISR change of the leader in flight does not hold the move up.
  auto shrink = h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 0, {1, 2}}, h.live());
  REQUIRE(shrink.refusal == alter_refusal::none);
  auto d = h.ctl.alter_isr(h.img(), {1, "t", id, 0, 0, 0, {}, true}, h.live());
  REQUIRE(d.refusal == alter_refusal::none);
  CHECK(d.state.leader == 2);
  CHECK(d.state.isr == std::vector<int32_t>{2}); // built on the shrink in flight
  h.commit(shrink.records);
  h.commit(d.records);
  CHECK(h.part(id, 0).leader == 2);
  CHECK(h.part(id, 0).leader_epoch == 1);
}
