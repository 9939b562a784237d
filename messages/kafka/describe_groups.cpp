// DescribeGroups codec. Field order per Kafka's DescribeGroupsRequest.json /
// DescribeGroupsResponse.json.

#include "messages/kafka/describe_groups.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::describe_groups), version);
}

} // namespace

bool decode(reader& r, int16_t version, describe_groups_request& req) {
  if (!is_supported(api_key::describe_groups, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  read_string_array(r, flex, req.groups);
  req.include_authorized_operations = version >= 3 ? r.read_bool() : false;
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const describe_groups_request& req) {
  if (!is_supported(api_key::describe_groups, version))
    return w.fail();
  const bool flex = flexible(version);
  write_string_array(w, flex, req.groups);
  if (version >= 3)
    w.write_bool(req.include_authorized_operations);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const describe_groups_response& resp) {
  if (!is_supported(api_key::describe_groups, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  write_array(w, flex, resp.groups, [version, flex](writer& ww, const described_group& g) {
    ww.write_i16(to_int(g.error));
    ww.write_string(g.group_id, flex);
    ww.write_string(g.group_state, flex);
    ww.write_string(g.protocol_type, flex);
    ww.write_string(g.protocol_data, flex);
    write_array(ww, flex, g.members, [version, flex](writer& w3, const described_group_member& m) {
      w3.write_string(m.member_id, flex);
      if (version >= 4)
        w3.write_nullable_string(m.group_instance_id, flex);
      w3.write_string(m.client_id, flex);
      w3.write_string(m.client_host, flex);
      w3.write_bytes(as_span(m.member_metadata), flex);
      w3.write_bytes(as_span(m.member_assignment), flex);
      end_struct(w3, flex);
    });
    if (version >= 3)
      ww.write_i32(g.authorized_operations);
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, describe_groups_response& resp) {
  if (!is_supported(api_key::describe_groups, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  read_array(
    r, flex, resp.groups,
    [version, flex](reader& rr, described_group& g) {
      g.error = static_cast<error_code>(rr.read_i16());
      g.group_id = rr.read_string(flex);
      g.group_state = rr.read_string(flex);
      g.protocol_type = rr.read_string(flex);
      g.protocol_data = rr.read_string(flex);
      read_array(
        rr, flex, g.members,
        [version, flex](reader& r3, described_group_member& m) {
          m.member_id = r3.read_string(flex);
          if (version >= 4)
            m.group_instance_id = r3.read_nullable_string(flex);
          m.client_id = r3.read_string(flex);
          m.client_host = r3.read_string(flex);
          m.member_metadata = to_owned(r3.read_bytes(flex));
          m.member_assignment = to_owned(r3.read_bytes(flex));
          end_struct(r3, flex);
        },
        flex ? 7 : 14);
      g.authorized_operations = version >= 3 ? rr.read_i32() : INT32_MIN;
      end_struct(rr, flex);
    },
    flex ? 7 : 14);
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
