// OffsetFetch codec. Field order per Kafka's OffsetFetchRequest.json / OffsetFetchResponse.json.

#include "messages/kafka/offset_fetch.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, offset_fetch_request& req) {
  if (!is_supported(api_key::offset_fetch, version)) {
    r.fail();
    return false;
  }
  req.group_id = r.read_string();
  auto topic = [](reader& rr, offset_fetch_topic& t) {
    t.name = rr.read_string();
    read_i32_array(rr, false, t.partition_indexes);
  };
  if (version >= 2) {
    read_nullable_array(r, false, req.topics, topic, 6);
  } else {
    req.topics.emplace();
    read_array(r, false, *req.topics, topic, 6);
  }
  return !r.failed();
}

void encode(writer& w, int16_t version, const offset_fetch_request& req) {
  if (!is_supported(api_key::offset_fetch, version))
    return w.fail();
  if (version < 2 && !req.topics)
    return w.fail(); // "all topics" cannot be said before v2
  w.write_string(req.group_id);
  write_nullable_array(w, false, req.topics, [](writer& ww, const offset_fetch_topic& t) {
    ww.write_string(t.name);
    write_i32_array(ww, false, t.partition_indexes);
  });
}

void encode(writer& w, int16_t version, const offset_fetch_response& resp) {
  if (!is_supported(api_key::offset_fetch, version))
    return w.fail();
  if (version >= 3)
    w.write_i32(resp.throttle_time_ms);
  write_array(w, false, resp.topics, [version](writer& ww, const offset_fetch_topic_response& t) {
    ww.write_string(t.name);
    write_array(ww, false, t.partitions, [version](writer& w3, const offset_fetch_partition& p) {
      w3.write_i32(p.partition_index);
      w3.write_i64(p.committed_offset);
      if (version >= 5)
        w3.write_i32(p.committed_leader_epoch);
      w3.write_nullable_string(p.metadata);
      w3.write_i16(to_int(p.error));
    });
  });
  if (version >= 2)
    w.write_i16(to_int(resp.error));
}

bool decode(reader& r, int16_t version, offset_fetch_response& resp) {
  if (!is_supported(api_key::offset_fetch, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = version >= 3 ? r.read_i32() : 0;
  read_array(
    r, false, resp.topics,
    [version](reader& rr, offset_fetch_topic_response& t) {
      t.name = rr.read_string();
      read_array(
        rr, false, t.partitions,
        [version](reader& r3, offset_fetch_partition& p) {
          p.partition_index = r3.read_i32();
          p.committed_offset = r3.read_i64();
          p.committed_leader_epoch = version >= 5 ? r3.read_i32() : -1;
          p.metadata = r3.read_nullable_string();
          p.error = static_cast<error_code>(r3.read_i16());
        },
        16);
    },
    6);
  resp.error = version >= 2 ? static_cast<error_code>(r.read_i16()) : error_code::none;
  return !r.failed();
}

} // namespace samsa::kafka
