// The partition leader's ISR and high-watermark rules (cluster/replica/isr_tracker) with a fake clock: each
// rule of the header comment on a 3-replica partition led by node 1.
#include <doctest/doctest.h>

#include "cluster/replica/isr_tracker.hpp"

using namespace samsa::cluster::replica;

namespace {

constexpr int64_t lag_ms = 30000;

isr_config config(int32_t min_isr) {
  isr_config c;
  c.replica_lag_time_max_ms = lag_ms;
  c.min_insync_replicas = min_isr;
  c.proposal_retry_ms = 5000;
  return c;
}

// Node 1 leads replicas {1,2,3} in leader epoch 5, partition epoch 7, from log end 10 and HW 8.
isr_tracker leader(std::vector<int32_t> isr, int32_t min_isr, int64_t now = 0) {
  return isr_tracker(leader_start{1, {1, 2, 3}, std::move(isr), 5, 7, 10, 8}, config(min_isr), now);
}

// Commits a proposal as the controller would: next partition epoch.
change_outcome commit(isr_tracker& t, const alter_partition_proposal& p, isr_effects& out) {
  return t.apply_partition_change(p.isr, p.leader_epoch, p.partition_epoch + 1, out);
}

} // namespace

TEST_CASE("isr: the high watermark is the lowest log end over the ISR and waits for unknown followers") {
  auto t = leader({1, 2, 3}, 2);
  CHECK(t.high_watermark() == 8);
  // A new leader knows no follower's log end: the HW stays until every ISR member fetched.
  CHECK_FALSE(t.on_follower_fetch(2, 10, 100).high_watermark);
  CHECK(t.high_watermark() == 8);
  auto fx = t.on_follower_fetch(3, 9, 100);
  REQUIRE(fx.high_watermark);
  CHECK(*fx.high_watermark == 9);
  fx = t.on_follower_fetch(3, 10, 200);
  CHECK(fx.high_watermark == 10);
  // The leader appends: the HW waits for both followers.
  CHECK_FALSE(t.on_leader_append(15, 300).high_watermark);
  CHECK_FALSE(t.on_follower_fetch(2, 15, 300).high_watermark);
  CHECK(t.on_follower_fetch(3, 12, 300).high_watermark == 12);
  CHECK(t.high_watermark() <= t.log_end());
}

TEST_CASE("isr: the high watermark never moves backwards") {
  auto t = leader({1, 2, 3}, 1);
  t.on_follower_fetch(2, 10, 1);
  t.on_follower_fetch(3, 10, 1);
  CHECK(t.high_watermark() == 10);
  // A late (reordered) fetch from an older position lowers the follower's log end, not the HW.
  CHECK_FALSE(t.on_follower_fetch(2, 9, 2).high_watermark);
  CHECK(t.high_watermark() == 10);
  CHECK(t.follower_log_end(2) == 9);
}

TEST_CASE("isr: below min.insync.replicas the high watermark stays (KIP-966) and acks=all is refused") {
  auto t = leader({1, 2}, 2);
  CHECK(t.accept_acks_all());
  t.on_follower_fetch(2, 10, 1);
  CHECK(t.high_watermark() == 10);
  isr_effects out;
  REQUIRE(t.apply_partition_change({1}, 5, 8, out) == change_outcome::applied);
  CHECK_FALSE(t.accept_acks_all());
  // The leader alone has 20 records: with ISR {1} < 2 the HW does not follow its log end.
  CHECK_FALSE(t.on_leader_append(20, 2).high_watermark);
  CHECK(t.high_watermark() == 10);
  // With min ISR 1 the same history advances it.
  auto one = leader({1}, 1);
  CHECK(one.on_leader_append(20, 2).high_watermark == 20);
}

