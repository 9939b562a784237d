// The metadata image: apply() of every record type, what it refuses, and invariants under random logs.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "cluster/metadata_image.hpp"
#include "cluster/replica_placer.hpp"

using namespace samsa;
using namespace samsa::cluster;

namespace {

register_broker_record reg(int32_t node, int64_t epoch) {
  register_broker_record r;
  r.node_id = node;
  r.incarnation_id = "inc-" + std::to_string(node) + "-" + std::to_string(epoch);
  r.broker_epoch = epoch;
  r.endpoints = {{"PLAINTEXT", "127.0.0.1", static_cast<uint16_t>(9090 + node)}};
  return r;
}

struct log_builder {
  metadata_image img;
  int64_t offset = 0;
  apply_result add(const metadata_record& r) { return img.apply(r, offset++); }
};

} // namespace

TEST_CASE("metadata image: brokers register, unfence, fence and re-register with a newer epoch") {
  log_builder b;
  CHECK(b.add(reg(1, 0)).applied);
  CHECK(b.add(reg(2, 1)).applied);
  CHECK(b.img.live_brokers().empty()); // registered brokers start fenced
  CHECK(b.add(unfence_broker_record{1, 0}).applied);
  CHECK(b.add(unfence_broker_record{2, 1}).applied);
  CHECK(b.img.live_brokers() == std::vector<int32_t>{1, 2});
  CHECK_FALSE(b.add(fence_broker_record{2, 0}).applied); // stale epoch: another incarnation
  CHECK(b.add(fence_broker_record{2, 1}).applied);
  CHECK(b.img.live_brokers() == std::vector<int32_t>{1});
  // A restarted node registers again: newer epoch replaces, older is refused.
  CHECK(b.add(reg(2, 7)).applied);
  CHECK(b.img.broker(2)->broker_epoch == 7);
  CHECK(b.img.broker(2)->fenced);
  CHECK_FALSE(b.add(reg(2, 5)).applied);
  CHECK(b.add(unregister_broker_record{1, 0}).applied);
  CHECK(b.img.broker(1) == nullptr);
  CHECK(b.img.offset() == 8);
}

TEST_CASE("metadata image: topics and partitions, partition changes bump epochs and keep invariants") {
  log_builder b;
  CHECK(b.add(create_topic_record{"orders", "id-orders"}).applied);
  CHECK_FALSE(b.add(create_topic_record{"orders", "id-other"}).applied);
  CHECK_FALSE(b.add(create_topic_record{"other", "id-orders"}).applied);
  CHECK_FALSE(b.add(partition_record{"id-orders", 1, {1, 2, 3}, {1, 2, 3}, 1, 0, 0, {}, {}}).applied); // not dense
  CHECK(b.add(partition_record{"id-orders", 0, {1, 2, 3}, {1, 2, 3}, 1, 0, 0, {}, {}}).applied);
  CHECK_FALSE(b.add(partition_record{"id-orders", 1, {1, 1, 3}, {1}, 1, 0, 0, {}, {}}).applied); // duplicate replica
  CHECK_FALSE(b.add(partition_record{"id-orders", 1, {1, 2}, {3}, 3, 0, 0, {}, {}}).applied);    // isr not in replicas
  CHECK_FALSE(b.add(partition_record{"id-orders", 1, {1, 2}, {1}, 2, 0, 0, {}, {}}).applied);    // leader not in isr
  CHECK(b.add(partition_record{"id-orders", 1, {2, 3, 1}, {2, 3, 1}, 2, 0, 0, {}, {}}).applied);
  CHECK_FALSE(b.add(partition_record{"nope", 0, {1}, {1}, 1, 0, 0, {}, {}}).applied);

  partition_change_record shrink;
  shrink.topic_id = "id-orders";
  shrink.partition = 0;
  shrink.isr = std::vector<int32_t>{1, 2};
  CHECK(b.add(shrink).applied);
  auto p = b.img.partition("id-orders", 0);
  REQUIRE(p);
  CHECK(p->isr == std::vector<int32_t>{1, 2});
  CHECK(p->leader_epoch == 0);    // leader unchanged
  CHECK(p->partition_epoch == 1); // every change

  partition_change_record elect;
  elect.topic_id = "id-orders";
  elect.partition = 0;
  elect.leader = 2;
  CHECK(b.add(elect).applied);
  CHECK(p->leader == 2);
  CHECK(p->leader_epoch == 1);
  CHECK(p->partition_epoch == 2);

  partition_change_record bad;
  bad.topic_id = "id-orders";
  bad.partition = 0;
  bad.leader = 3; // not in the ISR {1,2}: a clean election cannot pick it
  CHECK_FALSE(b.add(bad).applied);
  CHECK(p->leader == 2);
  partition_change_record unclean = bad;
  unclean.isr = std::vector<int32_t>{3}; // an unclean election states the new ISR with it
  CHECK(b.add(unclean).applied);
  CHECK(p->leader == 3);

  CHECK(b.add(config_record{config_resource::topic, "orders", "retention.ms", std::string{"1000"}}).applied);
  REQUIRE(b.img.configs(config_resource::topic, "orders"));
  CHECK(b.img.configs(config_resource::topic, "orders")->at("retention.ms") == "1000");
  CHECK(b.add(remove_topic_record{"id-orders"}).applied);
  CHECK(b.img.topic_by_name("orders") == nullptr);
  CHECK(b.img.configs(config_resource::topic, "orders") == nullptr); // a topic's overrides go with it
  CHECK(b.add(create_topic_record{"orders", "id-orders-2"}).applied); // the name is free again
}

