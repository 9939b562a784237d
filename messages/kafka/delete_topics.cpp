// DeleteTopics codec. Field order per Kafka's DeleteTopicsRequest.json /
// DeleteTopicsResponse.json (3.9: v0-6, v4+ flexible).

#include "messages/kafka/delete_topics.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::delete_topics), version);
}

} // namespace

bool decode(reader& r, int16_t version, delete_topics_request& req) {
  if (!is_supported(api_key::delete_topics, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  req.topic_names.clear();
  req.topics.clear();
  if (version >= 6)
    read_array(
      r, true, req.topics,
      [](reader& rr, delete_topics_topic& t) {
        t.name = rr.read_compact_nullable_string();
        t.topic_id = read_uuid(rr);
        rr.skip_tagged_fields();
      },
      18);
  else
    read_string_array(r, flex, req.topic_names);
  req.timeout_ms = r.read_i32();
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const delete_topics_request& req) {
  if (!is_supported(api_key::delete_topics, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 6)
    write_array(w, true, req.topics, [](writer& ww, const delete_topics_topic& t) {
      ww.write_nullable_string(t.name, true);
      write_uuid(ww, t.topic_id);
      ww.write_empty_tagged_fields();
    });
  else
    write_string_array(w, flex, req.topic_names);
  w.write_i32(req.timeout_ms);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const delete_topics_response& resp) {
  if (!is_supported(api_key::delete_topics, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  write_array(w, flex, resp.responses, [version, flex](writer& ww, const delete_topics_topic_result& t) {
    if (version >= 6 && t.name.empty())
      ww.write_nullable_string(std::nullopt, true);
    else
      ww.write_string(t.name, flex);
    if (version >= 6)
      write_uuid(ww, t.topic_id);
    ww.write_i16(to_int(t.error));
    if (version >= 5)
      ww.write_nullable_string(t.error_message, flex);
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, delete_topics_response& resp) {
  if (!is_supported(api_key::delete_topics, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  read_array(
    r, flex, resp.responses,
    [version, flex](reader& rr, delete_topics_topic_result& t) {
      t.name = version >= 6 ? rr.read_compact_nullable_string().value_or("") : rr.read_string(flex);
      t.topic_id = version >= 6 ? read_uuid(rr) : zero_uuid;
      t.error = static_cast<error_code>(rr.read_i16());
      if (version >= 5)
        t.error_message = rr.read_nullable_string(flex);
      else
        t.error_message.reset();
      end_struct(rr, flex);
    },
    4);
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
