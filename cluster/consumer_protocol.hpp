#pragma once
// The embedded "consumer" protocol: the bytes Kafka consumers put in JoinGroup protocol
// metadata (a Subscription) and SyncGroup assignments (an Assignment). The broker treats them as
// opaque; samsa decodes them for DescribeGroups tooling and its native consumer, whose leader
// runs our assignors. Layouts (Kafka's ConsumerProtocolSubscription.json and
// ConsumerProtocolAssignment.json, non-flexible, big-endian):
//
//   Subscription => version:int16 topics:[string] user_data:nullable_bytes
//                   owned_partitions:[topic:string partitions:[int32]]   (v1+)
//                   generation_id:int32                                  (v2+, default -1)
//                   rack_id:nullable_string                              (v3+)
//   Assignment   => version:int16 assigned_partitions:[topic:string partitions:[int32]]
//                   user_data:nullable_bytes                             (v0-3 identical)
//
//   string: int16 length + bytes; nullable_string: length -1 = null; bytes: int32 length + bytes
//   (-1 = null); array: int32 count + elements.
//
// Like Kafka, a version above the newest known one is parsed with the newest layout (new
// versions only append fields) and trailing bytes are ignored. A negative version, a negative
// length or count, or a field running past the end fails the decode: never UB, never a throw.
// An empty byte string (what the coordinator hands a member the leader left out of its
// SyncGroup) is not an Assignment and fails too; callers read it as "nothing assigned".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace samsa::cluster {

// One partition of one topic. Ordered by (topic, partition): the order assignors sort by.
struct topic_partition {
  std::string topic;
  int32_t partition = 0;
  friend bool operator==(const topic_partition& a, const topic_partition& b) {
    return a.partition == b.partition && a.topic == b.topic;
  }
  friend bool operator!=(const topic_partition& a, const topic_partition& b) { return !(a == b); }
  friend bool operator<(const topic_partition& a, const topic_partition& b) {
    return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
  }
};

// The wire grouping: one topic and some of its partitions.
struct topic_partitions {
  std::string topic;
  std::vector<int32_t> partitions;
  friend bool operator==(const topic_partitions& a, const topic_partitions& b) {
    return a.topic == b.topic && a.partitions == b.partitions;
  }
};

// Groups a flat list by topic, topics in order of first appearance, partitions in list order.
std::vector<topic_partitions> group_by_topic(const std::vector<topic_partition>& tps);
// The inverse: every (topic, partition) in wire order.
std::vector<topic_partition> flatten(const std::vector<topic_partitions>& tps);

inline constexpr int16_t consumer_protocol_max_subscription_version = 3;
inline constexpr int16_t consumer_protocol_max_assignment_version = 3;
inline constexpr const char* consumer_protocol_type = "consumer";

// A consumer's subscription (JoinGroup protocol metadata).
struct consumer_subscription {
  int16_t version = 1; // on decode: the layout used (a newer version is capped to 3)
  std::vector<std::string> topics;
  std::optional<std::string> user_data;
  std::vector<topic_partitions> owned_partitions; // v1+
  int32_t generation_id = -1;                     // v2+
  std::optional<std::string> rack_id;             // v3+
};

// A consumer's assignment (SyncGroup assignment bytes).
struct consumer_assignment {
  int16_t version = 1; // on decode: the layout used (capped to 3)
  std::vector<topic_partitions> assigned_partitions;
  std::optional<std::string> user_data;
};

// Encodes with the fields of `s.version` (fields of later versions are dropped). A version
// above the newest known is written with the newest layout, as Kafka does.
std::string encode_subscription(const consumer_subscription& s);
std::optional<consumer_subscription> decode_subscription(std::string_view bytes);

std::string encode_assignment(const consumer_assignment& a);
std::optional<consumer_assignment> decode_assignment(std::string_view bytes);

} // namespace samsa::cluster
