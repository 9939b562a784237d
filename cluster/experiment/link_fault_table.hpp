#pragma once
// The link faults of an in-process experiment (docs/experiments.md "Embedding the engine"): for every
// ordered pair of nodes, whether bytes from one still reach the other and how late. The decisions the
// guarded native transport (actors/link_faults) acts on:
//   - a link cut both ways: its connections are closed and new ones refused (what a real partition ends
//     in; dropping bytes in the middle of a BASP stream would corrupt it);
//   - a link cut one way (`from` no longer reaches `to`): the bytes `to` receives from `from` are held
//     until the heal (TCP would retransmit them then) while the other direction flows, and new connections
//     are refused (a TCP handshake needs both ways); BASP's connection timeout on `to` closes the
//     connection once `from`'s heartbeats stay away, as with a real one-way packet drop;
//   - a delayed link: the bytes `to` receives from `from` are handed on `delay_ms` after they arrived,
//     in order.
// Several faults may cover one link: a cut lasts until every fault that cut it healed (counted), a
// delay is the largest active one.
//
// Owns: plain values. Not thread-safe (actors/link_faults guards it with a mutex). Pure: no clock, no I/O.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace samsa::cluster::experiment {

class link_fault_table {
public:
  // `from` no longer reaches `to` (one direction); call twice, crossed, for both ways.
  void cut(int32_t from, int32_t to);
  // Undoes one cut(from, to); the direction flows again once every cut of it healed.
  void heal(int32_t from, int32_t to);
  // Bytes from `from` reach `to` `delay_ms` late (several delays: the largest); delay_ms > 0.
  void add_delay(int32_t from, int32_t to, int64_t delay_ms);
  // Undoes one add_delay with the same arguments.
  void remove_delay(int32_t from, int32_t to, int64_t delay_ms);

  bool cut_one_way(int32_t from, int32_t to) const; // from -> to is cut
  // A connection between a and b may exist: neither direction is cut.
  bool may_connect(int32_t a, int32_t b) const { return !cut_one_way(a, b) && !cut_one_way(b, a); }
  // The connections between a and b must be closed now: both directions are cut.
  bool must_close(int32_t a, int32_t b) const { return cut_one_way(a, b) && cut_one_way(b, a); }
  // How long `to` holds bytes received from `from`: 0 passes them on at once, nullopt holds them until the
  // direction heals (a one-way cut).
  std::optional<int64_t> hold_ms(int32_t from, int32_t to) const;
  // No fault at all.
  bool empty() const { return cuts_.empty() && delays_.empty(); }

private:
  using link = std::pair<int32_t, int32_t>;
  std::map<link, int> cuts_;                       // active cuts per direction (> 0)
  std::map<link, std::multiset<int64_t>> delays_;  // active delays per direction (non-empty)
};

} // namespace samsa::cluster::experiment
