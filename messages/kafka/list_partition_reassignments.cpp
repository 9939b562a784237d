// ListPartitionReassignments codec. Field order per Kafka's ListPartitionReassignmentsRequest.json /
// ListPartitionReassignmentsResponse.json. Version 0 is flexible.

#include "messages/kafka/list_partition_reassignments.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool supported(int16_t version) { return is_supported(api_key::list_partition_reassignments, version); }

void write_partition(writer& w, const ongoing_partition_reassignment& p) {
  w.write_i32(p.partition_index);
  write_i32_array(w, true, p.replicas);
  write_i32_array(w, true, p.adding_replicas);
  write_i32_array(w, true, p.removing_replicas);
}

void read_partition(reader& r, ongoing_partition_reassignment& p) {
  p.partition_index = r.read_i32();
  read_i32_array(r, true, p.replicas);
  read_i32_array(r, true, p.adding_replicas);
  read_i32_array(r, true, p.removing_replicas);
}

} // namespace

bool decode(reader& r, int16_t version, list_partition_reassignments_request& req) {
  if (!supported(version)) {
    r.fail();
    return false;
  }
  req.timeout_ms = r.read_i32();
  read_nullable_array(
    r, true, req.topics,
    [](reader& rt, list_reassignments_topic& t) {
      t.name = rt.read_string(true);
      read_i32_array(rt, true, t.partition_indexes);
      end_struct(rt, true);
    },
    3);
  end_struct(r, true);
  return !r.failed();
}

void encode(writer& w, int16_t version, const list_partition_reassignments_request& req) {
  if (!supported(version))
    return w.fail();
  w.write_i32(req.timeout_ms);
  write_nullable_array(w, true, req.topics, [](writer& wt, const list_reassignments_topic& t) {
    wt.write_string(t.name, true);
    write_i32_array(wt, true, t.partition_indexes);
    end_struct(wt, true);
  });
  end_struct(w, true);
}

void encode(writer& w, int16_t version, const list_partition_reassignments_response& resp) {
  if (!supported(version))
    return w.fail();
  write_response_head(w, resp.throttle_time_ms, resp.error, resp.error_message);
  write_topic_partitions(w, resp.topics, write_partition);
  end_struct(w, true);
}

bool decode(reader& r, int16_t version, list_partition_reassignments_response& resp) {
  if (!supported(version)) {
    r.fail();
    return false;
  }
  read_response_head(r, resp.throttle_time_ms, resp.error, resp.error_message);
  read_topic_partitions(r, resp.topics, read_partition, 8); // index, three empty lists, tags
  end_struct(r, true);
  return !r.failed();
}

} // namespace samsa::kafka
