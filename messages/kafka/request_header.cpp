// Request/response header codecs; header versions come from the API table.

#include "messages/kafka/request_header.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

int16_t request_header_version(int16_t key, int16_t version) noexcept {
  return is_flexible(key, version) ? 2 : 1;
}

int16_t response_header_version(int16_t key, int16_t version) noexcept {
  if (key == static_cast<int16_t>(api_key::api_versions))
    return 0;
  return is_flexible(key, version) ? 1 : 0;
}

bool decode_request_header(reader& r, request_header& h) {
  h.api_key = r.read_i16();
  h.api_version = r.read_i16();
  h.correlation_id = r.read_i32();
  // client_id keeps its int16 length even in header v2, so old brokers can read any header.
  h.client_id = r.read_nullable_string(false);
  if (!r.failed() && request_header_version(h.api_key, h.api_version) >= 2)
    r.skip_tagged_fields();
  return !r.failed();
}

void encode_request_header(writer& w, const request_header& h) {
  w.write_i16(h.api_key);
  w.write_i16(h.api_version);
  w.write_i32(h.correlation_id);
  w.write_nullable_string(h.client_id, false);
  if (request_header_version(h.api_key, h.api_version) >= 2)
    w.write_empty_tagged_fields();
}

void encode_response_header(writer& w, int16_t key, int16_t version,
                            int32_t correlation_id) {
  w.write_i32(correlation_id);
  if (response_header_version(key, version) >= 1)
    w.write_empty_tagged_fields();
}

bool decode_response_header(reader& r, int16_t key, int16_t version,
                            int32_t& correlation_id) {
  correlation_id = r.read_i32();
  if (response_header_version(key, version) >= 1)
    r.skip_tagged_fields();
  return !r.failed();
}

} // namespace samsa::kafka
