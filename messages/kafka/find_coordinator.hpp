#pragma once

// FindCoordinator (key 10), versions 0-6 (v3+ flexible; v5 and v6 have v4's layout: v5 allows the
// TRANSACTION_ABORTABLE error, v6 key_type 2). Clients ask which broker coordinates a consumer
// group (key_type 0), a transactional id (key_type 1, v1+) or a share group (key_type 2, v6+). Request: key (v0-3), key_type (v1+),
// coordinator_keys (v4+: a batch of keys of that type). Response: throttle_time_ms (v1+); v0-3 one answer:
// error, error_message (v1+), node_id, host, port; v4+ one answer per key: coordinators[key, node_id, host,
// port, error, error_message].

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// FindCoordinator request.
struct find_coordinator_request {
  std::string key;     // v0-3
  int8_t key_type = 0; // v1+; 0 group, 1 transaction, 2 share (v6+)
  std::vector<std::string> coordinator_keys; // v4+

  /// The keys asked for in this version: the batch (v4+) or the single key.
  std::vector<std::string> keys(int16_t version) const {
    return version >= 4 ? coordinator_keys : std::vector<std::string>{key};
  }
};

/// One key's coordinator (a v4+ batch entry; v0-3 carry the same fields without the key).
struct find_coordinator_entry {
  std::string key;
  int32_t node_id = -1;
  std::string host;
  int32_t port = -1;
  error_code error = error_code::none;
  std::optional<std::string> error_message;
};

/// FindCoordinator response body.
struct find_coordinator_response {
  int32_t throttle_time_ms = 0; // v1+
  error_code error = error_code::none;       // v0-3
  std::optional<std::string> error_message;  // v1-3
  int32_t node_id = -1;                      // v0-3
  std::string host;                          // v0-3
  int32_t port = -1;                         // v0-3
  std::vector<find_coordinator_entry> coordinators; // v4+
};

bool decode(reader& r, int16_t version, find_coordinator_request& req);
void encode(writer& w, int16_t version, const find_coordinator_request& req);
void encode(writer& w, int16_t version, const find_coordinator_response& resp);
bool decode(reader& r, int16_t version, find_coordinator_response& resp);

} // namespace samsa::kafka
