// CreateTopics codec. Field order per Kafka's CreateTopicsRequest.json /
// CreateTopicsResponse.json.

#include "messages/kafka/create_topics.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, create_topics_request& req) {
  if (!is_supported(api_key::create_topics, version)) {
    r.fail();
    return false;
  }
  read_array(
    r, false, req.topics,
    [](reader& rr, create_topics_topic& t) {
      t.name = rr.read_string();
      t.num_partitions = rr.read_i32();
      t.replication_factor = rr.read_i16();
      read_array(
        rr, false, t.assignments,
        [](reader& r3, create_topics_assignment& a) {
          a.partition_index = r3.read_i32();
          read_i32_array(r3, false, a.broker_ids);
        },
        8);
      read_array(
        rr, false, t.configs,
        [](reader& r3, create_topics_config& c) {
          c.name = r3.read_string();
          c.value = r3.read_nullable_string();
        },
        4);
    },
    16);
  req.timeout_ms = r.read_i32();
  req.validate_only = version >= 1 ? r.read_bool() : false;
  return !r.failed();
}

void encode(writer& w, int16_t version, const create_topics_request& req) {
  if (!is_supported(api_key::create_topics, version))
    return w.fail();
  write_array(w, false, req.topics, [](writer& ww, const create_topics_topic& t) {
    ww.write_string(t.name);
    ww.write_i32(t.num_partitions);
    ww.write_i16(t.replication_factor);
    write_array(ww, false, t.assignments, [](writer& w3, const create_topics_assignment& a) {
      w3.write_i32(a.partition_index);
      write_i32_array(w3, false, a.broker_ids);
    });
    write_array(ww, false, t.configs, [](writer& w3, const create_topics_config& c) {
      w3.write_string(c.name);
      w3.write_nullable_string(c.value);
    });
  });
  w.write_i32(req.timeout_ms);
  if (version >= 1)
    w.write_bool(req.validate_only);
}

void encode(writer& w, int16_t version, const create_topics_response& resp) {
  if (!is_supported(api_key::create_topics, version))
    return w.fail();
  if (version >= 2)
    w.write_i32(resp.throttle_time_ms);
  write_array(w, false, resp.topics, [version](writer& ww, const create_topics_topic_result& t) {
    ww.write_string(t.name);
    ww.write_i16(to_int(t.error));
    if (version >= 1)
      ww.write_nullable_string(t.error_message);
  });
}

bool decode(reader& r, int16_t version, create_topics_response& resp) {
  if (!is_supported(api_key::create_topics, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = version >= 2 ? r.read_i32() : 0;
  read_array(
    r, false, resp.topics,
    [version](reader& rr, create_topics_topic_result& t) {
      t.name = rr.read_string();
      t.error = static_cast<error_code>(rr.read_i16());
      if (version >= 1)
        t.error_message = rr.read_nullable_string();
      else
        t.error_message.reset();
    },
    4);
  return !r.failed();
}

} // namespace samsa::kafka
