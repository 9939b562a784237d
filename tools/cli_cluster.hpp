#pragma once
// Shared by `samsa cluster status` and `samsa cluster start` (which waits on the same answers).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <caf/scoped_actor.hpp>

#include "messages/cluster_api.hpp"
#include "messages/native_api.hpp"
#include "tools/cli_options.hpp"

namespace samsa::cli {

// One node's view of the cluster: its quorum member's status and the brokers of its metadata image (its
// controller's status), asked through the broker's native API. `error` says what did not answer (then
// `quorum` or `members` is missing).
struct cluster_view {
  std::optional<quorum_status> quorum;
  std::optional<broker_membership> members;
  std::string error;
};
cluster_view fetch_cluster_view(caf::scoped_actor& self, const broker_actor& broker, std::chrono::milliseconds timeout);

// `samsa cluster start` (cli_cluster_start.cpp).
command_spec cluster_start_command();

} // namespace samsa::cli
