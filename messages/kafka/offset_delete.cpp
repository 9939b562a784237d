// OffsetDelete codec. Field order per Kafka's OffsetDeleteRequest.json / OffsetDeleteResponse.json.

#include "messages/kafka/offset_delete.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, offset_delete_request& req) {
  if (!is_supported(api_key::offset_delete, version)) {
    r.fail();
    return false;
  }
  req.group_id = r.read_string();
  read_array(
    r, false, req.topics,
    [](reader& rr, offset_delete_topic& t) {
      t.name = rr.read_string();
      read_i32_array(rr, false, t.partition_indexes);
    },
    6);
  return !r.failed();
}

void encode(writer& w, int16_t version, const offset_delete_request& req) {
  if (!is_supported(api_key::offset_delete, version))
    return w.fail();
  w.write_string(req.group_id);
  write_array(w, false, req.topics, [](writer& ww, const offset_delete_topic& t) {
    ww.write_string(t.name);
    write_i32_array(ww, false, t.partition_indexes);
  });
}

void encode(writer& w, int16_t version, const offset_delete_response& resp) {
  if (!is_supported(api_key::offset_delete, version))
    return w.fail();
  w.write_i16(to_int(resp.error));
  w.write_i32(resp.throttle_time_ms);
  write_topic_partition_errors(w, resp.topics);
}

bool decode(reader& r, int16_t version, offset_delete_response& resp) {
  if (!is_supported(api_key::offset_delete, version)) {
    r.fail();
    return false;
  }
  resp.error = static_cast<error_code>(r.read_i16());
  resp.throttle_time_ms = r.read_i32();
  read_topic_partition_errors(r, resp.topics);
  return !r.failed();
}

} // namespace samsa::kafka
