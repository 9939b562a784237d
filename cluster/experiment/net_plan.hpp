#pragma once
// Network partitions of an experiment run as packet drops (docs/experiments.md "Network partitions"): which
// node stops hearing which, for each partition fault, and the names, addresses and nftables rules of the
// per-run network the runner builds (tools/experiment/netns). Every node runs in a network namespace of its
// own, joined to the others and to the runner (in the root namespace) by a bridge; a drop `from -> to` is an
// nftables rule in `to`'s namespace that discards packets with `from`'s source address on input, so a
// one-way drop is real and a two-way drop is two rules. Traffic from the runner's clients (the bridge's
// address) is never dropped: partitions are between nodes, as in Jepsen.
//
// Pure: no I/O, no clock; the ring's order comes from the run's seeded generator.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cluster/experiment/fault_plan.hpp"

namespace samsa::cluster::experiment {

// Packets from node `from` no longer reach node `to`.
struct link_drop {
  int32_t from = 0;
  int32_t to = 0;
  friend bool operator<(const link_drop& a, const link_drop& b) {
    return a.from != b.from ? a.from < b.from : a.to < b.to;
  }
  friend bool operator==(const link_drop& a, const link_drop& b) { return a.from == b.from && a.to == b.to; }
};

struct partition_plan {
  std::vector<link_drop> drops; // sorted, no repeats
  std::string description;      // for the history and the progress lines: "1 | 2,3", "ring 3>1>2 ..."
};

// The drops of a partition fault over nodes 1..nodes:
//   isolate, split  every link between `targets` and the other nodes, both ways ("1,2 | 3,4,5")
//   one_way         every link from `targets` to the other nodes ("1 -/-> 2,3")
//   ring            the nodes in an order drawn from rng; each hears itself and the next m-1 around the ring
//                   (m = nodes/2+1, a majority) and drops the rest, so every node sees a majority and no
//                   two see the same one; for 3 nodes each drops exactly one peer (Jepsen's majorities-ring)
// Other kinds, or targets that leave one side empty: no drops, and the description says why.
partition_plan plan_partition(fault_kind kind, const std::vector<int32_t>& targets, int nodes, seeded_rng& rng);

// For each receiving node, the nodes it no longer hears, over several partitions at once (a link dropped by
// two active faults stays dropped until both heal). Every node 1..nodes has an entry (empty: hears all).
std::map<int32_t, std::set<int32_t>> drops_by_receiver(const std::vector<std::vector<link_drop>>& active, int nodes);

// The names and addresses of one run's network. `tag` is unique per run on this machine (the runner's pid
// and a counter), `subnet` the third octet of 10.213.X.0/24 (chosen free by the runner): node i is
// 10.213.X.i, the bridge (the runner's side) 10.213.X.254. Interface names stay within Linux's 15 bytes.
struct net_names {
  std::string tag;
  int subnet = 0;
  std::string bridge;                  // "sxb<tag>"
  std::string netns(int node) const;   // "samsa-exp-<tag>-n<i>" (ip netns, /run/netns/...)
  std::string veth(int node) const;    // "sx<tag>n<i>", the bridge's end; the node's end is renamed eth0
  std::string address(int node) const; // "10.213.X.i"
  std::string bridge_address() const;  // "10.213.X.254"
};
net_names name_network(const std::string& tag, int subnet);
// The tag of a namespace this naming made ("samsa-exp-<tag>-n<i>" -> "<tag>"), empty for any other name.
std::string tag_of_netns(const std::string& netns);

// The nftables script (nft -f) that makes a node's namespace drop input from `sources` (addresses) and
// nothing else: it (re)creates table inet samsa_exp with an input chain and flushes it before adding the rule,
// so applying a new script replaces the old drops; no sources heals the node.
std::string nft_script(const std::vector<std::string>& sources);

} // namespace samsa::cluster::experiment
