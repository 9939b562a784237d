#pragma once
// Partition assignors, run by the group LEADER (not the coordinator): samsa's native consumer
// uses them; Kafka clients bring their own. Pure functions of the members' subscriptions and the
// partition counts, deterministic (ties are broken by member order, never by hash order).
//
//   range      Kafka's RangeAssignor: per topic, the subscribers in member order each take a
//              contiguous range; the first (partitions % subscribers) take one extra.
//   roundrobin Kafka's RoundRobinAssignor: all subscribed partitions sorted by (topic,
//              partition) are dealt to the members in order, skipping non-subscribers.
//   sticky     balanced like roundrobin, but keeps every currently owned partition it can
//              (assignor_sticky.cpp has the rules).
//
// Member order is Kafka's MemberInfo order: static members first, by group_instance_id, then
// dynamic members by member_id. Instance ids survive restarts, so static members keep their
// ranges across rebalances.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/consumer_protocol.hpp"

namespace samsa::cluster {

// One group member as the leader sees it (decoded from its JoinGroup subscription).
struct assignor_member {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<std::string> topics;   // subscribed topics (duplicates are ignored)
  std::vector<topic_partition> owned; // currently owned partitions (consumer protocol v1+)
};

// topic -> partition count. Subscribed topics missing here (unknown / not yet created) get
// nothing assigned.
using partition_counts = std::map<std::string, int32_t>;

// member_id -> assigned partitions, sorted by (topic, partition). Every member appears, with an
// empty list if it gets nothing.
using assignment_map = std::map<std::string, std::vector<topic_partition>>;

using assignor_fn = assignment_map (*)(const std::vector<assignor_member>&,
                                       const partition_counts&);

assignment_map assign_range(const std::vector<assignor_member>& members,
                            const partition_counts& counts);
assignment_map assign_roundrobin(const std::vector<assignor_member>& members,
                                 const partition_counts& counts);
assignment_map assign_sticky(const std::vector<assignor_member>& members,
                             const partition_counts& counts);

// The assignor for a protocol name ("range", "roundrobin", "sticky"), or nullptr.
assignor_fn find_assignor(std::string_view name);

// Kafka's MemberInfo ordering (see above); shared by all assignors.
bool member_order_less(const assignor_member& a, const assignor_member& b);

} // namespace samsa::cluster