TEST_CASE("isr: a follower that does not catch up for replica.lag.time.max.ms is proposed out") {
  auto t = leader({1, 2, 3}, 1, 0);
  t.on_leader_append(20, 0);
  // Follower 2 keeps fetching at the leader's end; follower 3 fetches but stays behind.
  for (int64_t now = 1000; now <= lag_ms + 1000; now += 1000) {
    t.on_follower_fetch(2, 20, now);
    t.on_follower_fetch(3, 12, now);
    auto fx = t.tick(now);
    CHECK_FALSE(fx.proposal); // 3's last caught-up time is the leader's start (0): not yet lagging too long
    if (now == lag_ms)
      break;
  }
  auto fx = t.tick(lag_ms + 1);
  REQUIRE(fx.proposal);
  CHECK(fx.proposal->isr == std::vector<int32_t>{1, 2});
  CHECK(fx.proposal->leader_epoch == 5);
  CHECK(fx.proposal->partition_epoch == 7);
  CHECK(t.proposal_in_flight());
  // Until it commits, 3 still holds the HW (maximal ISR) and no second proposal goes out.
  CHECK(t.high_watermark() == 12);
  CHECK_FALSE(t.tick(lag_ms + 2).proposal);
  isr_effects out;
  REQUIRE(commit(t, *fx.proposal, out) == change_outcome::applied);
  CHECK(t.isr() == std::vector<int32_t>{1, 2});
  CHECK(out.high_watermark == 20);
  CHECK_FALSE(t.proposal_in_flight());
}

TEST_CASE("isr: caught up as of the previous fetch counts at that fetch's time (Kafka's lastCaughtUpTimeMs)") {
  auto t = leader({1, 2, 3}, 1, 0);
  t.on_follower_fetch(2, 10, 0);
  t.on_follower_fetch(3, 10, 0);
  // The leader keeps appending; 3's every fetch reaches what the leader had at its previous fetch, never
  // the current end. It is in sync: its last caught-up time is its previous fetch time.
  int64_t end = 10;
  for (int64_t now = 10000; now <= 100000; now += 10000) {
    end += 5;
    t.on_leader_append(end, now);
    t.on_follower_fetch(2, end, now);
    t.on_follower_fetch(3, end - 5, now);
    CHECK_FALSE(t.tick(now).proposal);
  }
  // Now 3 falls further behind: its fetch does not reach the previous fetch's leader end either.
  end += 5;
  t.on_leader_append(end, 110000);
  t.on_follower_fetch(3, end - 12, 110000); // previous leader end was end - 5
  t.on_follower_fetch(3, end - 11, 120000);
  // Its last catch-up: the fetch at 100000 reached the leader end of the fetch at 90000, so 90000.
  CHECK_FALSE(t.tick(120000).proposal);
  auto fx = t.tick(120001);
  REQUIRE(fx.proposal);
  CHECK(fx.proposal->isr == std::vector<int32_t>{1, 2});
}

TEST_CASE("isr: a follower at the leader's end is never out of sync, however long ago it fetched") {
  auto t = leader({1, 2, 3}, 1, 0);
  t.on_follower_fetch(2, 10, 0);
  t.on_follower_fetch(3, 10, 0);
  CHECK_FALSE(t.tick(10 * lag_ms).proposal); // an idle partition does not shrink
}

TEST_CASE("isr: an out-of-ISR follower joins once it reaches the HW and the leader epoch's start") {
  auto t = leader({1, 2}, 1, 0);
  t.on_follower_fetch(2, 10, 0);
  CHECK(t.high_watermark() == 10);
  t.on_leader_append(14, 0);
  // 3 is below the epoch start (10): not yet, though the HW gives no other reason.
  CHECK_FALSE(t.on_follower_fetch(3, 9, 1).proposal);
  auto fx = t.on_follower_fetch(3, 10, 2);
  REQUIRE(fx.proposal);
  CHECK(fx.proposal->isr == std::vector<int32_t>{1, 2, 3}); // assignment order
  // In flight, 3 already holds the HW: 2 catching up does not move it past 3.
  fx = t.on_follower_fetch(2, 14, 3);
  CHECK_FALSE(fx.high_watermark);
  CHECK(t.maximal_isr() == std::vector<int32_t>{1, 2, 3});
  isr_effects out;
  REQUIRE(commit(t, t.tick(3).proposal.value_or(alter_partition_proposal{{1, 2, 3}, 5, 7}), out) ==
          change_outcome::applied);
  CHECK(t.isr() == std::vector<int32_t>{1, 2, 3});
  CHECK(t.on_follower_fetch(3, 14, 4).high_watermark == 14);
}

TEST_CASE("isr: a follower at the HW but below the leader epoch's start is not proposed") {
  // A new leader's HW (8, what it knew as a follower) may be below records the previous leader committed;
  // its own epoch starts at its log end (10), which has them all. ISR {1} under min ISR 2: the HW stays.
  auto t = leader({1}, 2, 0);
  CHECK(t.high_watermark() == 8);
  CHECK_FALSE(t.on_follower_fetch(3, 9, 1).proposal);
  auto fx = t.on_follower_fetch(3, 10, 2);
  REQUIRE(fx.proposal);
  CHECK(fx.proposal->isr == std::vector<int32_t>{1, 3});
}

