// DescribeGroups codec. Field order per Kafka's DescribeGroupsRequest.json /
// DescribeGroupsResponse.json.

#include "messages/kafka/describe_groups.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, describe_groups_request& req) {
  if (!is_supported(api_key::describe_groups, version)) {
    r.fail();
    return false;
  }
  read_string_array(r, false, req.groups);
  req.include_authorized_operations = version >= 3 ? r.read_bool() : false;
  return !r.failed();
}

void encode(writer& w, int16_t version, const describe_groups_request& req) {
  if (!is_supported(api_key::describe_groups, version))
    return w.fail();
  write_string_array(w, false, req.groups);
  if (version >= 3)
    w.write_bool(req.include_authorized_operations);
}

void encode(writer& w, int16_t version, const describe_groups_response& resp) {
  if (!is_supported(api_key::describe_groups, version))
    return w.fail();
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  write_array(w, false, resp.groups, [version](writer& ww, const described_group& g) {
    ww.write_i16(to_int(g.error));
    ww.write_string(g.group_id);
    ww.write_string(g.group_state);
    ww.write_string(g.protocol_type);
    ww.write_string(g.protocol_data);
    write_array(ww, false, g.members, [version](writer& w3, const described_group_member& m) {
      w3.write_string(m.member_id);
      if (version >= 4)
        w3.write_nullable_string(m.group_instance_id);
      w3.write_string(m.client_id);
      w3.write_string(m.client_host);
      w3.write_bytes(as_span(m.member_metadata));
      w3.write_bytes(as_span(m.member_assignment));
    });
    if (version >= 3)
      ww.write_i32(g.authorized_operations);
  });
}

bool decode(reader& r, int16_t version, describe_groups_response& resp) {
  if (!is_supported(api_key::describe_groups, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  read_array(
    r, false, resp.groups,
    [version](reader& rr, described_group& g) {
      g.error = static_cast<error_code>(rr.read_i16());
      g.group_id = rr.read_string();
      g.group_state = rr.read_string();
      g.protocol_type = rr.read_string();
      g.protocol_data = rr.read_string();
      read_array(
        rr, false, g.members,
        [version](reader& r3, described_group_member& m) {
          m.member_id = r3.read_string();
          if (version >= 4)
            m.group_instance_id = r3.read_nullable_string();
          m.client_id = r3.read_string();
          m.client_host = r3.read_string();
          m.member_metadata = to_owned(r3.read_bytes());
          m.member_assignment = to_owned(r3.read_bytes());
        },
        14);
      g.authorized_operations = version >= 3 ? rr.read_i32() : INT32_MIN;
    },
    14);
  return !r.failed();
}

} // namespace samsa::kafka
