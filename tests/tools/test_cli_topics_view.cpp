#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tools/cli_topics_view.hpp"

using namespace samsa;
using namespace samsa::cli;

namespace {
partition_state part(int32_t p, int32_t leader, std::vector<int32_t> replicas, std::vector<int32_t> isr, bool offline = false) {
  partition_state s;
  s.partition = p;
  s.leader = leader;
  s.replicas = std::move(replicas);
  s.isr = std::move(isr);
  s.offline = offline;
  return s;
}

// a: p0 healthy, p1 under-replicated, p2 without a leader (and under-replicated); b: healthy with an
// override; c: one offline partition with its full ISR.
std::vector<topic_description> topics() {
  topic_description a{"a", "ida", 3, 3, {}, {part(0, 1, {1, 2, 3}, {1, 2, 3}), part(1, 2, {1, 2, 3}, {2, 3}), part(2, -1, {1, 2, 3}, {1})}};
  topic_description b{"b", "idb", 1, 3, {{"retention.ms", "1000"}}, {part(0, 3, {3, 1, 2}, {3, 1, 2})}};
  topic_description c{"c", "idc", 1, 1, {}, {part(0, 1, {1}, {1}, true)}};
  return {a, b, c};
}

std::vector<std::string> shown(const std::vector<topic_description>& ds) {
  std::vector<std::string> out;
  for (auto& d : ds)
    for (auto& p : d.partition_states)
      out.push_back(d.name + "-" + std::to_string(p.partition));
  return out;
}
} // namespace

TEST_CASE("topics view: no filter keeps everything") {
  CHECK(shown(filter_topics(topics(), {})) == std::vector<std::string>{"a-0", "a-1", "a-2", "b-0", "c-0"});
}

TEST_CASE("topics view: under-replicated partitions are those whose ISR is smaller than the replicas") {
  topic_filter f;
  f.under_replicated = true;
  CHECK(shown(filter_topics(topics(), f)) == std::vector<std::string>{"a-1", "a-2"});
}

TEST_CASE("topics view: unavailable partitions have no leader or an offline log") {
  topic_filter f;
  f.unavailable = true;
  CHECK(shown(filter_topics(topics(), f)) == std::vector<std::string>{"a-2", "c-0"});
  f.under_replicated = true; // both must hold
  CHECK(shown(filter_topics(topics(), f)) == std::vector<std::string>{"a-2"});
}

TEST_CASE("topics view: topics with overrides keep all their partitions") {
  topic_filter f;
  f.with_overrides = true;
  auto ds = filter_topics(topics(), f);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].name == "b");
  f.under_replicated = true; // b has no under-replicated partition
  CHECK(filter_topics(topics(), f).empty());
}

TEST_CASE("topics view: JSON names every field, a missing leader is null") {
  auto j = topics_json(topics());
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 3);
  CHECK(j[0]["name"] == "a");
  CHECK(j[0]["topic_id"] == "ida");
  CHECK(j[0]["replication_factor"] == 3);
  CHECK(j[1]["configs"]["retention.ms"] == "1000");
  auto& p = j[0]["partition_states"];
  REQUIRE(p.size() == 3);
  CHECK(p[0]["leader"] == 1);
  CHECK(p[0]["under_replicated"] == false);
  CHECK(p[1]["isr"] == nlohmann::json::array({2, 3}));
  CHECK(p[1]["under_replicated"] == true);
  CHECK(p[2]["leader"].is_null());
  CHECK(j[2]["partition_states"][0]["offline"] == true);
  CHECK(topics_json({}).dump() == "[]");
}
