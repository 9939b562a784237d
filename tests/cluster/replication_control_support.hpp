#pragma once
// The test harness of the controller's partition rules (cluster/controller/replication_control): records
// applied through the real codec and image as the shell does (propose -> commit at the next index -> apply).
// Shared by test_replication_control.cpp and test_reassignment.cpp.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "cluster/controller/replication_control.hpp"
#include "cluster/metadata_publisher.hpp"
#include "messages/metadata_codec.hpp"

using namespace samsa;
using namespace samsa::cluster;

namespace test_support {

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

  // The registered, unfenced brokers of the image (what cluster_control::unfenced_brokers says when
  // nothing is in flight).
  std::set<int32_t> live() const {
    auto v = img().live_brokers();
    return {v.begin(), v.end()};
  }

  // Commits `broker_records` with the partition changes they call for; returns the elections.
  std::vector<leader_election> membership(std::vector<metadata_record> broker_records) {
    auto d = ctl.elections_for(img(), broker_records, live());
    broker_records.insert(broker_records.end(), d.records.begin(), d.records.end());
    commit(broker_records);
    return d.elections;
  }
  std::vector<leader_election> fence(int32_t node) {
    return membership({fence_broker_record{node, img().broker(node)->broker_epoch}});
  }
  std::vector<leader_election> unfence(int32_t node) {
    return membership({unfence_broker_record{node, img().broker(node)->broker_epoch}});
  }

  // A topic whose partitions have exactly these replica lists (placement pinned by hand).
  std::string topic(const std::string& name, const std::vector<std::vector<int32_t>>& replicas,
                    std::map<std::string, std::string> configs = {}) {
    std::string id = name + std::string(22 - name.size(), 'X');
    std::vector<metadata_record> rs{create_topic_record{name, id}};
    for (size_t p = 0; p < replicas.size(); ++p)
      rs.push_back(partition_record{id, static_cast<int32_t>(p), replicas[p], replicas[p], replicas[p].front(), 0, 0, {}, {}});
    for (const auto& [k, v] : configs)
      rs.push_back(config_record{config_resource::topic, name, k, v});
    commit(rs);
    return id;
  }

  // Three live brokers and topic "t" with one partition on [1,2,3] (1 leads): its topic id.
  std::string three_replicas() {
    brokers(3);
    return topic("t", {{1, 2, 3}});
  }

  const partition_registration& part(const std::string& id, int32_t p) const {
    auto r = img().partition(id, p);
    REQUIRE(r != nullptr);
    return *r;
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

} // namespace test_support

using test_support::harness;
