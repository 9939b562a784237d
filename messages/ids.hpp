#pragma once
// Strong types for the numbers that are easy to mix up: offsets, leader and partition epochs, broker ids,
// producer ids (and the Raft core's terms, indexes and node ids in messages/raft_types.hpp). Each is a
// named_type: a value of its representation that does not convert to or from a raw integer or another
// named_type implicitly, so passing a leader epoch where a broker id is expected does not compile.
//
// Where they are used: the messages of the replication data plane (messages/replica_api.hpp) and their
// handlers. The Kafka wire codecs (messages/kafka/) keep plain integers, as Kafka's schemas do; handlers
// convert at that edge, and so do the pure cores that still take plain integers (cluster/replica,
// persistence/partition_log).
//
// Plain data, no I/O. inspect() below makes every named_type serializable by CAF (as its value), so a
// message carrying one crosses nodes like one carrying the raw integer, with the same bytes.
#include <cstdint>
#include <vector>

namespace samsa {

// A value of `Rep` that cannot be mixed up with another strong type of the same representation (a term is
// not an index). Ordered so it can key maps and be compared. `.value` is the raw integer, for the edges
// (wire codecs, logs, storage).
template <class Tag, class Rep>
struct named_type {
  using rep = Rep;
  Rep value{};
  constexpr named_type() = default;
  constexpr explicit named_type(Rep v) : value(v) {}
  friend constexpr bool operator==(named_type a, named_type b) { return a.value == b.value; }
  friend constexpr bool operator!=(named_type a, named_type b) { return a.value != b.value; }
  friend constexpr bool operator<(named_type a, named_type b) { return a.value < b.value; }
  friend constexpr bool operator<=(named_type a, named_type b) { return a.value <= b.value; }
  friend constexpr bool operator>(named_type a, named_type b) { return a.value > b.value; }
  friend constexpr bool operator>=(named_type a, named_type b) { return a.value >= b.value; }
};

// CAF 0.17: every named_type is serialized (and printed) as its value.
template <class Inspector, class Tag, class Rep>
typename Inspector::result_type inspect(Inspector& f, named_type<Tag, Rep>& x) {
  return f(x.value);
}

// A record's position in a partition's log; -1 = undefined (no such offset).
using offset_t = named_type<struct offset_tag, int64_t>;
// A partition's leader generation, +1 at each leader change; -1 (no_leader_epoch) = none / not checked.
using leader_epoch_t = named_type<struct leader_epoch_tag, int32_t>;
// Version of a partition's registration (ISR, replicas), +1 at each change; 0 = as created.
using partition_epoch_t = named_type<struct partition_epoch_tag, int32_t>;
// A broker's node.id; -1 (no_broker) = no broker (no leader, or a client rather than a replica).
using broker_id_t = named_type<struct broker_id_tag, int32_t>;
// An idempotent producer's id from InitProducerId; -1 = not idempotent.
using producer_id_t = named_type<struct producer_id_tag, int64_t>;

inline constexpr leader_epoch_t no_leader_epoch{-1};
inline constexpr broker_id_t no_broker{-1};

// Offset arithmetic, the only arithmetic the replication code needs: a position so many records on, and
// the distance between two positions.
constexpr offset_t operator+(offset_t o, int64_t n) { return offset_t{o.value + n}; }
constexpr int64_t operator-(offset_t a, offset_t b) { return a.value - b.value; }

// Lists at the edges (the metadata image and the controller keep plain broker ids).
inline std::vector<broker_id_t> to_broker_ids(const std::vector<int32_t>& ids) {
  std::vector<broker_id_t> out;
  out.reserve(ids.size());
  for (auto id : ids)
    out.emplace_back(id);
  return out;
}
inline std::vector<int32_t> to_ints(const std::vector<broker_id_t>& ids) {
  std::vector<int32_t> out;
  out.reserve(ids.size());
  for (auto id : ids)
    out.push_back(id.value);
  return out;
}

} // namespace samsa
