// JoinGroup codec. Field order per Kafka's JoinGroupRequest.json / JoinGroupResponse.json.

#include "messages/kafka/join_group.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::join_group), version);
}

// v7+ the protocol name is nullable: an empty name goes out as null (an error answer), and null reads as empty.
void write_protocol_name(writer& w, int16_t version, bool flex, const std::string& name) {
  if (version >= 7 && name.empty())
    w.write_nullable_string(std::nullopt, true);
  else
    w.write_string(name, flex);
}

} // namespace

bool decode(reader& r, int16_t version, join_group_request& req) {
  if (!is_supported(api_key::join_group, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  req.group_id = r.read_string(flex);
  req.session_timeout_ms = r.read_i32();
  req.rebalance_timeout_ms = version >= 1 ? r.read_i32() : -1;
  req.member_id = r.read_string(flex);
  if (version >= 5)
    req.group_instance_id = r.read_nullable_string(flex);
  else
    req.group_instance_id.reset();
  req.protocol_type = r.read_string(flex);
  read_array(
    r, flex, req.protocols,
    [flex](reader& rr, join_group_protocol& p) {
      p.name = rr.read_string(flex);
      p.metadata = to_owned(rr.read_bytes(flex));
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
  if (version >= 8)
    req.reason = r.read_nullable_string(true);
  else
    req.reason.reset();
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const join_group_request& req) {
  if (!is_supported(api_key::join_group, version))
    return w.fail();
  const bool flex = flexible(version);
  w.write_string(req.group_id, flex);
  w.write_i32(req.session_timeout_ms);
  if (version >= 1)
    w.write_i32(req.rebalance_timeout_ms);
  w.write_string(req.member_id, flex);
  if (version >= 5)
    w.write_nullable_string(req.group_instance_id, flex);
  w.write_string(req.protocol_type, flex);
  write_array(w, flex, req.protocols, [flex](writer& ww, const join_group_protocol& p) {
    ww.write_string(p.name, flex);
    ww.write_bytes(as_span(p.metadata), flex);
    end_struct(ww, flex);
  });
  if (version >= 8)
    w.write_nullable_string(req.reason, true);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const join_group_response& resp) {
  if (!is_supported(api_key::join_group, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 2)
    w.write_i32(resp.throttle_time_ms);
  w.write_i16(to_int(resp.error));
  w.write_i32(resp.generation_id);
  if (version >= 7)
    w.write_nullable_string(resp.protocol_type, true);
  write_protocol_name(w, version, flex, resp.protocol_name);
  w.write_string(resp.leader, flex);
  if (version >= 9)
    w.write_bool(resp.skip_assignment);
  w.write_string(resp.member_id, flex);
  write_array(w, flex, resp.members, [version, flex](writer& ww, const join_group_member& m) {
    ww.write_string(m.member_id, flex);
    if (version >= 5)
      ww.write_nullable_string(m.group_instance_id, flex);
    ww.write_bytes(as_span(m.metadata), flex);
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, join_group_response& resp) {
  if (!is_supported(api_key::join_group, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 2 ? r.read_i32() : 0;
  resp.error = static_cast<error_code>(r.read_i16());
  resp.generation_id = r.read_i32();
  if (version >= 7)
    resp.protocol_type = r.read_nullable_string(true);
  else
    resp.protocol_type.reset();
  resp.protocol_name = version >= 7 ? r.read_nullable_string(true).value_or("") : r.read_string(flex);
  resp.leader = r.read_string(flex);
  resp.skip_assignment = version >= 9 ? r.read_bool() : false;
  resp.member_id = r.read_string(flex);
  read_array(
    r, flex, resp.members,
    [version, flex](reader& rr, join_group_member& m) {
      m.member_id = rr.read_string(flex);
      if (version >= 5)
        m.group_instance_id = rr.read_nullable_string(flex);
      m.metadata = to_owned(rr.read_bytes(flex));
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
