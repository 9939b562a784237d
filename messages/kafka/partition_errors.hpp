#pragma once

// The answer shape several APIs share: topics[name, partitions[partition_index, error]] (OffsetCommit v0-9,
// OffsetDelete v0), classic or flexible (compact strings and arrays, a tag section closing each struct).

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// The result for one partition.
struct partition_error {
  int32_t partition_index = 0;
  error_code error = error_code::none;
};

/// The results for one topic's partitions.
struct topic_partition_errors {
  std::string name;
  std::vector<partition_error> partitions;
};

void write_topic_partition_errors(writer& w, const std::vector<topic_partition_errors>& topics, bool flex = false);
void read_topic_partition_errors(reader& r, std::vector<topic_partition_errors>& topics, bool flex = false);

} // namespace samsa::kafka
