// Produce codec. Field order per Kafka's ProduceRequest.json / ProduceResponse.json (3.9: v0-11, v9+
// flexible; v10 adds the tagged current_leader and node_endpoints).

#include "messages/kafka/produce.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::produce), version);
}

} // namespace

bool decode(reader& r, int16_t version, produce_request& req) {
  if (!is_supported(api_key::produce, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  req.transactional_id = version >= 3 ? r.read_nullable_string(flex) : std::nullopt;
  req.acks = r.read_i16();
  req.timeout_ms = r.read_i32();
  read_array(
    r, flex, req.topics,
    [flex](reader& rr, produce_topic_data& t) {
      t.name = rr.read_string(flex);
      read_array(
        rr, flex, t.partitions,
        [flex](reader& r3, produce_partition_data& p) {
          p.index = r3.read_i32();
          p.records = r3.read_nullable_bytes(flex);
          end_struct(r3, flex);
        },
        flex ? 6 : 8);
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const produce_request& req) {
  if (!is_supported(api_key::produce, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 3)
    w.write_nullable_string(req.transactional_id, flex);
  w.write_i16(req.acks);
  w.write_i32(req.timeout_ms);
  write_array(w, flex, req.topics, [flex](writer& ww, const produce_topic_data& t) {
    ww.write_string(t.name, flex);
    write_array(ww, flex, t.partitions, [flex](writer& w3, const produce_partition_data& p) {
      w3.write_i32(p.index);
      w3.write_nullable_bytes(p.records, flex);
      end_struct(w3, flex);
    });
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const produce_response& resp) {
  if (!is_supported(api_key::produce, version))
    return w.fail();
  const bool flex = flexible(version);
  write_array(w, flex, resp.topics, [version, flex](writer& ww, const produce_topic_response& t) {
    ww.write_string(t.name, flex);
    write_array(ww, flex, t.partitions, [version, flex](writer& w3, const produce_partition_response& p) {
      w3.write_i32(p.index);
      w3.write_i16(to_int(p.error));
      w3.write_i64(p.base_offset);
      if (version >= 2)
        w3.write_i64(p.log_append_time_ms);
      if (version >= 5)
        w3.write_i64(p.log_start_offset);
      if (version >= 8) {
        write_array(w3, flex, p.record_errors, [flex](writer& w4, const produce_record_error& e) {
          w4.write_i32(e.batch_index);
          w4.write_nullable_string(e.message, flex);
          end_struct(w4, flex);
        });
        w3.write_nullable_string(p.error_message, flex);
      }
      if (!flex)
        return;
      if (version >= 10 && p.current_leader) {
        w3.write_uvarint(1);
        w3.write_tagged_field(0, [&](writer& body) {
          body.write_i32(p.current_leader->leader_id);
          body.write_i32(p.current_leader->leader_epoch);
          body.write_empty_tagged_fields();
        });
      } else {
        w3.write_empty_tagged_fields();
      }
    });
    end_struct(ww, flex);
  });
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  if (!flex)
    return;
  if (version >= 10 && !resp.node_endpoints.empty()) {
    w.write_uvarint(1);
    w.write_tagged_field(0, [&](writer& body) {
      write_array(body, true, resp.node_endpoints, [](writer& w2, const produce_node_endpoint& n) {
        w2.write_i32(n.node_id);
        w2.write_compact_string(n.host);
        w2.write_i32(n.port);
        w2.write_nullable_string(n.rack, true);
        w2.write_empty_tagged_fields();
      });
    });
  } else {
    w.write_empty_tagged_fields();
  }
}

bool decode(reader& r, int16_t version, produce_response& resp) {
  if (!is_supported(api_key::produce, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  read_array(
    r, flex, resp.topics,
    [version, flex](reader& rr, produce_topic_response& t) {
      t.name = rr.read_string(flex);
      read_array(
        rr, flex, t.partitions,
        [version, flex](reader& r3, produce_partition_response& p) {
          p.index = r3.read_i32();
          p.error = static_cast<error_code>(r3.read_i16());
          p.base_offset = r3.read_i64();
          p.log_append_time_ms = version >= 2 ? r3.read_i64() : -1;
          p.log_start_offset = version >= 5 ? r3.read_i64() : -1;
          if (version >= 8) {
            read_array(
              r3, flex, p.record_errors,
              [flex](reader& r4, produce_record_error& e) {
                e.batch_index = r4.read_i32();
                e.message = r4.read_nullable_string(flex);
                end_struct(r4, flex);
              },
              5);
            p.error_message = r3.read_nullable_string(flex);
          }
          if (flex)
            r3.read_tagged_fields([&](uint32_t tag, reader& body) {
              if (tag != 0 || version < 10)
                return false;
              produce_leader l;
              l.leader_id = body.read_i32();
              l.leader_epoch = body.read_i32();
              body.skip_tagged_fields();
              p.current_leader = l;
              return true;
            });
        },
        flex ? 15 : 14);
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  if (flex)
    r.read_tagged_fields([&](uint32_t tag, reader& body) {
      if (tag != 0 || version < 10)
        return false;
      read_array(
        body, true, resp.node_endpoints,
        [](reader& b2, produce_node_endpoint& n) {
          n.node_id = b2.read_i32();
          n.host = b2.read_compact_string();
          n.port = b2.read_i32();
          n.rack = b2.read_compact_nullable_string();
          b2.skip_tagged_fields();
        },
        11);
      return true;
    });
  return !r.failed();
}

} // namespace samsa::kafka
