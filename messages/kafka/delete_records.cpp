// DeleteRecords codec. Field order per Kafka's DeleteRecordsRequest.json / DeleteRecordsResponse.json.

#include "messages/kafka/delete_records.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::delete_records), version);
}

} // namespace

bool decode(reader& r, int16_t version, delete_records_request& req) {
  if (!is_supported(api_key::delete_records, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  read_array(
    r, flex, req.topics,
    [flex](reader& rr, delete_records_topic& t) {
      t.name = rr.read_string(flex);
      read_array(
        rr, flex, t.partitions,
        [flex](reader& r3, delete_records_partition& p) {
          p.partition_index = r3.read_i32();
          p.offset = r3.read_i64();
          end_struct(r3, flex);
        },
        12);
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
  req.timeout_ms = r.read_i32();
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const delete_records_request& req) {
  if (!is_supported(api_key::delete_records, version))
    return w.fail();
  const bool flex = flexible(version);
  write_array(w, flex, req.topics, [flex](writer& ww, const delete_records_topic& t) {
    ww.write_string(t.name, flex);
    write_array(ww, flex, t.partitions, [flex](writer& w3, const delete_records_partition& p) {
      w3.write_i32(p.partition_index);
      w3.write_i64(p.offset);
      end_struct(w3, flex);
    });
    end_struct(ww, flex);
  });
  w.write_i32(req.timeout_ms);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const delete_records_response& resp) {
  if (!is_supported(api_key::delete_records, version))
    return w.fail();
  const bool flex = flexible(version);
  w.write_i32(resp.throttle_time_ms);
  write_array(w, flex, resp.topics, [flex](writer& ww, const delete_records_topic_result& t) {
    ww.write_string(t.name, flex);
    write_array(ww, flex, t.partitions, [flex](writer& w3, const delete_records_partition_result& p) {
      w3.write_i32(p.partition_index);
      w3.write_i64(p.low_watermark);
      w3.write_i16(to_int(p.error));
      end_struct(w3, flex);
    });
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, delete_records_response& resp) {
  if (!is_supported(api_key::delete_records, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = r.read_i32();
  read_array(
    r, flex, resp.topics,
    [flex](reader& rr, delete_records_topic_result& t) {
      t.name = rr.read_string(flex);
      read_array(
        rr, flex, t.partitions,
        [flex](reader& r3, delete_records_partition_result& p) {
          p.partition_index = r3.read_i32();
          p.low_watermark = r3.read_i64();
          p.error = static_cast<error_code>(r3.read_i16());
          end_struct(r3, flex);
        },
        14);
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
