// Metadata codec. Field order per Kafka's MetadataRequest.json / MetadataResponse.json.

#include "messages/kafka/metadata.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::metadata), version);
}

// v10+: one requested topic, (topic id, nullable name).
struct requested_topic {
  uuid id = zero_uuid;
  std::optional<std::string> name;
};

} // namespace

bool decode(reader& r, int16_t version, metadata_request& req) {
  if (!is_supported(api_key::metadata, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  if (version >= 10) {
    std::optional<std::vector<requested_topic>> entries;
    read_nullable_array(
      r, true, entries,
      [](reader& rr, requested_topic& t) {
        t.id = read_uuid(rr);
        t.name = rr.read_nullable_string(true);
        end_struct(rr, true);
      },
      18);
    if (entries) {
      req.topics.emplace();
      for (auto& e : *entries) {
        if (e.name)
          req.topics->push_back(std::move(*e.name));
        else
          req.topic_ids.push_back(e.id);
      }
    }
  } else {
    auto topic = [flex](reader& rr, std::string& s) {
      s = rr.read_string(flex);
      end_struct(rr, flex);
    };
    if (version >= 1) {
      read_nullable_array(r, flex, req.topics, topic, 2);
    } else {
      req.topics.emplace();
      read_array(r, false, *req.topics, topic, 2);
    }
  }
  req.allow_auto_topic_creation = version >= 4 ? r.read_bool() : true;
  req.include_cluster_authorized_operations = version >= 8 && version <= 10 ? r.read_bool() : false;
  req.include_topic_authorized_operations = version >= 8 ? r.read_bool() : false;
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const metadata_request& req) {
  if (!is_supported(api_key::metadata, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 10) {
    std::optional<std::vector<requested_topic>> entries;
    if (req.topics) {
      entries.emplace();
      for (const auto& name : *req.topics)
        entries->push_back({zero_uuid, name});
      for (const auto& id : req.topic_ids)
        entries->push_back({id, std::nullopt});
    }
    write_nullable_array(w, true, entries, [](writer& ww, const requested_topic& t) {
      write_uuid(ww, t.id);
      ww.write_nullable_string(t.name, true);
      end_struct(ww, true);
    });
  } else {
    auto topic = [flex](writer& ww, const std::string& s) {
      ww.write_string(s, flex);
      end_struct(ww, flex);
    };
    if (version >= 1)
      write_nullable_array(w, flex, req.topics, topic);
    else if (req.topics)
      write_array(w, false, *req.topics, topic);
    else
      w.write_array_len(0); // v0 says "all topics" with an empty array
  }
  if (version >= 4)
    w.write_bool(req.allow_auto_topic_creation);
  if (version >= 8 && version <= 10)
    w.write_bool(req.include_cluster_authorized_operations);
  if (version >= 8)
    w.write_bool(req.include_topic_authorized_operations);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const metadata_response& resp) {
  if (!is_supported(api_key::metadata, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 3)
    w.write_i32(resp.throttle_time_ms);
  write_array(w, flex, resp.brokers, [version, flex](writer& ww, const metadata_broker& b) {
    ww.write_i32(b.node_id);
    ww.write_string(b.host, flex);
    ww.write_i32(b.port);
    if (version >= 1)
      ww.write_nullable_string(b.rack, flex);
    end_struct(ww, flex);
  });
  if (version >= 2)
    w.write_nullable_string(resp.cluster_id, flex);
  if (version >= 1)
    w.write_i32(resp.controller_id);
  write_array(w, flex, resp.topics, [version, flex](writer& ww, const metadata_topic& t) {
    ww.write_i16(to_int(t.error));
    if (version >= 12 && t.name.empty())
      ww.write_nullable_string(std::nullopt, true);
    else
      ww.write_string(t.name, flex);
    if (version >= 10)
      write_uuid(ww, t.topic_id);
    if (version >= 1)
      ww.write_bool(t.is_internal);
    write_array(ww, flex, t.partitions, [version, flex](writer& w3, const metadata_partition& p) {
      w3.write_i16(to_int(p.error));
      w3.write_i32(p.partition_index);
      w3.write_i32(p.leader_id);
      if (version >= 7)
        w3.write_i32(p.leader_epoch);
      write_i32_array(w3, flex, p.replica_nodes);
      write_i32_array(w3, flex, p.isr_nodes);
      if (version >= 5)
        write_i32_array(w3, flex, p.offline_replicas);
      end_struct(w3, flex);
    });
    if (version >= 8)
      ww.write_i32(t.topic_authorized_operations);
    end_struct(ww, flex);
  });
  if (version >= 8 && version <= 10)
    w.write_i32(resp.cluster_authorized_operations);
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, metadata_response& resp) {
  if (!is_supported(api_key::metadata, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 3 ? r.read_i32() : 0;
  read_array(
    r, flex, resp.brokers,
    [version, flex](reader& rr, metadata_broker& b) {
      b.node_id = rr.read_i32();
      b.host = rr.read_string(flex);
      b.port = rr.read_i32();
      if (version >= 1)
        b.rack = rr.read_nullable_string(flex);
      end_struct(rr, flex);
    },
    flex ? 7 : 10);
  if (version >= 2)
    resp.cluster_id = r.read_nullable_string(flex);
  resp.controller_id = version >= 1 ? r.read_i32() : -1;
  read_array(
    r, flex, resp.topics,
    [version, flex](reader& rr, metadata_topic& t) {
      t.error = static_cast<error_code>(rr.read_i16());
      t.name = version >= 12 ? rr.read_nullable_string(true).value_or("") : rr.read_string(flex);
      t.topic_id = version >= 10 ? read_uuid(rr) : zero_uuid;
      t.is_internal = version >= 1 ? rr.read_bool() : false;
      read_array(
        rr, flex, t.partitions,
        [version, flex](reader& r3, metadata_partition& p) {
          p.error = static_cast<error_code>(r3.read_i16());
          p.partition_index = r3.read_i32();
          p.leader_id = r3.read_i32();
          p.leader_epoch = version >= 7 ? r3.read_i32() : -1;
          read_i32_array(r3, flex, p.replica_nodes);
          read_i32_array(r3, flex, p.isr_nodes);
          if (version >= 5)
            read_i32_array(r3, flex, p.offline_replicas);
          end_struct(r3, flex);
        },
        flex ? 13 : 18);
      if (version >= 8)
        t.topic_authorized_operations = rr.read_i32();
      end_struct(rr, flex);
    },
    flex ? 5 : 8);
  if (version >= 8 && version <= 10)
    resp.cluster_authorized_operations = r.read_i32();
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