TEST_CASE("isr: an out-of-ISR follower behind the HW is not proposed") {
  auto t = leader({1, 2}, 1, 0);
  t.on_leader_append(20, 0);
  t.on_follower_fetch(2, 20, 0);
  CHECK(t.high_watermark() == 20);
  CHECK_FALSE(t.on_follower_fetch(3, 15, 1).proposal);
  CHECK_FALSE(t.proposal_in_flight());
}

TEST_CASE("isr: stale committed changes are ignored, a higher leader epoch ends the tracker") {
  auto t = leader({1, 2, 3}, 1, 0);
  isr_effects out;
  CHECK(t.apply_partition_change({1, 2}, 5, 7, out) == change_outcome::stale); // same partition epoch
  CHECK(t.apply_partition_change({1, 2}, 5, 6, out) == change_outcome::stale); // older
  CHECK(t.apply_partition_change({1, 2}, 4, 9, out) == change_outcome::stale); // older leader epoch
  CHECK(t.isr() == std::vector<int32_t>{1, 2, 3});
  CHECK(t.apply_partition_change({2, 3}, 6, 8, out) == change_outcome::leader_changed);
  CHECK(t.apply_partition_change({2, 3}, 5, 8, out) == change_outcome::leader_changed); // without us
  CHECK(t.apply_partition_change({1, 3}, 5, 8, out) == change_outcome::applied);
  CHECK(t.partition_epoch() == 8);
}

TEST_CASE("isr: an unanswered proposal is sent again and keeps counting, only a definite refusal drops it") {
  auto t = leader({1, 2}, 1, 0);
  t.on_follower_fetch(2, 10, 0);
  auto fx = t.on_follower_fetch(3, 10, 0);
  REQUIRE(fx.proposal);
  CHECK_FALSE(t.on_follower_fetch(3, 10, 100).proposal);
  t.on_leader_append(12, 100);
  t.on_follower_fetch(2, 12, 200);
  // No answer: the same proposal again after the retry interval, and 3 still holds the HW (the controller
  // may have committed it).
  auto again = t.tick(5000);
  REQUIRE(again.proposal);
  CHECK(again.proposal->isr == fx.proposal->isr);
  CHECK(again.proposal->partition_epoch == fx.proposal->partition_epoch);
  CHECK(t.proposal_in_flight());
  CHECK(t.high_watermark() == 10);
  CHECK_FALSE(t.tick(5001).proposal);
  // A definite refusal: forgotten, 3 no longer holds the HW; its next fetch proposes it afresh.
  t.proposal_failed();
  CHECK_FALSE(t.proposal_in_flight());
  CHECK(t.tick(5002).high_watermark == 12);
  CHECK(t.on_follower_fetch(3, 12, 5003).proposal);
}

TEST_CASE("isr: acks=all waiters complete in offset order when the HW passes them") {
  auto t = leader({1, 2}, 2, 0);
  t.on_follower_fetch(2, 10, 0);
  // Already below the HW: answered at once.
  auto fx = t.add_waiter(1, 9, 1000);
  REQUIRE(fx.acks.size() == 1);
  CHECK(fx.acks[0].id == 1);
  CHECK(fx.acks[0].result == ack_result::ok);
  t.on_leader_append(13, 0);
  CHECK(t.add_waiter(3, 12, 1000).acks.empty());
  CHECK(t.add_waiter(2, 10, 1000).acks.empty());
  fx = t.on_follower_fetch(2, 11, 1);
  REQUIRE(fx.acks.size() == 1);
  CHECK(fx.acks[0].id == 2); // offset 10 < HW 11
  fx = t.on_follower_fetch(2, 13, 2);
  REQUIRE(fx.acks.size() == 1);
  CHECK(fx.acks[0].id == 3);
  CHECK(t.waiters() == 0);
}