TEST_CASE("metadata image: producer id blocks only move forward, replays are ignored") {
  log_builder b;
  CHECK(b.add(producer_ids_record{1, 0, 1000}).applied);
  CHECK(b.add(producer_ids_record{2, 0, 2000}).applied);
  CHECK_FALSE(b.add(producer_ids_record{3, 0, 1500}).applied);
  CHECK(b.img.next_producer_id() == 2000);
  CHECK_FALSE(b.img.apply(noop_record{}, 1).applied); // offset 1 was applied already
  CHECK(b.img.offset() == 2);
  CHECK(std::string(record_name(producer_ids_record{})) == "producer_ids");
  CHECK(std::string(record_name(noop_record{})) == "noop");
}

TEST_CASE("metadata image: random logs keep every invariant, and equal logs give equal images") {
  uint64_t seed = 20261130;
  if (auto* s = std::getenv("SAMSA_FUZZ_SEED"))
    seed = std::strtoull(s, nullptr, 10);
  std::mt19937_64 rng{seed};
  auto pick = [&](int n) { return static_cast<int32_t>(rng() % static_cast<uint64_t>(n)); };
  // A distinct random subset of brokers 0..4, of size 1..max.
  auto nodes = [&](int max) {
    std::vector<int32_t> all{0, 1, 2, 3, 4};
    std::shuffle(all.begin(), all.end(), rng);
    all.resize(static_cast<size_t>(1 + pick(max)));
    return all;
  };
  // Mostly well-formed records built from the current image (so partitions and changes do apply), with
  // random ones mixed in (so refusals are exercised too).
  metadata_image a;
  std::vector<metadata_record> log;
  size_t applied = 0, changes = 0, max_partitions = 0;
  for (int i = 0; i < 20000; ++i) {
    auto topic = "t" + std::to_string(pick(4));
    auto id = "id-" + topic + "-" + std::to_string(pick(2));
    const topic_image* t = a.topic_by_id(id);
    metadata_record rec = noop_record{};
    switch (pick(8)) {
      case 0: rec = reg(pick(5), pick(50)); break;
      case 1: rec = fence_broker_record{pick(5), pick(50)}; break;
      case 2: rec = create_topic_record{topic, id}; break;
      case 3: {
        auto r = nodes(4);
        auto isr = r;
        isr.resize(static_cast<size_t>(1 + pick(static_cast<int>(r.size()))));
        int32_t part = t && pick(4) > 0 ? static_cast<int32_t>(t->partitions.size()) : pick(4);
        rec = partition_record{id, part, r, isr, pick(5) > 0 ? isr.front() : pick(6) - 1, 0, 0, {}, {}};
        break;
      }
      case 4: case 5: {
        partition_change_record c;
        c.topic_id = id;
        c.partition = t && !t->partitions.empty() ? pick(static_cast<int>(t->partitions.size())) : pick(4);
        auto cur = a.partition(id, c.partition);
        if (cur && pick(4) > 0) {
          auto isr = cur->replicas;
          std::shuffle(isr.begin(), isr.end(), rng);
          isr.resize(static_cast<size_t>(1 + pick(static_cast<int>(isr.size()))));
          c.isr = isr;
          if (pick(2))
            c.leader = isr.front();
        } else {
          if (pick(2)) c.isr = nodes(3);
          if (pick(2)) c.leader = pick(6) - 1;
          if (pick(8) == 0) c.replicas = nodes(4);
        }
        rec = c;
        break;
      }
      case 6: if (pick(6) == 0) rec = remove_topic_record{id}; break;
      default: rec = producer_ids_record{pick(5), 0, pick(100000)}; break;
    }
    log.push_back(rec);
    auto r = a.apply(rec, i);
    applied += r.applied;
    changes += r.applied && rec.index() == 6;
    for (auto& [tid, ti] : a.topics_by_id()) {
      max_partitions = std::max(max_partitions, ti.partitions.size());
      for (auto& p : ti.partitions) {
        REQUIRE_FALSE(p.replicas.empty());
        auto sorted = p.replicas;
        std::sort(sorted.begin(), sorted.end());
        REQUIRE(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
        for (auto x : p.isr)
          REQUIRE(std::find(p.replicas.begin(), p.replicas.end(), x) != p.replicas.end());
        REQUIRE((p.leader == -1 || std::find(p.isr.begin(), p.isr.end(), p.leader) != p.isr.end()));
      }
      REQUIRE(a.topic_by_name(ti.name) == &ti);
    }
  }
  // Replaying the same log into a fresh image gives an equal image.
  metadata_image b;
  for (size_t i = 0; i < log.size(); ++i)
    b.apply(log[i], static_cast<int64_t>(i));
  CHECK(a == b);
  // Coverage: the random log really exercised the interesting paths.
  CHECK(applied > 2000);
  CHECK(changes > 200);
  CHECK(max_partitions >= 3);
}

TEST_CASE("replica placement: distinct replicas, leaders spread evenly, RF above live brokers refused") {
  auto p = place_replicas(12, 3, {3, 1, 2, 4}, 1, 2);
  REQUIRE(p.error.empty());
  REQUIRE(p.replicas.size() == 12);
  std::map<int32_t, int> leaders, replicas;
  for (auto& r : p.replicas) {
    REQUIRE(r.size() == 3);
    auto s = r;
    std::sort(s.begin(), s.end());
    CHECK(std::adjacent_find(s.begin(), s.end()) == s.end());
    ++leaders[r.front()];
    for (auto x : r)
      ++replicas[x];
  }
  for (int32_t n = 1; n <= 4; ++n) {
    CHECK(leaders[n] == 3);  // 12 partitions over 4 brokers
    CHECK(replicas[n] == 9); // 36 replicas over 4 brokers
  }
  // Kafka's scheme: start 1 puts partition 0's leader on the second broker, partition 1's on the third.
  CHECK(p.replicas[0].front() == 2);
  CHECK(p.replicas[1].front() == 3);
  auto single = place_replicas(3, 1, {7}, 5, 5);
  REQUIRE(single.error.empty());
  CHECK(single.replicas == std::vector<std::vector<int32_t>>{{7}, {7}, {7}});
  auto too_many = place_replicas(1, 3, {1, 2}, 0, 0);
  CHECK(too_many.replicas.empty());
  CHECK(too_many.error == "replication factor 3 larger than available brokers: 2");
}
