// Network partitions as packet drops (cluster/experiment/net_plan): which node stops hearing which for each
// partition fault, how several active faults combine, the run's names and the nftables script.
#include <doctest/doctest.h>

#include "cluster/experiment/net_plan.hpp"

using namespace samsa::cluster::experiment;

namespace {

std::vector<link_drop> drops(fault_kind k, std::vector<int32_t> targets, int nodes, uint64_t seed = 1) {
  seeded_rng rng{seed};
  return plan_partition(k, targets, nodes, rng).drops;
}

// Whether `to` hears `from` (a node always hears itself).
bool hears(const std::vector<link_drop>& d, int32_t to, int32_t from) {
  for (const auto& x : d)
    if (x.from == from && x.to == to)
      return false;
  return true;
}

} // namespace

TEST_CASE("net plan: isolate and split cut both ways, one-way only from the targets") {
  seeded_rng rng{1};
  auto iso = plan_partition(fault_kind::isolate, {2}, 3, rng);
  CHECK(iso.drops == std::vector<link_drop>{{1, 2}, {2, 1}, {2, 3}, {3, 2}});
  CHECK(iso.description == "2 | 1,3");
  auto split = plan_partition(fault_kind::split, {1, 4}, 5, rng);
  CHECK(split.drops.size() == 12); // 2 x 3 links, both ways
  CHECK(split.description == "1,4 | 2,3,5");
  CHECK_FALSE(hears(split.drops, 2, 1));
  CHECK_FALSE(hears(split.drops, 1, 2));
  CHECK(hears(split.drops, 4, 1));
  CHECK(hears(split.drops, 3, 5));
  auto one = plan_partition(fault_kind::one_way, {1}, 3, rng);
  CHECK(one.drops == std::vector<link_drop>{{1, 2}, {1, 3}});
  CHECK(one.description == "1 -/-> 2,3");
  CHECK(hears(one.drops, 1, 2)); // node 1 still hears the others
  // A side with every node (or none) is no partition.
  auto all = plan_partition(fault_kind::isolate, {1, 2, 3}, 3, rng);
  CHECK(all.drops.empty());
  CHECK(all.description == "no partition: every node is on one side");
  CHECK(plan_partition(fault_kind::kill, {1}, 3, rng).drops.empty());
}

TEST_CASE("net plan: a ring of majorities: every node hears a majority, no two the same") {
  for (int n = 3; n <= 7; ++n)
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      CAPTURE(n);
      CAPTURE(seed);
      auto d = drops(fault_kind::ring, {}, n, seed);
      std::set<std::set<int32_t>> views;
      for (int32_t to = 1; to <= n; ++to) {
        std::set<int32_t> view;
        for (int32_t from = 1; from <= n; ++from)
          if (hears(d, to, from))
            view.insert(from);
        CHECK(view.count(to) == 1);
        CHECK(static_cast<int>(view.size()) == n / 2 + 1);
        views.insert(view);
      }
      CHECK(static_cast<int>(views.size()) == n); // no two nodes see the same majority
    }
  // The order comes from the seed: reproducible, and not the same for every seed.
  CHECK(drops(fault_kind::ring, {}, 5, 3) == drops(fault_kind::ring, {}, 5, 3));
  bool differs = false;
  for (uint64_t seed = 2; seed <= 6; ++seed)
    differs = differs || drops(fault_kind::ring, {}, 5, seed) != drops(fault_kind::ring, {}, 5, 1);
  CHECK(differs);
  seeded_rng rng{1};
  auto three = plan_partition(fault_kind::ring, {}, 3, rng);
  CHECK(three.drops.size() == 3); // each of the 3 drops exactly one peer
  CHECK(three.description.rfind("ring ", 0) == 0);
  CHECK(plan_partition(fault_kind::ring, {}, 2, rng).drops.empty());
}

TEST_CASE("net plan: drops per receiver over several active partitions") {
  auto a = drops(fault_kind::isolate, {1}, 3);
  auto b = drops(fault_kind::one_way, {3}, 3);
  auto by = drops_by_receiver({a, b}, 3);
  CHECK(by.at(1) == std::set<int32_t>{2, 3});
  CHECK(by.at(2) == std::set<int32_t>{1, 3});
  CHECK(by.at(3) == std::set<int32_t>{1});
  // Healing one leaves the other's drops; healing both leaves every node hearing all.
  CHECK(drops_by_receiver({b}, 3).at(1) == std::set<int32_t>{3});
  auto none = drops_by_receiver({}, 3);
  CHECK(none.size() == 3);
  CHECK(none.at(2).empty());
}

TEST_CASE("net plan: names within Linux's limits, addresses, the nftables script") {
  auto n = name_network("4194303r12", 17);
  CHECK(n.bridge == "sxb4194303r12");
  CHECK(n.veth(9) == "sx4194303r12n9");
  CHECK(n.veth(9).size() <= 15);
  CHECK((n.veth(9) + "p").size() <= 15); // the namespace's end before it is renamed eth0
  CHECK(n.netns(2) == "samsa-exp-4194303r12-n2");
  CHECK(n.address(3) == "10.213.17.3");
  CHECK(n.bridge_address() == "10.213.17.254");
  CHECK(tag_of_netns(n.netns(2)) == "4194303r12");
  CHECK(tag_of_netns("samsa-exp-77r1-n12") == "77r1");
  CHECK(tag_of_netns("other-ns") == "");
  CHECK(nft_script({}) == "table inet samsa_exp {\n  chain input {\n    type filter hook input priority 0; policy accept;\n"
                          "  }\n}\nflush chain inet samsa_exp input\n");
  CHECK(nft_script({"10.213.17.1", "10.213.17.2"}) ==
        nft_script({}) + "add rule inet samsa_exp input ip saddr { 10.213.17.1, 10.213.17.2 } drop\n");
}
