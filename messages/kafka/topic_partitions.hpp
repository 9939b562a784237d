#pragma once

// The nesting the flexible admin APIs share (AlterPartitionReassignments, ListPartitionReassignments):
// topics[name, partitions[...]], each level closed by its tagged fields, and the response head
// throttle_time_ms, error, error_message. One place for the layout, so the API files only say what a
// partition holds.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// A topic's entry in a request or response: its name and its partitions' entries.
template <class Partition>
struct topic_partitions {
  std::string name;
  std::vector<Partition> partitions;
};

/// Writes compact topics[name, partitions[part(w, p)]] (flexible: each entry ends with its tags).
template <class Partition, class F>
void write_topic_partitions(writer& w, const std::vector<topic_partitions<Partition>>& topics, F part) {
  write_array(w, true, topics, [&](writer& wt, const topic_partitions<Partition>& t) {
    wt.write_string(t.name, true);
    write_array(wt, true, t.partitions, [&](writer& wp, const Partition& p) {
      part(wp, p);
      end_struct(wp, true);
    });
    end_struct(wt, true);
  });
}

/// Reads what write_topic_partitions writes; `min_partition_size` bounds the partition count by the bytes
/// left (the smallest encoded partition entry, its tags included).
template <class Partition, class F>
void read_topic_partitions(reader& r, std::vector<topic_partitions<Partition>>& topics, F part,
                           size_t min_partition_size) {
  read_array(
    r, true, topics,
    [&](reader& rt, topic_partitions<Partition>& t) {
      t.name = rt.read_string(true);
      read_array(
        rt, true, t.partitions,
        [&](reader& rp, Partition& p) {
          part(rp, p);
          end_struct(rp, true);
        },
        min_partition_size);
      end_struct(rt, true);
    },
    3);
}

/// The head of a flexible admin response.
inline void write_response_head(writer& w, int32_t throttle_time_ms, error_code error,
                                const std::optional<std::string>& message) {
  w.write_i32(throttle_time_ms);
  w.write_i16(to_int(error));
  w.write_nullable_string(message, true);
}

inline void read_response_head(reader& r, int32_t& throttle_time_ms, error_code& error,
                               std::optional<std::string>& message) {
  throttle_time_ms = r.read_i32();
  error = static_cast<error_code>(r.read_i16());
  message = r.read_nullable_string(true);
}

} // namespace samsa::kafka
