// SyncGroup codec. Field order per Kafka's SyncGroupRequest.json / SyncGroupResponse.json.

#include "messages/kafka/sync_group.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::sync_group), version);
}

} // namespace

bool decode(reader& r, int16_t version, sync_group_request& req) {
  if (!is_supported(api_key::sync_group, version)) {
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
  if (version >= 5) {
    req.protocol_type = r.read_nullable_string(true);
    req.protocol_name = r.read_nullable_string(true);
  } else {
    req.protocol_type.reset();
    req.protocol_name.reset();
  }
  read_array(
    r, flex, req.assignments,
    [flex](reader& rr, sync_group_assignment& a) {
      a.member_id = rr.read_string(flex);
      a.assignment = to_owned(rr.read_bytes(flex));
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const sync_group_request& req) {
  if (!is_supported(api_key::sync_group, version))
    return w.fail();
  const bool flex = flexible(version);
  w.write_string(req.group_id, flex);
  w.write_i32(req.generation_id);
  w.write_string(req.member_id, flex);
  if (version >= 3)
    w.write_nullable_string(req.group_instance_id, flex);
  if (version >= 5) {
    w.write_nullable_string(req.protocol_type, true);
    w.write_nullable_string(req.protocol_name, true);
  }
  write_array(w, flex, req.assignments, [flex](writer& ww, const sync_group_assignment& a) {
    ww.write_string(a.member_id, flex);
    ww.write_bytes(as_span(a.assignment), flex);
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const sync_group_response& resp) {
  if (!is_supported(api_key::sync_group, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  w.write_i16(to_int(resp.error));
  if (version >= 5) {
    w.write_nullable_string(resp.protocol_type, true);
    w.write_nullable_string(resp.protocol_name, true);
  }
  w.write_bytes(as_span(resp.assignment), flex);
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, sync_group_response& resp) {
  if (!is_supported(api_key::sync_group, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  resp.error = static_cast<error_code>(r.read_i16());
  if (version >= 5) {
    resp.protocol_type = r.read_nullable_string(true);
    resp.protocol_name = r.read_nullable_string(true);
  } else {
    resp.protocol_type.reset();
    resp.protocol_name.reset();
  }
  resp.assignment = to_owned(r.read_bytes(flex));
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
