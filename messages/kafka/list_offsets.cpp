// ListOffsets codec. Field order per Kafka's ListOffsetsRequest.json / ListOffsetsResponse.json.

#include "messages/kafka/list_offsets.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::list_offsets), version);
}

} // namespace

bool decode(reader& r, int16_t version, list_offsets_request& req) {
  if (!is_supported(api_key::list_offsets, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  req.replica_id = r.read_i32();
  req.isolation_level = version >= 2 ? r.read_i8() : 0;
  read_array(
    r, flex, req.topics,
    [version, flex](reader& rr, list_offsets_topic& t) {
      t.name = rr.read_string(flex);
      read_array(
        rr, flex, t.partitions,
        [version, flex](reader& r3, list_offsets_partition& p) {
          p.partition_index = r3.read_i32();
          p.current_leader_epoch = version >= 4 ? r3.read_i32() : -1;
          p.timestamp = r3.read_i64();
          p.max_num_offsets = version == 0 ? r3.read_i32() : 1;
          end_struct(r3, flex);
        },
        12);
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const list_offsets_request& req) {
  if (!is_supported(api_key::list_offsets, version))
    return w.fail();
  const bool flex = flexible(version);
  w.write_i32(req.replica_id);
  if (version >= 2)
    w.write_i8(req.isolation_level);
  write_array(w, flex, req.topics, [version, flex](writer& ww, const list_offsets_topic& t) {
    ww.write_string(t.name, flex);
    write_array(ww, flex, t.partitions, [version, flex](writer& w3, const list_offsets_partition& p) {
      w3.write_i32(p.partition_index);
      if (version >= 4)
        w3.write_i32(p.current_leader_epoch);
      w3.write_i64(p.timestamp);
      if (version == 0)
        w3.write_i32(p.max_num_offsets);
      end_struct(w3, flex);
    });
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const list_offsets_response& resp) {
  if (!is_supported(api_key::list_offsets, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 2)
    w.write_i32(resp.throttle_time_ms);
  write_array(w, flex, resp.topics, [version, flex](writer& ww, const list_offsets_topic_response& t) {
    ww.write_string(t.name, flex);
    write_array(ww, flex, t.partitions,
                [version, flex](writer& w3, const list_offsets_partition_response& p) {
                  w3.write_i32(p.partition_index);
                  w3.write_i16(to_int(p.error));
                  if (version == 0) {
                    const bool found = p.error == error_code::none && p.offset >= 0;
                    w3.write_i32(found ? 1 : 0);
                    if (found)
                      w3.write_i64(p.offset);
                    return;
                  }
                  w3.write_i64(p.timestamp);
                  w3.write_i64(p.offset);
                  if (version >= 4)
                    w3.write_i32(p.leader_epoch);
                  end_struct(w3, flex);
                });
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, list_offsets_response& resp) {
  if (!is_supported(api_key::list_offsets, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 2 ? r.read_i32() : 0;
  read_array(
    r, flex, resp.topics,
    [version, flex](reader& rr, list_offsets_topic_response& t) {
      t.name = rr.read_string(flex);
      read_array(
        rr, flex, t.partitions,
        [version, flex](reader& r3, list_offsets_partition_response& p) {
          p.partition_index = r3.read_i32();
          p.error = static_cast<error_code>(r3.read_i16());
          if (version == 0) {
            std::vector<int64_t> offsets;
            read_array(r3, false, offsets, [](reader& r4, int64_t& o) { o = r4.read_i64(); }, 8);
            p.timestamp = -1;
            p.offset = offsets.empty() ? -1 : offsets.front();
            return;
          }
          p.timestamp = r3.read_i64();
          p.offset = r3.read_i64();
          p.leader_epoch = version >= 4 ? r3.read_i32() : -1;
          end_struct(r3, flex);
        },
        version == 0 ? 10 : 22);
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
