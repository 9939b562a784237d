// FindCoordinator codec. Field order per Kafka's FindCoordinatorRequest.json /
// FindCoordinatorResponse.json.

#include "messages/kafka/find_coordinator.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, find_coordinator_request& req) {
  if (!is_supported(api_key::find_coordinator, version)) {
    r.fail();
    return false;
  }
  req.key = r.read_string();
  req.key_type = version >= 1 ? r.read_i8() : 0;
  return !r.failed();
}

void encode(writer& w, int16_t version, const find_coordinator_request& req) {
  if (!is_supported(api_key::find_coordinator, version))
    return w.fail();
  w.write_string(req.key);
  if (version >= 1)
    w.write_i8(req.key_type);
}

void encode(writer& w, int16_t version, const find_coordinator_response& resp) {
  if (!is_supported(api_key::find_coordinator, version))
    return w.fail();
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  w.write_i16(to_int(resp.error));
  if (version >= 1)
    w.write_nullable_string(resp.error_message);
  w.write_i32(resp.node_id);
  w.write_string(resp.host);
  w.write_i32(resp.port);
}

bool decode(reader& r, int16_t version, find_coordinator_response& resp) {
  if (!is_supported(api_key::find_coordinator, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  resp.error = static_cast<error_code>(r.read_i16());
  if (version >= 1)
    resp.error_message = r.read_nullable_string();
  else
    resp.error_message.reset();
  resp.node_id = r.read_i32();
  resp.host = r.read_string();
  resp.port = r.read_i32();
  return !r.failed();
}

} // namespace samsa::kafka
