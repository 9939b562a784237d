// Fetch codec. Field order per Kafka's FetchRequest.json / FetchResponse.json.

#include "messages/kafka/fetch.hpp"

#include "messages/kafka/api_table.hpp"

#include <limits>

namespace samsa::kafka {

bool decode(reader& r, int16_t version, fetch_request& req) {
  if (!is_supported(api_key::fetch, version)) {
    r.fail();
    return false;
  }
  req.replica_id = r.read_i32();
  req.max_wait_ms = r.read_i32();
  req.min_bytes = r.read_i32();
  req.max_bytes = version >= 3 ? r.read_i32() : std::numeric_limits<int32_t>::max(); // v3+
  req.isolation_level = version >= 4 ? r.read_i8() : 0;
  if (version >= 7) {
    req.session_id = r.read_i32();
    req.session_epoch = r.read_i32();
  } else {
    req.session_id = 0;
    req.session_epoch = -1;
  }
  const size_t partition_size = 16 + (version >= 5 ? 8 : 0) + (version >= 9 ? 4 : 0);
  read_array(
    r, false, req.topics,
    [version, partition_size](reader& rr, fetch_topic& t) {
      t.topic = rr.read_string();
      read_array(
        rr, false, t.partitions,
        [version](reader& r3, fetch_partition& p) {
          p.partition = r3.read_i32();
          p.current_leader_epoch = version >= 9 ? r3.read_i32() : -1;
          p.fetch_offset = r3.read_i64();
          p.log_start_offset = version >= 5 ? r3.read_i64() : -1;
          p.partition_max_bytes = r3.read_i32();
        },
        partition_size);
    },
    6);
  req.forgotten_topics_data.clear();
  if (version >= 7) {
    read_array(
      r, false, req.forgotten_topics_data,
      [](reader& rr, fetch_forgotten_topic& t) {
        t.topic = rr.read_string();
        read_i32_array(rr, false, t.partitions);
      },
      6);
  }
  req.rack_id = version >= 11 ? r.read_string() : std::string{};
  return !r.failed();
}

void encode(writer& w, int16_t version, const fetch_request& req) {
  if (!is_supported(api_key::fetch, version))
    return w.fail();
  w.write_i32(req.replica_id);
  w.write_i32(req.max_wait_ms);
  w.write_i32(req.min_bytes);
  if (version >= 3)
    w.write_i32(req.max_bytes);
  if (version >= 4)
    w.write_i8(req.isolation_level);
  if (version >= 7) {
    w.write_i32(req.session_id);
    w.write_i32(req.session_epoch);
  }
  write_array(w, false, req.topics, [version](writer& ww, const fetch_topic& t) {
    ww.write_string(t.topic);
    write_array(ww, false, t.partitions, [version](writer& w3, const fetch_partition& p) {
      w3.write_i32(p.partition);
      if (version >= 9)
        w3.write_i32(p.current_leader_epoch);
      w3.write_i64(p.fetch_offset);
      if (version >= 5)
        w3.write_i64(p.log_start_offset);
      w3.write_i32(p.partition_max_bytes);
    });
  });
  if (version >= 7) {
    write_array(w, false, req.forgotten_topics_data,
                [](writer& ww, const fetch_forgotten_topic& t) {
                  ww.write_string(t.topic);
                  write_i32_array(ww, false, t.partitions);
                });
  }
  if (version >= 11)
    w.write_string(req.rack_id);
}

void encode(writer& w, int16_t version, const fetch_response& resp) {
  if (!is_supported(api_key::fetch, version))
    return w.fail();
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  if (version >= 7) {
    w.write_i16(to_int(resp.error));
    w.write_i32(resp.session_id);
  }
  write_array(w, false, resp.responses, [version](writer& ww, const fetch_topic_response& t) {
    ww.write_string(t.topic);
    write_array(ww, false, t.partitions, [version](writer& w3, const fetch_partition_data& p) {
      w3.write_i32(p.partition_index);
      w3.write_i16(to_int(p.error));
      w3.write_i64(p.high_watermark);
      if (version >= 4) {
        w3.write_i64(p.last_stable_offset);
        if (version >= 5)
          w3.write_i64(p.log_start_offset);
        write_nullable_array(w3, false, p.aborted_transactions,
                             [](writer& w4, const fetch_aborted_transaction& a) {
                               w4.write_i64(a.producer_id);
                               w4.write_i64(a.first_offset);
                             });
      }
      if (version >= 11)
        w3.write_i32(p.preferred_read_replica);
      w3.write_nullable_bytes(p.records);
    });
  });
}

bool decode(reader& r, int16_t version, fetch_response& resp) {
  if (!is_supported(api_key::fetch, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  if (version >= 7) {
    resp.error = static_cast<error_code>(r.read_i16());
    resp.session_id = r.read_i32();
  } else {
    resp.error = error_code::none;
    resp.session_id = 0;
  }
  read_array(
    r, false, resp.responses,
    [version](reader& rr, fetch_topic_response& t) {
      t.topic = rr.read_string();
      read_array(
        rr, false, t.partitions,
        [version](reader& r3, fetch_partition_data& p) {
          p.partition_index = r3.read_i32();
          p.error = static_cast<error_code>(r3.read_i16());
          p.high_watermark = r3.read_i64();
          p.last_stable_offset = version >= 4 ? r3.read_i64() : -1;
          p.log_start_offset = version >= 5 ? r3.read_i64() : -1;
          if (version >= 4)
            read_nullable_array(
              r3, false, p.aborted_transactions,
              [](reader& r4, fetch_aborted_transaction& a) {
                a.producer_id = r4.read_i64();
                a.first_offset = r4.read_i64();
              },
              16);
          p.preferred_read_replica = version >= 11 ? r3.read_i32() : -1;
          p.records = r3.read_nullable_bytes();
        },
        30);
    },
    6);
  return !r.failed();
}

} // namespace samsa::kafka
