// ListGroups codec. Field order per Kafka's ListGroupsRequest.json / ListGroupsResponse.json.

#include "messages/kafka/list_groups.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::list_groups), version);
}

} // namespace

bool decode(reader& r, int16_t version, list_groups_request& req) {
  if (!is_supported(api_key::list_groups, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  req.states_filter.clear();
  req.types_filter.clear();
  if (version >= 4)
    read_string_array(r, true, req.states_filter);
  if (version >= 5)
    read_string_array(r, true, req.types_filter);
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const list_groups_request& req) {
  if (!is_supported(api_key::list_groups, version))
    return w.fail();
  if (version >= 4)
    write_string_array(w, true, req.states_filter);
  if (version >= 5)
    write_string_array(w, true, req.types_filter);
  end_struct(w, flexible(version));
}

void encode(writer& w, int16_t version, const list_groups_response& resp) {
  if (!is_supported(api_key::list_groups, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  w.write_i16(to_int(resp.error));
  write_array(w, flex, resp.groups, [version, flex](writer& ww, const listed_group& g) {
    ww.write_string(g.group_id, flex);
    ww.write_string(g.protocol_type, flex);
    if (version >= 4)
      ww.write_string(g.group_state, true);
    if (version >= 5)
      ww.write_string(g.group_type, true);
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, list_groups_response& resp) {
  if (!is_supported(api_key::list_groups, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  resp.error = static_cast<error_code>(r.read_i16());
  read_array(
    r, flex, resp.groups,
    [version, flex](reader& rr, listed_group& g) {
      g.group_id = rr.read_string(flex);
      g.protocol_type = rr.read_string(flex);
      g.group_state = version >= 4 ? rr.read_string(true) : std::string{};
      g.group_type = version >= 5 ? rr.read_string(true) : std::string{};
      end_struct(rr, flex);
    },
    flex ? 3 : 4);
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
