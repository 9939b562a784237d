#pragma once
// What `samsa groups describe` and `samsa groups reset-offsets` (tools/cli_groups*.cpp) both ask the broker.
#include <map>
#include <optional>
#include <string>

#include <caf/scoped_actor.hpp>

#include "messages/native_api.hpp"

namespace samsa::cli {


// Prints "error: WHAT: reason" and returns exit status 1.
int group_failure(const std::string& what, const caf::error& e);

// The group as its coordinator describes it (members, committed offsets); nullopt after printing why not.
// unknown_is_empty: a group the node has never seen is an Empty group without offsets (reset-offsets may give
// a new group its first offsets, as Kafka's tool does).
std::optional<group_info> fetch_group(caf::scoped_actor& self, const broker_actor& b, const std::string& group,
                                      bool unknown_is_empty = false);

// The partition count of `topic`, -1 when it does not exist.
int32_t partition_count(caf::scoped_actor& self, const broker_actor& b, const std::string& topic);

// Log end offsets of every partition of `topic`, -1 where unknown.
std::map<int32_t, int64_t> log_ends(caf::scoped_actor& self, const broker_actor& b, const std::string& topic,
                                    int32_t partitions);

} // namespace samsa::cli