TEST_CASE("isr: waiters fail when the ISR shrinks below min ISR, time out, or lose the leadership") {
  auto t = leader({1, 2, 3}, 2, 0);
  t.on_follower_fetch(2, 10, 0);
  t.on_follower_fetch(3, 10, 0);
  t.on_leader_append(12, 0);
  t.add_waiter(1, 10, 500);
  t.add_waiter(2, 11, 100000);
  auto fx = t.tick(500);
  REQUIRE(fx.acks.size() == 1);
  CHECK(fx.acks[0].id == 1);
  CHECK(fx.acks[0].result == ack_result::request_timed_out);
  // Shrinking to {1, 2} keeps min ISR 2: the waiter stays.
  isr_effects out;
  REQUIRE(t.apply_partition_change({1, 2}, 5, 8, out) == change_outcome::applied);
  CHECK(out.acks.empty());
  REQUIRE(t.apply_partition_change({1}, 5, 9, out) == change_outcome::applied);
  REQUIRE(out.acks.size() == 1);
  CHECK(out.acks[0].id == 2);
  CHECK(out.acks[0].result == ack_result::not_enough_replicas_after_append);
  CHECK_FALSE(t.accept_acks_all());
  // Leadership moves: the rest fail with NOT_LEADER_OR_FOLLOWER.
  auto u = leader({1, 2, 3}, 2, 0);
  u.on_leader_append(12, 0);
  u.add_waiter(7, 11, 100000);
  fx = u.resign();
  REQUIRE(fx.acks.size() == 1);
  CHECK(fx.acks[0].result == ack_result::not_leader_or_follower);
}

TEST_CASE("isr: a leader named again in the next leader epoch keeps its waiters for the new HW") {
  // Epoch 5 tracker with two waiters (offsets 10 and 11) and one done; the same node leads epoch 6 with a
  // replica added (a reassignment), from the same log.
  auto old = leader({1, 2, 3}, 2, 0);
  old.on_follower_fetch(2, 10, 0);
  old.on_follower_fetch(3, 10, 0);
  old.on_leader_append(12, 0);
  CHECK(old.add_waiter(1, 10, 500).acks.empty());
  CHECK(old.add_waiter(2, 11, 100000).acks.empty());
  isr_tracker next(leader_start{1, {1, 2, 3, 4}, {1, 2, 3}, 6, 8, 12, old.high_watermark()}, config(2), 100);
  auto fx = next.take_waiters(old);
  CHECK(fx.acks.empty()); // the new epoch knows no follower's log end yet: the HW holds
  CHECK(old.waiters() == 0);
  CHECK(old.resign().acks.empty()); // nothing left to fail with NOT_LEADER_OR_FOLLOWER
  CHECK(next.waiters() == 2);
  // Deadlines carry over; the HW of the new epoch completes the rest in offset order.
  fx = next.tick(500);
  REQUIRE(fx.acks.size() == 1);
  CHECK(fx.acks[0].id == 1);
  CHECK(fx.acks[0].result == ack_result::request_timed_out);
  next.on_follower_fetch(2, 12, 600);
  fx = next.on_follower_fetch(3, 12, 600);
  REQUIRE(fx.acks.size() == 1);
  CHECK(fx.acks[0].id == 2);
  CHECK(fx.acks[0].result == ack_result::ok);
  // Taken over below min ISR: they fail as after a committed shrink.
  auto low = leader({1, 2, 3}, 2, 0);
  low.on_leader_append(12, 0);
  low.add_waiter(3, 11, 100000);
  isr_tracker alone(leader_start{1, {1, 2, 3}, {1}, 6, 8, 12, 8}, config(2), 0);
  fx = alone.take_waiters(low);
  REQUIRE(fx.acks.size() == 1);
  CHECK(fx.acks[0].result == ack_result::not_enough_replicas_after_append);
}

TEST_CASE("isr: a new leader resets follower state as Kafka does: ISR members get a full lag window") {
  // ISR {1,2,3}: 3 never fetches; it is proposed out only after replica.lag.time.max.ms from the takeover.
  auto t = leader({1, 2, 3}, 1, 50000);
  t.on_follower_fetch(2, 10, 50000);
  CHECK_FALSE(t.tick(50000 + lag_ms).proposal);
  auto fx = t.tick(50001 + lag_ms);
  REQUIRE(fx.proposal);
  CHECK(fx.proposal->isr == std::vector<int32_t>{1, 2});
  // The leader is never proposed out, even alone and idle.
  auto alone = leader({1}, 1, 0);
  CHECK_FALSE(alone.tick(10 * lag_ms).proposal);
}
