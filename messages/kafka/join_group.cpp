// JoinGroup codec. Field order per Kafka's JoinGroupRequest.json / JoinGroupResponse.json.

#include "messages/kafka/join_group.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, join_group_request& req) {
  if (!is_supported(api_key::join_group, version)) {
    r.fail();
    return false;
  }
  req.group_id = r.read_string();
  req.session_timeout_ms = r.read_i32();
  req.rebalance_timeout_ms = version >= 1 ? r.read_i32() : -1;
  req.member_id = r.read_string();
  if (version >= 5)
    req.group_instance_id = r.read_nullable_string();
  else
    req.group_instance_id.reset();
  req.protocol_type = r.read_string();
  read_array(
    r, false, req.protocols,
    [](reader& rr, join_group_protocol& p) {
      p.name = rr.read_string();
      p.metadata = to_owned(rr.read_bytes());
    },
    6);
  return !r.failed();
}

void encode(writer& w, int16_t version, const join_group_request& req) {
  if (!is_supported(api_key::join_group, version))
    return w.fail();
  w.write_string(req.group_id);
  w.write_i32(req.session_timeout_ms);
  if (version >= 1)
    w.write_i32(req.rebalance_timeout_ms);
  w.write_string(req.member_id);
  if (version >= 5)
    w.write_nullable_string(req.group_instance_id);
  w.write_string(req.protocol_type);
  write_array(w, false, req.protocols, [](writer& ww, const join_group_protocol& p) {
    ww.write_string(p.name);
    ww.write_bytes(as_span(p.metadata));
  });
}

void encode(writer& w, int16_t version, const join_group_response& resp) {
  if (!is_supported(api_key::join_group, version))
    return w.fail();
  if (version >= 2)
    w.write_i32(resp.throttle_time_ms);
  w.write_i16(to_int(resp.error));
  w.write_i32(resp.generation_id);
  w.write_string(resp.protocol_name);
  w.write_string(resp.leader);
  w.write_string(resp.member_id);
  write_array(w, false, resp.members, [version](writer& ww, const join_group_member& m) {
    ww.write_string(m.member_id);
    if (version >= 5)
      ww.write_nullable_string(m.group_instance_id);
    ww.write_bytes(as_span(m.metadata));
  });
}

bool decode(reader& r, int16_t version, join_group_response& resp) {
  if (!is_supported(api_key::join_group, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = version >= 2 ? r.read_i32() : 0;
  resp.error = static_cast<error_code>(r.read_i16());
  resp.generation_id = r.read_i32();
  resp.protocol_name = r.read_string();
  resp.leader = r.read_string();
  resp.member_id = r.read_string();
  read_array(
    r, false, resp.members,
    [version](reader& rr, join_group_member& m) {
      m.member_id = rr.read_string();
      if (version >= 5)
        m.group_instance_id = rr.read_nullable_string();
      m.metadata = to_owned(rr.read_bytes());
    },
    6);
  return !r.failed();
}

} // namespace samsa::kafka
