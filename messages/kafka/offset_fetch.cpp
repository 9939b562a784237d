// OffsetFetch codec. Field order per Kafka's OffsetFetchRequest.json / OffsetFetchResponse.json.

#include "messages/kafka/offset_fetch.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::offset_fetch), version);
}

void read_topic(reader& r, bool flex, offset_fetch_topic& t) {
  t.name = r.read_string(flex);
  read_i32_array(r, flex, t.partition_indexes);
  end_struct(r, flex);
}

void write_topic(writer& w, bool flex, const offset_fetch_topic& t) {
  w.write_string(t.name, flex);
  write_i32_array(w, flex, t.partition_indexes);
  end_struct(w, flex);
}

// topics[name, partitions[...]]: the answer of v0-7 and of each group in v8+ (which always has the epoch).
void write_topics(writer& w, int16_t version, bool flex, const std::vector<offset_fetch_topic_response>& topics) {
  write_array(w, flex, topics, [version, flex](writer& ww, const offset_fetch_topic_response& t) {
    ww.write_string(t.name, flex);
    write_array(ww, flex, t.partitions, [version, flex](writer& w3, const offset_fetch_partition& p) {
      w3.write_i32(p.partition_index);
      w3.write_i64(p.committed_offset);
      if (version >= 5)
        w3.write_i32(p.committed_leader_epoch);
      w3.write_nullable_string(p.metadata, flex);
      w3.write_i16(to_int(p.error));
      end_struct(w3, flex);
    });
    end_struct(ww, flex);
  });
}

void read_topics(reader& r, int16_t version, bool flex, std::vector<offset_fetch_topic_response>& topics) {
  read_array(
    r, flex, topics,
    [version, flex](reader& rr, offset_fetch_topic_response& t) {
      t.name = rr.read_string(flex);
      read_array(
        rr, flex, t.partitions,
        [version, flex](reader& r3, offset_fetch_partition& p) {
          p.partition_index = r3.read_i32();
          p.committed_offset = r3.read_i64();
          p.committed_leader_epoch = version >= 5 ? r3.read_i32() : -1;
          p.metadata = r3.read_nullable_string(flex);
          p.error = static_cast<error_code>(r3.read_i16());
          end_struct(r3, flex);
        },
        flex ? 15 : 16);
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
}

} // namespace

bool decode(reader& r, int16_t version, offset_fetch_request& req) {
  if (!is_supported(api_key::offset_fetch, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  auto topic = [flex](reader& rr, offset_fetch_topic& t) { read_topic(rr, flex, t); };
  req.group_id.clear();
  req.topics.reset();
  req.groups.clear();
  if (version >= 8) {
    read_array(
      r, true, req.groups,
      [version, topic](reader& rr, offset_fetch_group& g) {
        g.group_id = rr.read_string(true);
        if (version >= 9) {
          g.member_id = rr.read_nullable_string(true);
          g.member_epoch = rr.read_i32();
        }
        read_nullable_array(rr, true, g.topics, topic, 3);
        end_struct(rr, true);
      },
      3);
  } else {
    req.group_id = r.read_string(flex);
    if (version >= 2) {
      read_nullable_array(r, flex, req.topics, topic, flex ? 3 : 6);
    } else {
      req.topics.emplace();
      read_array(r, false, *req.topics, topic, 6);
    }
  }
  req.require_stable = version >= 7 ? r.read_bool() : false;
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const offset_fetch_request& req) {
  if (!is_supported(api_key::offset_fetch, version))
    return w.fail();
  const bool flex = flexible(version);
  auto topic = [flex](writer& ww, const offset_fetch_topic& t) { write_topic(ww, flex, t); };
  if (version >= 8) {
    write_array(w, true, req.groups, [version, topic](writer& ww, const offset_fetch_group& g) {
      ww.write_string(g.group_id, true);
      if (version >= 9) {
        ww.write_nullable_string(g.member_id, true);
        ww.write_i32(g.member_epoch);
      }
      write_nullable_array(ww, true, g.topics, topic);
      end_struct(ww, true);
    });
  } else {
    if (version < 2 && !req.topics)
      return w.fail(); // "all topics" cannot be said before v2
    w.write_string(req.group_id, flex);
    write_nullable_array(w, flex, req.topics, topic);
  }
  if (version >= 7)
    w.write_bool(req.require_stable);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const offset_fetch_response& resp) {
  if (!is_supported(api_key::offset_fetch, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 3)
    w.write_i32(resp.throttle_time_ms);
  if (version >= 8) {
    write_array(w, true, resp.groups, [version](writer& ww, const offset_fetch_group_response& g) {
      ww.write_string(g.group_id, true);
      write_topics(ww, version, true, g.topics);
      ww.write_i16(to_int(g.error));
      end_struct(ww, true);
    });
  } else {
    write_topics(w, version, flex, resp.topics);
    if (version >= 2)
      w.write_i16(to_int(resp.error));
  }
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, offset_fetch_response& resp) {
  if (!is_supported(api_key::offset_fetch, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 3 ? r.read_i32() : 0;
  resp.topics.clear();
  resp.groups.clear();
  resp.error = error_code::none;
  if (version >= 8) {
    read_array(
      r, true, resp.groups,
      [version](reader& rr, offset_fetch_group_response& g) {
        g.group_id = rr.read_string(true);
        read_topics(rr, version, true, g.topics);
        g.error = static_cast<error_code>(rr.read_i16());
        end_struct(rr, true);
      },
      5);
  } else {
    read_topics(r, version, flex, resp.topics);
    if (version >= 2)
      resp.error = static_cast<error_code>(r.read_i16());
  }
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
