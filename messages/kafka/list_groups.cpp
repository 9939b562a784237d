// ListGroups codec. Field order per Kafka's ListGroupsRequest.json / ListGroupsResponse.json.

#include "messages/kafka/list_groups.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, list_groups_request&) {
  if (!is_supported(api_key::list_groups, version)) {
    r.fail();
    return false;
  }
  return !r.failed();
}

void encode(writer& w, int16_t version, const list_groups_request&) {
  if (!is_supported(api_key::list_groups, version))
    w.fail();
}

void encode(writer& w, int16_t version, const list_groups_response& resp) {
  if (!is_supported(api_key::list_groups, version))
    return w.fail();
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  w.write_i16(to_int(resp.error));
  write_array(w, false, resp.groups, [](writer& ww, const listed_group& g) {
    ww.write_string(g.group_id);
    ww.write_string(g.protocol_type);
  });
}

bool decode(reader& r, int16_t version, list_groups_response& resp) {
  if (!is_supported(api_key::list_groups, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  resp.error = static_cast<error_code>(r.read_i16());
  read_array(
    r, false, resp.groups,
    [](reader& rr, listed_group& g) {
      g.group_id = rr.read_string();
      g.protocol_type = rr.read_string();
    },
    4);
  return !r.failed();
}

} // namespace samsa::kafka
