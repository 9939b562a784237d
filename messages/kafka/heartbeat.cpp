// Heartbeat codec. Field order per Kafka's HeartbeatRequest.json / HeartbeatResponse.json.

#include "messages/kafka/heartbeat.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::heartbeat), version);
}

} // namespace

bool decode(reader& r, int16_t version, heartbeat_request& req) {
  if (!is_supported(api_key::heartbeat, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  req.group_id = r.read_string(flex);
  req.generation_id = r.read_i32();
  req.member_id = r.read_string(flex);
  if (version >= 3)
    req.group_instance_id = r.read_nullable_string(flex);
  else
    req.group_instance_id.reset();
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const heartbeat_request& req) {
  if (!is_supported(api_key::heartbeat, version))
    return w.fail();
  const bool flex = flexible(version);
  w.write_string(req.group_id, flex);
  w.write_i32(req.generation_id);
  w.write_string(req.member_id, flex);
  if (version >= 3)
    w.write_nullable_string(req.group_instance_id, flex);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const heartbeat_response& resp) {
  if (!is_supported(api_key::heartbeat, version))
    return w.fail();
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  w.write_i16(to_int(resp.error));
  end_struct(w, flexible(version));
}

bool decode(reader& r, int16_t version, heartbeat_response& resp) {
  if (!is_supported(api_key::heartbeat, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  resp.error = static_cast<error_code>(r.read_i16());
  end_struct(r, flexible(version));
  return !r.failed();
}

} // namespace samsa::kafka
