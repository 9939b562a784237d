// DeleteGroups codec. Field order per Kafka's DeleteGroupsRequest.json / DeleteGroupsResponse.json.

#include "messages/kafka/delete_groups.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::delete_groups), version);
}

} // namespace

bool decode(reader& r, int16_t version, delete_groups_request& req) {
  if (!is_supported(api_key::delete_groups, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  read_string_array(r, flex, req.groups_names);
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const delete_groups_request& req) {
  if (!is_supported(api_key::delete_groups, version))
    return w.fail();
  const bool flex = flexible(version);
  write_string_array(w, flex, req.groups_names);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const delete_groups_response& resp) {
  if (!is_supported(api_key::delete_groups, version))
    return w.fail();
  const bool flex = flexible(version);
  w.write_i32(resp.throttle_time_ms);
  write_array(w, flex, resp.results, [flex](writer& ww, const delete_groups_result& g) {
    ww.write_string(g.group_id, flex);
    ww.write_i16(to_int(g.error));
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, delete_groups_response& resp) {
  if (!is_supported(api_key::delete_groups, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = r.read_i32();
  read_array(
    r, flex, resp.results,
    [flex](reader& rr, delete_groups_result& g) {
      g.group_id = rr.read_string(flex);
      g.error = static_cast<error_code>(rr.read_i16());
      end_struct(rr, flex);
    },
    4);
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
