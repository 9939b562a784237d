// LeaveGroup codec. Field order per Kafka's LeaveGroupRequest.json / LeaveGroupResponse.json.

#include "messages/kafka/leave_group.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::leave_group), version);
}

} // namespace

bool decode(reader& r, int16_t version, leave_group_request& req) {
  if (!is_supported(api_key::leave_group, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  req.group_id = r.read_string(flex);
  req.member_id.clear();
  req.members.clear();
  if (version <= 2) {
    req.member_id = r.read_string();
  } else {
    read_array(
      r, flex, req.members,
      [version, flex](reader& rr, leave_group_member& m) {
        m.member_id = rr.read_string(flex);
        m.group_instance_id = rr.read_nullable_string(flex);
        if (version >= 5)
          m.reason = rr.read_nullable_string(true);
        else
          m.reason.reset();
        end_struct(rr, flex);
      },
      flex ? 3 : 4);
  }
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const leave_group_request& req) {
  if (!is_supported(api_key::leave_group, version))
    return w.fail();
  const bool flex = flexible(version);
  w.write_string(req.group_id, flex);
  if (version <= 2) {
    w.write_string(req.member_id);
  } else {
    write_array(w, flex, req.members, [version, flex](writer& ww, const leave_group_member& m) {
      ww.write_string(m.member_id, flex);
      ww.write_nullable_string(m.group_instance_id, flex);
      if (version >= 5)
        ww.write_nullable_string(m.reason, true);
      end_struct(ww, flex);
    });
  }
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const leave_group_response& resp) {
  if (!is_supported(api_key::leave_group, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  w.write_i16(to_int(resp.error));
  if (version >= 3) {
    write_array(w, flex, resp.members, [flex](writer& ww, const leave_group_member_response& m) {
      ww.write_string(m.member_id, flex);
      ww.write_nullable_string(m.group_instance_id, flex);
      ww.write_i16(to_int(m.error));
      end_struct(ww, flex);
    });
  }
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, leave_group_response& resp) {
  if (!is_supported(api_key::leave_group, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  resp.error = static_cast<error_code>(r.read_i16());
  resp.members.clear();
  if (version >= 3) {
    read_array(
      r, flex, resp.members,
      [flex](reader& rr, leave_group_member_response& m) {
        m.member_id = rr.read_string(flex);
        m.group_instance_id = rr.read_nullable_string(flex);
        m.error = static_cast<error_code>(rr.read_i16());
        end_struct(rr, flex);
      },
      flex ? 5 : 6);
  }
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
