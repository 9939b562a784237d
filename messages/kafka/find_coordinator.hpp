#pragma once

// FindCoordinator (key 10), versions 0-2 (v3 is the first flexible version). Clients ask which
// broker coordinates a consumer group (key_type 0) or a transactional id (key_type 1, v1+).
// Request: key, key_type (v1+). Response: throttle_time_ms (v1+), error, error_message (v1+),
// node_id, host, port.

#include <cstdint>
#include <optional>
#include <string>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// FindCoordinator request.
struct find_coordinator_request {
  std::string key;
  int8_t key_type = 0; // v1+; 0 group, 1 transaction
};

/// FindCoordinator response body.
struct find_coordinator_response {
  int32_t throttle_time_ms = 0; // v1+
  error_code error = error_code::none;
  std::optional<std::string> error_message; // v1+
  int32_t node_id = -1;
  std::string host;
  int32_t port = -1;
};

bool decode(reader& r, int16_t version, find_coordinator_request& req);
void encode(writer& w, int16_t version, const find_coordinator_request& req);
void encode(writer& w, int16_t version, const find_coordinator_response& resp);
bool decode(reader& r, int16_t version, find_coordinator_response& resp);

} // namespace samsa::kafka
