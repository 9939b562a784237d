// SyncGroup codec. Field order per Kafka's SyncGroupRequest.json / SyncGroupResponse.json.

#include "messages/kafka/sync_group.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, sync_group_request& req) {
  if (!is_supported(api_key::sync_group, version)) {
    r.fail();
    return false;
  }
  req.group_id = r.read_string();
  req.generation_id = r.read_i32();
  req.member_id = r.read_string();
  if (version >= 3)
    req.group_instance_id = r.read_nullable_string();
  else
    req.group_instance_id.reset();
  read_array(
    r, false, req.assignments,
    [](reader& rr, sync_group_assignment& a) {
      a.member_id = rr.read_string();
      a.assignment = to_owned(rr.read_bytes());
    },
    6);
  return !r.failed();
}

void encode(writer& w, int16_t version, const sync_group_request& req) {
  if (!is_supported(api_key::sync_group, version))
    return w.fail();
  w.write_string(req.group_id);
  w.write_i32(req.generation_id);
  w.write_string(req.member_id);
  if (version >= 3)
    w.write_nullable_string(req.group_instance_id);
  write_array(w, false, req.assignments, [](writer& ww, const sync_group_assignment& a) {
    ww.write_string(a.member_id);
    ww.write_bytes(as_span(a.assignment));
  });
}

void encode(writer& w, int16_t version, const sync_group_response& resp) {
  if (!is_supported(api_key::sync_group, version))
    return w.fail();
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  w.write_i16(to_int(resp.error));
  w.write_bytes(as_span(resp.assignment));
}

bool decode(reader& r, int16_t version, sync_group_response& resp) {
  if (!is_supported(api_key::sync_group, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  resp.error = static_cast<error_code>(r.read_i16());
  resp.assignment = to_owned(r.read_bytes());
  return !r.failed();
}

} // namespace samsa::kafka
