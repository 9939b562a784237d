// The controller's topic and producer-id rules (cluster/controller/replication_control), applied through
// the real codec and image as the shell does: propose -> commit at the next index -> apply.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "cluster/controller/replication_control.hpp"
#include "cluster/metadata_publisher.hpp"
#include "messages/metadata_codec.hpp"

using namespace samsa;
using namespace samsa::cluster;

namespace {

struct harness {
  replication_control ctl;
  metadata_publisher pub;
  int64_t next_index = 1;

  const metadata_image& img() const { return pub.image(); }

  void commit(const std::vector<metadata_record>& records) {
    REQUIRE_FALSE(records.empty());
    auto r = pub.apply_entry(next_index++, metadata_codec::encode(records));
    REQUIRE(r.decoded);
    CHECK(r.refusals.empty());
  }

  // Registers and unfences brokers 1..n.
  void brokers(int32_t n) {
    for (int32_t id = 1; id <= n; ++id) {
      auto idx = next_index;
      commit({register_broker_record{id, "inc" + std::to_string(id), -1, {{"PLAINTEXT", "h", 9092}}, "", true}});
      commit({unfence_broker_record{id, idx}});
    }
  }

  create_topic_context ctx(const std::string& id) const {
    create_topic_context c;
    c.default_partitions = 3;
    c.default_replication_factor = 1;
    c.topic_id = id;
    c.start = 1;
    c.shift = 0;
    return c;
  }
};

} // namespace

TEST_CASE("replication_control: a topic is placed on distinct live brokers, preferred leader first, ISR = the leader") {
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
    CHECK(p.isr == std::vector<int32_t>{p.leader});
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
