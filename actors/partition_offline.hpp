#pragma once
// The stand-in for a partition whose log could not be opened at start (damaged beyond what recovery
// repairs, unreadable directory, permissions). It answers every request of the partition_actor interface
// with KAFKA_STORAGE_ERROR (api_errc::storage_error) and the reason, and reports itself with leader -1, so
// Metadata shows the partition as unavailable while the node keeps serving every other partition. Deleting
// the topic removes the directory as usual. Holds no file open.
#include <cstdint>
#include <filesystem>
#include <string>

#include <caf/actor_system.hpp>

#include "messages/native_api.hpp"

namespace samsa::actors {

partition_actor spawn_offline_partition(caf::actor_system& sys, std::string topic, int32_t partition,
                                        std::filesystem::path dir, std::string reason);

} // namespace samsa::actors
