// CreatePartitions codec. Field order per Kafka's CreatePartitionsRequest.json / CreatePartitionsResponse.json.

#include "messages/kafka/create_partitions.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::create_partitions), version);
}

} // namespace

bool decode(reader& r, int16_t version, create_partitions_request& req) {
  if (!is_supported(api_key::create_partitions, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  read_array(
    r, flex, req.topics,
    [flex](reader& rr, create_partitions_topic& t) {
      t.name = rr.read_string(flex);
      t.count = rr.read_i32();
      read_nullable_array(
        rr, flex, t.assignments,
        [flex](reader& r3, create_partitions_assignment& a) {
          read_i32_array(r3, flex, a.broker_ids);
          end_struct(r3, flex);
        },
        flex ? 2 : 4);
      end_struct(rr, flex);
    },
    flex ? 6 : 10);
  req.timeout_ms = r.read_i32();
  req.validate_only = r.read_bool();
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const create_partitions_request& req) {
  if (!is_supported(api_key::create_partitions, version))
    return w.fail();
  const bool flex = flexible(version);
  write_array(w, flex, req.topics, [flex](writer& ww, const create_partitions_topic& t) {
    ww.write_string(t.name, flex);
    ww.write_i32(t.count);
    write_nullable_array(ww, flex, t.assignments, [flex](writer& w3, const create_partitions_assignment& a) {
      write_i32_array(w3, flex, a.broker_ids);
      end_struct(w3, flex);
    });
    end_struct(ww, flex);
  });
  w.write_i32(req.timeout_ms);
  w.write_bool(req.validate_only);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const create_partitions_response& resp) {
  if (!is_supported(api_key::create_partitions, version))
    return w.fail();
  const bool flex = flexible(version);
  w.write_i32(resp.throttle_time_ms);
  write_array(w, flex, resp.results, [flex](writer& ww, const create_partitions_result& res) {
    ww.write_string(res.name, flex);
    ww.write_i16(to_int(res.error));
    ww.write_nullable_string(res.error_message, flex);
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, create_partitions_response& resp) {
  if (!is_supported(api_key::create_partitions, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = r.read_i32();
  read_array(
    r, flex, resp.results,
    [flex](reader& rr, create_partitions_result& res) {
      res.name = rr.read_string(flex);
      res.error = static_cast<error_code>(rr.read_i16());
      res.error_message = rr.read_nullable_string(flex);
      end_struct(rr, flex);
    },
    flex ? 4 : 6);
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
