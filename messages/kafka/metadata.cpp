// Metadata codec. Field order per Kafka's MetadataRequest.json / MetadataResponse.json.

#include "messages/kafka/metadata.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, metadata_request& req) {
  if (!is_supported(api_key::metadata, version)) {
    r.fail();
    return false;
  }
  auto topic = [](reader& rr, std::string& s) { s = rr.read_string(); };
  if (version >= 1) {
    read_nullable_array(r, false, req.topics, topic, 2);
  } else {
    req.topics.emplace();
    read_array(r, false, *req.topics, topic, 2);
  }
  req.allow_auto_topic_creation = version >= 4 ? r.read_bool() : true;
  req.include_cluster_authorized_operations = version >= 8 ? r.read_bool() : false;
  req.include_topic_authorized_operations = version >= 8 ? r.read_bool() : false;
  return !r.failed();
}

void encode(writer& w, int16_t version, const metadata_request& req) {
  if (!is_supported(api_key::metadata, version))
    return w.fail();
  auto topic = [](writer& ww, const std::string& s) { ww.write_string(s); };
  if (version >= 1)
    write_nullable_array(w, false, req.topics, topic);
  else if (req.topics)
    write_array(w, false, *req.topics, topic);
  else
    w.write_array_len(0); // v0 says "all topics" with an empty array
  if (version >= 4)
    w.write_bool(req.allow_auto_topic_creation);
  if (version >= 8) {
    w.write_bool(req.include_cluster_authorized_operations);
    w.write_bool(req.include_topic_authorized_operations);
  }
}

void encode(writer& w, int16_t version, const metadata_response& resp) {
  if (!is_supported(api_key::metadata, version))
    return w.fail();
  if (version >= 3)
    w.write_i32(resp.throttle_time_ms);
  write_array(w, false, resp.brokers, [version](writer& ww, const metadata_broker& b) {
    ww.write_i32(b.node_id);
    ww.write_string(b.host);
    ww.write_i32(b.port);
    if (version >= 1)
      ww.write_nullable_string(b.rack);
  });
  if (version >= 2)
    w.write_nullable_string(resp.cluster_id);
  if (version >= 1)
    w.write_i32(resp.controller_id);
  write_array(w, false, resp.topics, [version](writer& ww, const metadata_topic& t) {
    ww.write_i16(to_int(t.error));
    ww.write_string(t.name);
    if (version >= 1)
      ww.write_bool(t.is_internal);
    write_array(ww, false, t.partitions, [version](writer& w3, const metadata_partition& p) {
      w3.write_i16(to_int(p.error));
      w3.write_i32(p.partition_index);
      w3.write_i32(p.leader_id);
      if (version >= 7)
        w3.write_i32(p.leader_epoch);
      write_i32_array(w3, false, p.replica_nodes);
      write_i32_array(w3, false, p.isr_nodes);
      if (version >= 5)
        write_i32_array(w3, false, p.offline_replicas);
    });
    if (version >= 8)
      ww.write_i32(t.topic_authorized_operations);
  });
  if (version >= 8)
    w.write_i32(resp.cluster_authorized_operations);
}

bool decode(reader& r, int16_t version, metadata_response& resp) {
  if (!is_supported(api_key::metadata, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = version >= 3 ? r.read_i32() : 0;
  read_array(
    r, false, resp.brokers,
    [version](reader& rr, metadata_broker& b) {
      b.node_id = rr.read_i32();
      b.host = rr.read_string();
      b.port = rr.read_i32();
      if (version >= 1)
        b.rack = rr.read_nullable_string();
    },
    10);
  if (version >= 2)
    resp.cluster_id = r.read_nullable_string();
  resp.controller_id = version >= 1 ? r.read_i32() : -1;
  read_array(
    r, false, resp.topics,
    [version](reader& rr, metadata_topic& t) {
      t.error = static_cast<error_code>(rr.read_i16());
      t.name = rr.read_string();
      t.is_internal = version >= 1 ? rr.read_bool() : false;
      read_array(
        rr, false, t.partitions,
        [version](reader& r3, metadata_partition& p) {
          p.error = static_cast<error_code>(r3.read_i16());
          p.partition_index = r3.read_i32();
          p.leader_id = r3.read_i32();
          p.leader_epoch = version >= 7 ? r3.read_i32() : -1;
          read_i32_array(r3, false, p.replica_nodes);
          read_i32_array(r3, false, p.isr_nodes);
          if (version >= 5)
            read_i32_array(r3, false, p.offline_replicas);
        },
        18);
      if (version >= 8)
        t.topic_authorized_operations = rr.read_i32();
    },
    8);
  if (version >= 8)
    resp.cluster_authorized_operations = r.read_i32();
  return !r.failed();
}

} // namespace samsa::kafka
