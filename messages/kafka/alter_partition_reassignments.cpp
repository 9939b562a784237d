// AlterPartitionReassignments codec. Field order per Kafka's AlterPartitionReassignmentsRequest.json /
// AlterPartitionReassignmentsResponse.json. Version 0 is flexible.

#include "messages/kafka/alter_partition_reassignments.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool supported(int16_t version) { return is_supported(api_key::alter_partition_reassignments, version); }

void write_request_partition(writer& w, const reassignable_partition& p) {
  w.write_i32(p.partition_index);
  write_nullable_array(w, true, p.replicas, [](writer& wi, int32_t v) { wi.write_i32(v); });
}

void read_request_partition(reader& r, reassignable_partition& p) {
  p.partition_index = r.read_i32();
  read_nullable_array(r, true, p.replicas, [](reader& ri, int32_t& v) { v = ri.read_i32(); }, 4);
}

void write_response_partition(writer& w, const reassignable_partition_response& p) {
  w.write_i32(p.partition_index);
  w.write_i16(to_int(p.error));
  w.write_nullable_string(p.error_message, true);
}

void read_response_partition(reader& r, reassignable_partition_response& p) {
  p.partition_index = r.read_i32();
  p.error = static_cast<error_code>(r.read_i16());
  p.error_message = r.read_nullable_string(true);
}

} // namespace

bool decode(reader& r, int16_t version, alter_partition_reassignments_request& req) {
  if (!supported(version)) {
    r.fail();
    return false;
  }
  req.timeout_ms = r.read_i32();
  read_topic_partitions(r, req.topics, read_request_partition, 6); // index, null list, tags
  end_struct(r, true);
  return !r.failed();
}

void encode(writer& w, int16_t version, const alter_partition_reassignments_request& req) {
  if (!supported(version))
    return w.fail();
  w.write_i32(req.timeout_ms);
  write_topic_partitions(w, req.topics, write_request_partition);
  end_struct(w, true);
}

void encode(writer& w, int16_t version, const alter_partition_reassignments_response& resp) {
  if (!supported(version))
    return w.fail();
  write_response_head(w, resp.throttle_time_ms, resp.error, resp.error_message);
  write_topic_partitions(w, resp.responses, write_response_partition);
  end_struct(w, true);
}

bool decode(reader& r, int16_t version, alter_partition_reassignments_response& resp) {
  if (!supported(version)) {
    r.fail();
    return false;
  }
  read_response_head(r, resp.throttle_time_ms, resp.error, resp.error_message);
  read_topic_partitions(r, resp.responses, read_response_partition, 8); // index, error, null, tags
  end_struct(r, true);
  return !r.failed();
}

} // namespace samsa::kafka
