// DescribeCluster codec. Field order per Kafka's DescribeClusterRequest.json /
// DescribeClusterResponse.json. Every version is flexible.

#include "messages/kafka/describe_cluster.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, describe_cluster_request& req) {
  if (!is_supported(api_key::describe_cluster, version)) {
    r.fail();
    return false;
  }
  req.include_cluster_authorized_operations = r.read_bool();
  req.endpoint_type = version >= 1 ? r.read_i8() : endpoint_type_brokers;
  end_struct(r, true);
  return !r.failed();
}

void encode(writer& w, int16_t version, const describe_cluster_request& req) {
  if (!is_supported(api_key::describe_cluster, version))
    return w.fail();
  w.write_bool(req.include_cluster_authorized_operations);
  if (version >= 1)
    w.write_i8(req.endpoint_type);
  end_struct(w, true);
}

void encode(writer& w, int16_t version, const describe_cluster_response& resp) {
  if (!is_supported(api_key::describe_cluster, version))
    return w.fail();
  w.write_i32(resp.throttle_time_ms);
  w.write_i16(to_int(resp.error));
  w.write_nullable_string(resp.error_message, true);
  if (version >= 1)
    w.write_i8(resp.endpoint_type);
  w.write_string(resp.cluster_id, true);
  w.write_i32(resp.controller_id);
  write_array(w, true, resp.brokers, [](writer& ww, const describe_cluster_broker& b) {
    ww.write_i32(b.broker_id);
    ww.write_string(b.host, true);
    ww.write_i32(b.port);
    ww.write_nullable_string(b.rack, true);
    end_struct(ww, true);
  });
  w.write_i32(resp.cluster_authorized_operations);
  end_struct(w, true);
}

bool decode(reader& r, int16_t version, describe_cluster_response& resp) {
  if (!is_supported(api_key::describe_cluster, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = r.read_i32();
  resp.error = static_cast<error_code>(r.read_i16());
  resp.error_message = r.read_nullable_string(true);
  resp.endpoint_type = version >= 1 ? r.read_i8() : endpoint_type_brokers;
  resp.cluster_id = r.read_string(true);
  resp.controller_id = r.read_i32();
  read_array(
    r, true, resp.brokers,
    [](reader& rr, describe_cluster_broker& b) {
      b.broker_id = rr.read_i32();
      b.host = rr.read_string(true);
      b.port = rr.read_i32();
      b.rack = rr.read_nullable_string(true);
      end_struct(rr, true);
    },
    11);
  resp.cluster_authorized_operations = r.read_i32();
  end_struct(r, true);
  return !r.failed();
}

} // namespace samsa::kafka
