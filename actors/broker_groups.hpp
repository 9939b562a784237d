#pragma once
// The broker's consumer-group operations for native consumers: each finds the group's coordinator actor
// through the node's registry, converts the native API structs to the state machine's and back. Kept out
// of broker.cpp so the broker stays a router.
#include "actors/broker.hpp"

namespace samsa::actors {

caf::result<group_join_response> native_join(broker_ptr self, group_join_request& req);
caf::result<group_sync_response> native_sync(broker_ptr self, group_sync_request& req);
caf::result<int16_t> native_heartbeat(broker_ptr self, const std::string& group, int32_t generation,
                                      const std::string& member);
caf::result<int16_t> native_leave(broker_ptr self, const std::string& group, const std::string& member);
caf::result<int16_t> native_commit(broker_ptr self, const std::string& group, int32_t generation,
                                   const std::string& member, std::vector<partition_offset>& offsets);
caf::result<std::vector<partition_offset>> native_committed(broker_ptr self, const std::string& group);

} // namespace samsa::actors
