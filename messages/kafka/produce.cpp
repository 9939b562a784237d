// Produce codec. Field order per Kafka's ProduceRequest.json / ProduceResponse.json.

#include "messages/kafka/produce.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, produce_request& req) {
  if (!is_supported(api_key::produce, version)) {
    r.fail();
    return false;
  }
  req.transactional_id = version >= 3 ? r.read_nullable_string() : std::nullopt;
  req.acks = r.read_i16();
  req.timeout_ms = r.read_i32();
  read_array(
    r, false, req.topics,
    [](reader& rr, produce_topic_data& t) {
      t.name = rr.read_string();
      read_array(
        rr, false, t.partitions,
        [](reader& r3, produce_partition_data& p) {
          p.index = r3.read_i32();
          p.records = r3.read_nullable_bytes();
        },
        8);
    },
    6);
  return !r.failed();
}

void encode(writer& w, int16_t version, const produce_request& req) {
  if (!is_supported(api_key::produce, version))
    return w.fail();
  if (version >= 3)
    w.write_nullable_string(req.transactional_id);
  w.write_i16(req.acks);
  w.write_i32(req.timeout_ms);
  write_array(w, false, req.topics, [](writer& ww, const produce_topic_data& t) {
    ww.write_string(t.name);
    write_array(ww, false, t.partitions, [](writer& w3, const produce_partition_data& p) {
      w3.write_i32(p.index);
      w3.write_nullable_bytes(p.records);
    });
  });
}

void encode(writer& w, int16_t version, const produce_response& resp) {
  if (!is_supported(api_key::produce, version))
    return w.fail();
  write_array(w, false, resp.topics, [version](writer& ww, const produce_topic_response& t) {
    ww.write_string(t.name);
    write_array(ww, false, t.partitions,
                [version](writer& w3, const produce_partition_response& p) {
                  w3.write_i32(p.index);
                  w3.write_i16(to_int(p.error));
                  w3.write_i64(p.base_offset);
                  if (version >= 2)
                    w3.write_i64(p.log_append_time_ms);
                  if (version >= 5)
                    w3.write_i64(p.log_start_offset);
                });
  });
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
}

bool decode(reader& r, int16_t version, produce_response& resp) {
  if (!is_supported(api_key::produce, version)) {
    r.fail();
    return false;
  }
  read_array(
    r, false, resp.topics,
    [version](reader& rr, produce_topic_response& t) {
      t.name = rr.read_string();
      read_array(
        rr, false, t.partitions,
        [version](reader& r3, produce_partition_response& p) {
          p.index = r3.read_i32();
          p.error = static_cast<error_code>(r3.read_i16());
          p.base_offset = r3.read_i64();
          p.log_append_time_ms = version >= 2 ? r3.read_i64() : -1;
          p.log_start_offset = version >= 5 ? r3.read_i64() : -1;
        },
        14);
    },
    6);
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  return !r.failed();
}

} // namespace samsa::kafka
