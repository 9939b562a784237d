// OffsetForLeaderEpoch codec. Field order per Kafka's OffsetForLeaderEpochRequest.json / Response.json.

#include "messages/kafka/offset_for_leader_epoch.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::offset_for_leader_epoch), version);
}

} // namespace

bool decode(reader& r, int16_t version, offset_for_leader_epoch_request& req) {
  if (!is_supported(api_key::offset_for_leader_epoch, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  req.replica_id = version >= 3 ? r.read_i32() : -2;
  read_array(
    r, flex, req.topics,
    [version, flex](reader& rr, offset_for_leader_epoch_topic& t) {
      t.topic = rr.read_string(flex);
      read_array(
        rr, flex, t.partitions,
        [version, flex](reader& r3, offset_for_leader_epoch_partition& p) {
          p.partition = r3.read_i32();
          p.current_leader_epoch = version >= 2 ? r3.read_i32() : -1;
          p.leader_epoch = r3.read_i32();
          end_struct(r3, flex);
        },
        8);
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const offset_for_leader_epoch_request& req) {
  if (!is_supported(api_key::offset_for_leader_epoch, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 3)
    w.write_i32(req.replica_id);
  write_array(w, flex, req.topics, [version, flex](writer& ww, const offset_for_leader_epoch_topic& t) {
    ww.write_string(t.topic, flex);
    write_array(ww, flex, t.partitions, [version, flex](writer& w3, const offset_for_leader_epoch_partition& p) {
      w3.write_i32(p.partition);
      if (version >= 2)
        w3.write_i32(p.current_leader_epoch);
      w3.write_i32(p.leader_epoch);
      end_struct(w3, flex);
    });
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const offset_for_leader_epoch_response& resp) {
  if (!is_supported(api_key::offset_for_leader_epoch, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 2)
    w.write_i32(resp.throttle_time_ms);
  write_array(w, flex, resp.topics, [version, flex](writer& ww, const offset_for_leader_epoch_topic_response& t) {
    ww.write_string(t.topic, flex);
    write_array(ww, flex, t.partitions,
                [version, flex](writer& w3, const offset_for_leader_epoch_partition_response& p) {
                  w3.write_i16(to_int(p.error));
                  w3.write_i32(p.partition);
                  if (version >= 1)
                    w3.write_i32(p.leader_epoch);
                  w3.write_i64(p.end_offset);
                  end_struct(w3, flex);
                });
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, offset_for_leader_epoch_response& resp) {
  if (!is_supported(api_key::offset_for_leader_epoch, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 2 ? r.read_i32() : 0;
  read_array(
    r, flex, resp.topics,
    [version, flex](reader& rr, offset_for_leader_epoch_topic_response& t) {
      t.topic = rr.read_string(flex);
      read_array(
        rr, flex, t.partitions,
        [version, flex](reader& r3, offset_for_leader_epoch_partition_response& p) {
          p.error = static_cast<error_code>(r3.read_i16());
          p.partition = r3.read_i32();
          p.leader_epoch = version >= 1 ? r3.read_i32() : -1;
          p.end_offset = r3.read_i64();
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
