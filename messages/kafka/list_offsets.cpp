// ListOffsets codec. Field order per Kafka's ListOffsetsRequest.json / ListOffsetsResponse.json.

#include "messages/kafka/list_offsets.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, list_offsets_request& req) {
  if (!is_supported(api_key::list_offsets, version)) {
    r.fail();
    return false;
  }
  req.replica_id = r.read_i32();
  req.isolation_level = version >= 2 ? r.read_i8() : 0;
  read_array(
    r, false, req.topics,
    [](reader& rr, list_offsets_topic& t) {
      t.name = rr.read_string();
      read_array(
        rr, false, t.partitions,
        [](reader& r3, list_offsets_partition& p) {
          p.partition_index = r3.read_i32();
          p.timestamp = r3.read_i64();
        },
        12);
    },
    6);
  return !r.failed();
}

void encode(writer& w, int16_t version, const list_offsets_request& req) {
  if (!is_supported(api_key::list_offsets, version))
    return w.fail();
  w.write_i32(req.replica_id);
  if (version >= 2)
    w.write_i8(req.isolation_level);
  write_array(w, false, req.topics, [](writer& ww, const list_offsets_topic& t) {
    ww.write_string(t.name);
    write_array(ww, false, t.partitions, [](writer& w3, const list_offsets_partition& p) {
      w3.write_i32(p.partition_index);
      w3.write_i64(p.timestamp);
    });
  });
}

void encode(writer& w, int16_t version, const list_offsets_response& resp) {
  if (!is_supported(api_key::list_offsets, version))
    return w.fail();
  if (version >= 2)
    w.write_i32(resp.throttle_time_ms);
  write_array(w, false, resp.topics, [](writer& ww, const list_offsets_topic_response& t) {
    ww.write_string(t.name);
    write_array(ww, false, t.partitions,
                [](writer& w3, const list_offsets_partition_response& p) {
                  w3.write_i32(p.partition_index);
                  w3.write_i16(to_int(p.error));
                  w3.write_i64(p.timestamp);
                  w3.write_i64(p.offset);
                });
  });
}

bool decode(reader& r, int16_t version, list_offsets_response& resp) {
  if (!is_supported(api_key::list_offsets, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = version >= 2 ? r.read_i32() : 0;
  read_array(
    r, false, resp.topics,
    [](reader& rr, list_offsets_topic_response& t) {
      t.name = rr.read_string();
      read_array(
        rr, false, t.partitions,
        [](reader& r3, list_offsets_partition_response& p) {
          p.partition_index = r3.read_i32();
          p.error = static_cast<error_code>(r3.read_i16());
          p.timestamp = r3.read_i64();
          p.offset = r3.read_i64();
        },
        22);
    },
    6);
  return !r.failed();
}

} // namespace samsa::kafka
