// DeleteTopics codec. Field order per Kafka's DeleteTopicsRequest.json /
// DeleteTopicsResponse.json.

#include "messages/kafka/delete_topics.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, delete_topics_request& req) {
  if (!is_supported(api_key::delete_topics, version)) {
    r.fail();
    return false;
  }
  read_string_array(r, false, req.topic_names);
  req.timeout_ms = r.read_i32();
  return !r.failed();
}

void encode(writer& w, int16_t version, const delete_topics_request& req) {
  if (!is_supported(api_key::delete_topics, version))
    return w.fail();
  write_string_array(w, false, req.topic_names);
  w.write_i32(req.timeout_ms);
}

void encode(writer& w, int16_t version, const delete_topics_response& resp) {
  if (!is_supported(api_key::delete_topics, version))
    return w.fail();
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  write_array(w, false, resp.responses, [](writer& ww, const delete_topics_topic_result& t) {
    ww.write_string(t.name);
    ww.write_i16(to_int(t.error));
  });
}

bool decode(reader& r, int16_t version, delete_topics_response& resp) {
  if (!is_supported(api_key::delete_topics, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  read_array(
    r, false, resp.responses,
    [](reader& rr, delete_topics_topic_result& t) {
      t.name = rr.read_string();
      t.error = static_cast<error_code>(rr.read_i16());
    },
    4);
  return !r.failed();
}

} // namespace samsa::kafka
