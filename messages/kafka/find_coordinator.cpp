// FindCoordinator codec. Field order per Kafka's FindCoordinatorRequest.json /
// FindCoordinatorResponse.json.

#include "messages/kafka/find_coordinator.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::find_coordinator), version);
}

} // namespace

bool decode(reader& r, int16_t version, find_coordinator_request& req) {
  if (!is_supported(api_key::find_coordinator, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  req.key = version <= 3 ? r.read_string(flex) : std::string{};
  req.key_type = version >= 1 ? r.read_i8() : 0;
  req.coordinator_keys.clear();
  if (version >= 4)
    read_string_array(r, true, req.coordinator_keys);
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const find_coordinator_request& req) {
  if (!is_supported(api_key::find_coordinator, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version <= 3)
    w.write_string(req.key, flex);
  if (version >= 1)
    w.write_i8(req.key_type);
  if (version >= 4)
    write_string_array(w, true, req.coordinator_keys);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const find_coordinator_response& resp) {
  if (!is_supported(api_key::find_coordinator, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  if (version >= 4) {
    write_array(w, true, resp.coordinators, [](writer& ww, const find_coordinator_entry& c) {
      ww.write_string(c.key, true);
      ww.write_i32(c.node_id);
      ww.write_string(c.host, true);
      ww.write_i32(c.port);
      ww.write_i16(to_int(c.error));
      ww.write_nullable_string(c.error_message, true);
      end_struct(ww, true);
    });
  } else {
    w.write_i16(to_int(resp.error));
    if (version >= 1)
      w.write_nullable_string(resp.error_message, flex);
    w.write_i32(resp.node_id);
    w.write_string(resp.host, flex);
    w.write_i32(resp.port);
  }
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, find_coordinator_response& resp) {
  if (!is_supported(api_key::find_coordinator, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  resp.coordinators.clear();
  resp.error_message.reset();
  if (version >= 4) {
    read_array(
      r, true, resp.coordinators,
      [](reader& rr, find_coordinator_entry& c) {
        c.key = rr.read_string(true);
        c.node_id = rr.read_i32();
        c.host = rr.read_string(true);
        c.port = rr.read_i32();
        c.error = static_cast<error_code>(rr.read_i16());
        c.error_message = rr.read_nullable_string(true);
        end_struct(rr, true);
      },
      14);
  } else {
    resp.error = static_cast<error_code>(r.read_i16());
    if (version >= 1)
      resp.error_message = r.read_nullable_string(flex);
    resp.node_id = r.read_i32();
    resp.host = r.read_string(flex);
    resp.port = r.read_i32();
  }
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
