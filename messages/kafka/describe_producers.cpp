// DescribeProducers codec. Field order per Kafka's DescribeProducersRequest.json / Response.json; v0 is
// flexible.

#include "messages/kafka/describe_producers.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, describe_producers_request& req) {
  if (!is_supported(api_key::describe_producers, version)) {
    r.fail();
    return false;
  }
  read_array(
    r, true, req.topics,
    [](reader& rr, describe_producers_topic& t) {
      t.name = rr.read_string(true);
      read_i32_array(rr, true, t.partition_indexes);
      end_struct(rr, true);
    },
    3);
  end_struct(r, true);
  return !r.failed();
}

void encode(writer& w, int16_t version, const describe_producers_request& req) {
  if (!is_supported(api_key::describe_producers, version))
    return w.fail();
  write_array(w, true, req.topics, [](writer& ww, const describe_producers_topic& t) {
    ww.write_string(t.name, true);
    write_i32_array(ww, true, t.partition_indexes);
    end_struct(ww, true);
  });
  end_struct(w, true);
}

void encode(writer& w, int16_t version, const describe_producers_response& resp) {
  if (!is_supported(api_key::describe_producers, version))
    return w.fail();
  w.write_i32(resp.throttle_time_ms);
  write_array(w, true, resp.topics, [](writer& ww, const describe_producers_topic_result& t) {
    ww.write_string(t.name, true);
    write_array(ww, true, t.partitions, [](writer& w3, const describe_producers_partition& p) {
      w3.write_i32(p.partition_index);
      w3.write_i16(to_int(p.error));
      w3.write_nullable_string(p.error_message, true);
      write_array(w3, true, p.active_producers, [](writer& w4, const producer_state_entry& s) {
        w4.write_i64(s.producer_id);
        w4.write_i32(s.producer_epoch);
        w4.write_i32(s.last_sequence);
        w4.write_i64(s.last_timestamp);
        w4.write_i32(s.coordinator_epoch);
        w4.write_i64(s.current_txn_start_offset);
        end_struct(w4, true);
      });
      end_struct(w3, true);
    });
    end_struct(ww, true);
  });
  end_struct(w, true);
}

bool decode(reader& r, int16_t version, describe_producers_response& resp) {
  if (!is_supported(api_key::describe_producers, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = r.read_i32();
  read_array(
    r, true, resp.topics,
    [](reader& rr, describe_producers_topic_result& t) {
      t.name = rr.read_string(true);
      read_array(
        rr, true, t.partitions,
        [](reader& r3, describe_producers_partition& p) {
          p.partition_index = r3.read_i32();
          p.error = static_cast<error_code>(r3.read_i16());
          p.error_message = r3.read_nullable_string(true);
          read_array(
            r3, true, p.active_producers,
            [](reader& r4, producer_state_entry& s) {
              s.producer_id = r4.read_i64();
              s.producer_epoch = r4.read_i32();
              s.last_sequence = r4.read_i32();
              s.last_timestamp = r4.read_i64();
              s.coordinator_epoch = r4.read_i32();
              s.current_txn_start_offset = r4.read_i64();
              end_struct(r4, true);
            },
            37);
          end_struct(r3, true);
        },
        9);
      end_struct(rr, true);
    },
    3);
  end_struct(r, true);
  return !r.failed();
}

} // namespace samsa::kafka
