#pragma once

// InitProducerId (key 22), versions 0-5 (v2+ flexible; v3 adds the producer's current id and epoch to
// the request; v4 and v5 only add error codes a client must accept). Idempotent producers call it with a
// null transactional_id to obtain a producer id and epoch.
// Request: transactional_id, transaction_timeout_ms, producer_id (v3+), producer_epoch (v3+).
// Response: throttle_time_ms, error, producer_id, producer_epoch.

#include <cstdint>
#include <optional>
#include <string>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// InitProducerId request.
struct init_producer_id_request {
  std::optional<std::string> transactional_id; // null for a plain idempotent producer
  int32_t transaction_timeout_ms = 0;
  int64_t producer_id = -1;   // v3+: the id the producer has (-1: none)
  int16_t producer_epoch = -1; // v3+: its epoch (-1: none)
};

/// InitProducerId response body.
struct init_producer_id_response {
  int32_t throttle_time_ms = 0;
  error_code error = error_code::none;
  int64_t producer_id = -1;
  int16_t producer_epoch = 0;
};

bool decode(reader& r, int16_t version, init_producer_id_request& req);
void encode(writer& w, int16_t version, const init_producer_id_request& req);
void encode(writer& w, int16_t version, const init_producer_id_response& resp);
bool decode(reader& r, int16_t version, init_producer_id_response& resp);

} // namespace samsa::kafka
