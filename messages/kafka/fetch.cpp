// Fetch codec. Field order per Kafka's FetchRequest.json / FetchResponse.json.

#include "messages/kafka/fetch.hpp"

#include "messages/kafka/api_table.hpp"

#include <limits>

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::fetch), version);
}

// A topic in requests and answers: its name up to v12, its id from v13.
void read_topic(reader& r, int16_t version, std::string& name, uuid& id) {
  if (version >= 13)
    id = read_uuid(r);
  else
    name = r.read_string(flexible(version));
}

void write_topic(writer& w, int16_t version, const std::string& name, const uuid& id) {
  if (version >= 13)
    write_uuid(w, id);
  else
    w.write_string(name, flexible(version));
}

// Smallest encoded topic entry (name or id, an array count, a tag section in flexible versions).
size_t min_topic_size(int16_t version) {
  if (version >= 13)
    return 16 + 1 + 1;
  return flexible(version) ? 3 : 6;
}

} // namespace

bool decode(reader& r, int16_t version, fetch_request& req) {
  if (!is_supported(api_key::fetch, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  req.cluster_id.reset();
  req.replica_id = version <= 14 ? r.read_i32() : -1;
  req.replica_epoch = -1;
  req.max_wait_ms = r.read_i32();
  req.min_bytes = r.read_i32();
  req.max_bytes = version >= 3 ? r.read_i32() : std::numeric_limits<int32_t>::max(); // v3+
  req.isolation_level = version >= 4 ? r.read_i8() : 0;
  if (version >= 7) {
    req.session_id = r.read_i32();
    req.session_epoch = r.read_i32();
  } else {
    req.session_id = 0;
    req.session_epoch = -1;
  }
  const size_t partition_size = 16 + (version >= 5 ? 8 : 0) + (version >= 9 ? 4 : 0) + (version >= 12 ? 4 : 0) +
                                (flex ? 1 : 0);
  read_array(
    r, flex, req.topics,
    [version, flex, partition_size](reader& rr, fetch_topic& t) {
      read_topic(rr, version, t.topic, t.topic_id);
      read_array(
        rr, flex, t.partitions,
        [version, flex](reader& r3, fetch_partition& p) {
          p.partition = r3.read_i32();
          p.current_leader_epoch = version >= 9 ? r3.read_i32() : -1;
          p.fetch_offset = r3.read_i64();
          p.last_fetched_epoch = version >= 12 ? r3.read_i32() : -1;
          p.log_start_offset = version >= 5 ? r3.read_i64() : -1;
          p.partition_max_bytes = r3.read_i32();
          p.replica_directory_id = zero_uuid;
          if (flex)
            r3.read_tagged_fields([&p, version](uint32_t tag, reader& f) {
              if (tag != 0 || version < 17)
                return false;
              p.replica_directory_id = read_uuid(f);
              return true;
            });
        },
        partition_size);
      end_struct(rr, flex);
    },
    min_topic_size(version));
  req.forgotten_topics_data.clear();
  if (version >= 7) {
    read_array(
      r, flex, req.forgotten_topics_data,
      [version, flex](reader& rr, fetch_forgotten_topic& t) {
        read_topic(rr, version, t.topic, t.topic_id);
        read_i32_array(rr, flex, t.partitions);
        end_struct(rr, flex);
      },
      min_topic_size(version));
  }
  req.rack_id = version >= 11 ? r.read_string(flex) : std::string{};
  if (flex) {
    r.read_tagged_fields([&](uint32_t tag, reader& f) {
      if (tag == 0) {
        req.cluster_id = f.read_nullable_string(true);
        return true;
      }
      if (tag == 1 && version >= 15) {
        req.replica_id = f.read_i32();
        req.replica_epoch = f.read_i64();
        end_struct(f, true);
        return true;
      }
      return false;
    });
  }
  return !r.failed();
}

void encode(writer& w, int16_t version, const fetch_request& req) {
  if (!is_supported(api_key::fetch, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version <= 14)
    w.write_i32(req.replica_id);
  w.write_i32(req.max_wait_ms);
  w.write_i32(req.min_bytes);
  if (version >= 3)
    w.write_i32(req.max_bytes);
  if (version >= 4)
    w.write_i8(req.isolation_level);
  if (version >= 7) {
    w.write_i32(req.session_id);
    w.write_i32(req.session_epoch);
  }
  write_array(w, flex, req.topics, [version, flex](writer& ww, const fetch_topic& t) {
    write_topic(ww, version, t.topic, t.topic_id);
    write_array(ww, flex, t.partitions, [version, flex](writer& w3, const fetch_partition& p) {
      w3.write_i32(p.partition);
      if (version >= 9)
        w3.write_i32(p.current_leader_epoch);
      w3.write_i64(p.fetch_offset);
      if (version >= 12)
        w3.write_i32(p.last_fetched_epoch);
      if (version >= 5)
        w3.write_i64(p.log_start_offset);
      w3.write_i32(p.partition_max_bytes);
      if (!flex)
        return;
      // The directory id goes out only when it differs from its default (the zero uuid).
      const bool directory = version >= 17 && p.replica_directory_id != zero_uuid;
      w3.write_uvarint(directory ? 1 : 0);
      if (directory)
        w3.write_tagged_field(0, [&](writer& f) { write_uuid(f, p.replica_directory_id); });
    });
    end_struct(ww, flex);
  });
  if (version >= 7) {
    write_array(w, flex, req.forgotten_topics_data, [version, flex](writer& ww, const fetch_forgotten_topic& t) {
      write_topic(ww, version, t.topic, t.topic_id);
      write_i32_array(ww, flex, t.partitions);
      end_struct(ww, flex);
    });
  }
  if (version >= 11)
    w.write_string(req.rack_id, flex);
  if (flex) {
    // Tagged fields go out only when they differ from their defaults (null; replica -1 and epoch -1).
    const bool state = version >= 15 && (req.replica_id != -1 || req.replica_epoch != -1);
    w.write_uvarint((req.cluster_id ? 1 : 0) + (state ? 1 : 0));
    if (req.cluster_id)
      w.write_tagged_field(0, [&](writer& f) { f.write_nullable_string(req.cluster_id, true); });
    if (state)
      w.write_tagged_field(1, [&](writer& f) {
        f.write_i32(req.replica_id);
        f.write_i64(req.replica_epoch);
        end_struct(f, true);
      });
  }
}

void encode(writer& w, int16_t version, const fetch_response& resp) {
  if (!is_supported(api_key::fetch, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  if (version >= 7) {
    w.write_i16(to_int(resp.error));
    w.write_i32(resp.session_id);
  }
  write_array(w, flex, resp.responses, [version, flex](writer& ww, const fetch_topic_response& t) {
    write_topic(ww, version, t.topic, t.topic_id);
    write_array(ww, flex, t.partitions, [version, flex](writer& w3, const fetch_partition_data& p) {
      w3.write_i32(p.partition_index);
      w3.write_i16(to_int(p.error));
      w3.write_i64(p.high_watermark);
      if (version >= 4) {
        w3.write_i64(p.last_stable_offset);
        if (version >= 5)
          w3.write_i64(p.log_start_offset);
        write_nullable_array(w3, flex, p.aborted_transactions, [flex](writer& w4, const fetch_aborted_transaction& a) {
          w4.write_i64(a.producer_id);
          w4.write_i64(a.first_offset);
          end_struct(w4, flex);
        });
      }
      if (version >= 11)
        w3.write_i32(p.preferred_read_replica);
      w3.write_nullable_bytes(p.records, flex);
      if (flex) {
        w3.write_uvarint((p.diverging_epoch ? 1 : 0) + (p.current_leader ? 1 : 0) + (p.snapshot_id ? 1 : 0));
        if (p.diverging_epoch)
          w3.write_tagged_field(0, [&](writer& f) {
            f.write_i32(p.diverging_epoch->first);
            f.write_i64(p.diverging_epoch->second);
            end_struct(f, true);
          });
        if (p.current_leader)
          w3.write_tagged_field(1, [&](writer& f) {
            f.write_i32(p.current_leader->first);
            f.write_i32(p.current_leader->second);
            end_struct(f, true);
          });
        if (p.snapshot_id)
          w3.write_tagged_field(2, [&](writer& f) {
            f.write_i64(p.snapshot_id->first);
            f.write_i32(p.snapshot_id->second);
            end_struct(f, true);
          });
      }
    });
    end_struct(ww, flex);
  });
  if (flex) {
    const bool endpoints = version >= 16 && !resp.node_endpoints.empty();
    w.write_uvarint(endpoints ? 1 : 0);
    if (endpoints)
      w.write_tagged_field(0, [&](writer& f) {
        write_array(f, true, resp.node_endpoints, [](writer& ff, const fetch_node_endpoint& n) {
          ff.write_i32(n.node_id);
          ff.write_string(n.host, true);
          ff.write_i32(n.port);
          ff.write_nullable_string(n.rack, true);
          end_struct(ff, true);
        });
      });
  }
}

bool decode(reader& r, int16_t version, fetch_response& resp) {
  if (!is_supported(api_key::fetch, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  if (version >= 7) {
    resp.error = static_cast<error_code>(r.read_i16());
    resp.session_id = r.read_i32();
  } else {
    resp.error = error_code::none;
    resp.session_id = 0;
  }
  const size_t array = flex ? 1 : 4;
  const size_t partition_size = 14 + (version >= 4 ? 8 + array : 0) + (version >= 5 ? 8 : 0) +
                                (version >= 11 ? 4 : 0) + array + (flex ? 1 : 0);
  read_array(
    r, flex, resp.responses,
    [version, flex, partition_size](reader& rr, fetch_topic_response& t) {
      read_topic(rr, version, t.topic, t.topic_id);
      read_array(
        rr, flex, t.partitions,
        [version, flex](reader& r3, fetch_partition_data& p) {
          p.partition_index = r3.read_i32();
          p.error = static_cast<error_code>(r3.read_i16());
          p.high_watermark = r3.read_i64();
          p.last_stable_offset = version >= 4 ? r3.read_i64() : -1;
          p.log_start_offset = version >= 5 ? r3.read_i64() : -1;
          if (version >= 4)
            read_nullable_array(
              r3, flex, p.aborted_transactions,
              [flex](reader& r4, fetch_aborted_transaction& a) {
                a.producer_id = r4.read_i64();
                a.first_offset = r4.read_i64();
                end_struct(r4, flex);
              },
              flex ? 17 : 16);
          p.preferred_read_replica = version >= 11 ? r3.read_i32() : -1;
          p.records = r3.read_nullable_bytes(flex);
          p.diverging_epoch.reset();
          p.current_leader.reset();
          p.snapshot_id.reset();
          if (flex) {
            r3.read_tagged_fields([&p](uint32_t tag, reader& f) {
              switch (tag) {
                case 0: {
                  auto epoch = f.read_i32();
                  p.diverging_epoch = std::make_pair(epoch, f.read_i64());
                  break;
                }
                case 1: {
                  auto leader = f.read_i32();
                  p.current_leader = std::make_pair(leader, f.read_i32());
                  break;
                }
                case 2: {
                  auto end = f.read_i64();
                  p.snapshot_id = std::make_pair(end, f.read_i32());
                  break;
                }
                default: return false;
              }
              end_struct(f, true);
              return true;
            });
          }
        },
        partition_size);
      end_struct(rr, flex);
    },
    min_topic_size(version));
  resp.node_endpoints.clear();
  if (flex) {
    r.read_tagged_fields([&](uint32_t tag, reader& f) {
      if (tag != 0 || version < 16)
        return false;
      read_array(
        f, true, resp.node_endpoints,
        [](reader& ff, fetch_node_endpoint& n) {
          n.node_id = ff.read_i32();
          n.host = ff.read_string(true);
          n.port = ff.read_i32();
          n.rack = ff.read_nullable_string(true);
          end_struct(ff, true);
        },
        11);
      return true;
    });
  }
  return !r.failed();
}

} // namespace samsa::kafka
