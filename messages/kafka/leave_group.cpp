// LeaveGroup codec. Field order per Kafka's LeaveGroupRequest.json / LeaveGroupResponse.json.

#include "messages/kafka/leave_group.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, leave_group_request& req) {
  if (!is_supported(api_key::leave_group, version)) {
    r.fail();
    return false;
  }
  req.group_id = r.read_string();
  req.member_id.clear();
  req.members.clear();
  if (version <= 2) {
    req.member_id = r.read_string();
  } else {
    read_array(
      r, false, req.members,
      [](reader& rr, leave_group_member& m) {
        m.member_id = rr.read_string();
        m.group_instance_id = rr.read_nullable_string();
      },
      4);
  }
  return !r.failed();
}

void encode(writer& w, int16_t version, const leave_group_request& req) {
  if (!is_supported(api_key::leave_group, version))
    return w.fail();
  w.write_string(req.group_id);
  if (version <= 2) {
    w.write_string(req.member_id);
  } else {
    write_array(w, false, req.members, [](writer& ww, const leave_group_member& m) {
      ww.write_string(m.member_id);
      ww.write_nullable_string(m.group_instance_id);
    });
  }
}

void encode(writer& w, int16_t version, const leave_group_response& resp) {
  if (!is_supported(api_key::leave_group, version))
    return w.fail();
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  w.write_i16(to_int(resp.error));
  if (version >= 3) {
    write_array(w, false, resp.members, [](writer& ww, const leave_group_member_response& m) {
      ww.write_string(m.member_id);
      ww.write_nullable_string(m.group_instance_id);
      ww.write_i16(to_int(m.error));
    });
  }
}

bool decode(reader& r, int16_t version, leave_group_response& resp) {
  if (!is_supported(api_key::leave_group, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  resp.error = static_cast<error_code>(r.read_i16());
  resp.members.clear();
  if (version >= 3) {
    read_array(
      r, false, resp.members,
      [](reader& rr, leave_group_member_response& m) {
        m.member_id = rr.read_string();
        m.group_instance_id = rr.read_nullable_string();
        m.error = static_cast<error_code>(rr.read_i16());
      },
      6);
  }
  return !r.failed();
}

} // namespace samsa::kafka
