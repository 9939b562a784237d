// CreateTopics codec. Field order per Kafka's CreateTopicsRequest.json /
// CreateTopicsResponse.json (3.9: v0-7, v5+ flexible).

#include "messages/kafka/create_topics.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::create_topics), version);
}

} // namespace

bool decode(reader& r, int16_t version, create_topics_request& req) {
  if (!is_supported(api_key::create_topics, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  read_array(
    r, flex, req.topics,
    [flex](reader& rr, create_topics_topic& t) {
      t.name = rr.read_string(flex);
      t.num_partitions = rr.read_i32();
      t.replication_factor = rr.read_i16();
      read_array(
        rr, flex, t.assignments,
        [flex](reader& r3, create_topics_assignment& a) {
          a.partition_index = r3.read_i32();
          read_i32_array(r3, flex, a.broker_ids);
          end_struct(r3, flex);
        },
        flex ? 6 : 8);
      read_array(
        rr, flex, t.configs,
        [flex](reader& r3, create_topics_config& c) {
          c.name = r3.read_string(flex);
          c.value = r3.read_nullable_string(flex);
          end_struct(r3, flex);
        },
        flex ? 3 : 4);
      end_struct(rr, flex);
    },
    flex ? 9 : 16);
  req.timeout_ms = r.read_i32();
  req.validate_only = version >= 1 ? r.read_bool() : false;
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const create_topics_request& req) {
  if (!is_supported(api_key::create_topics, version))
    return w.fail();
  const bool flex = flexible(version);
  write_array(w, flex, req.topics, [flex](writer& ww, const create_topics_topic& t) {
    ww.write_string(t.name, flex);
    ww.write_i32(t.num_partitions);
    ww.write_i16(t.replication_factor);
    write_array(ww, flex, t.assignments, [flex](writer& w3, const create_topics_assignment& a) {
      w3.write_i32(a.partition_index);
      write_i32_array(w3, flex, a.broker_ids);
      end_struct(w3, flex);
    });
    write_array(ww, flex, t.configs, [flex](writer& w3, const create_topics_config& c) {
      w3.write_string(c.name, flex);
      w3.write_nullable_string(c.value, flex);
      end_struct(w3, flex);
    });
    end_struct(ww, flex);
  });
  w.write_i32(req.timeout_ms);
  if (version >= 1)
    w.write_bool(req.validate_only);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const create_topics_response& resp) {
  if (!is_supported(api_key::create_topics, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 2)
    w.write_i32(resp.throttle_time_ms);
  write_array(w, flex, resp.topics, [version, flex](writer& ww, const create_topics_topic_result& t) {
    ww.write_string(t.name, flex);
    if (version >= 7)
      write_uuid(ww, t.topic_id);
    ww.write_i16(to_int(t.error));
    if (version >= 1)
      ww.write_nullable_string(t.error_message, flex);
    if (version >= 5) {
      ww.write_i32(t.num_partitions);
      ww.write_i16(t.replication_factor);
      write_nullable_array(ww, true, t.configs, [](writer& w3, const create_topics_result_config& c) {
        w3.write_compact_string(c.name);
        w3.write_nullable_string(c.value, true);
        w3.write_bool(c.read_only);
        w3.write_i8(c.config_source);
        w3.write_bool(c.is_sensitive);
        w3.write_empty_tagged_fields();
      });
    }
    if (!flex)
      return;
    if (t.topic_config_error) {
      ww.write_uvarint(1);
      ww.write_tagged_field(0, [&](writer& body) { body.write_i16(to_int(*t.topic_config_error)); });
    } else {
      ww.write_empty_tagged_fields();
    }
  });
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, create_topics_response& resp) {
  if (!is_supported(api_key::create_topics, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 2 ? r.read_i32() : 0;
  read_array(
    r, flex, resp.topics,
    [version, flex](reader& rr, create_topics_topic_result& t) {
      t.name = rr.read_string(flex);
      t.topic_id = version >= 7 ? read_uuid(rr) : zero_uuid;
      t.error = static_cast<error_code>(rr.read_i16());
      if (version >= 1)
        t.error_message = rr.read_nullable_string(flex);
      else
        t.error_message.reset();
      if (version >= 5) {
        t.num_partitions = rr.read_i32();
        t.replication_factor = rr.read_i16();
        read_nullable_array(
          rr, true, t.configs,
          [](reader& r3, create_topics_result_config& c) {
            c.name = r3.read_compact_string();
            c.value = r3.read_compact_nullable_string();
            c.read_only = r3.read_bool();
            c.config_source = r3.read_i8();
            c.is_sensitive = r3.read_bool();
            r3.skip_tagged_fields();
          },
          6);
      }
      if (flex)
        rr.read_tagged_fields([&](uint32_t tag, reader& body) {
          if (tag != 0)
            return false;
          t.topic_config_error = static_cast<error_code>(body.read_i16());
          return true;
        });
    },
    flex ? 5 : 4);
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
