#pragma once

// Request and response headers. Request header v1: api_key, api_version, correlation_id,
// client_id (nullable, always an int16-length string). Header v2 (flexible request versions)
// appends a tagged-field section. Response header v0 is the correlation_id; v1 appends tagged
// fields, except that ApiVersions responses always use v0 so that a client can read the reply
// of a broker older or newer than itself.

#include <cstdint>
#include <optional>
#include <string>

#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// A decoded request header. `api_key` stays a raw int16 because a client may send a key we
/// do not know; look it up with find_api().
struct request_header {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
};

/// Request header version (1 or 2) for an API key and version, from the API table. Unknown
/// keys get 1: nothing after client_id can be parsed for them anyway.
int16_t request_header_version(int16_t key, int16_t version) noexcept;

/// Response header version (0 or 1). ApiVersions is always 0.
int16_t response_header_version(int16_t key, int16_t version) noexcept;

/// Decodes the header at the start of a frame (size prefix already stripped) and leaves `r`
/// at the start of the body. For an unknown api_key the header is read as v1 and decoding
/// still succeeds: the caller decides what to do (Kafka closes the connection).
bool decode_request_header(reader& r, request_header& h);

/// Encodes a request header (client side, tests), choosing v1 or v2 from the table.
void encode_request_header(writer& w, const request_header& h);

/// Encodes the response header matching a request's api key and version.
void encode_response_header(writer& w, int16_t key, int16_t version,
                            int32_t correlation_id);

/// Decodes a response header (client side); the caller knows what it asked for.
bool decode_response_header(reader& r, int16_t key, int16_t version,
                            int32_t& correlation_id);

} // namespace samsa::kafka
