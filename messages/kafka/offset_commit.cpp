// OffsetCommit codec. Field order per Kafka's OffsetCommitRequest.json /
// OffsetCommitResponse.json.

#include "messages/kafka/offset_commit.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::offset_commit), version);
}

} // namespace

bool decode(reader& r, int16_t version, offset_commit_request& req) {
  if (!is_supported(api_key::offset_commit, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  req.group_id = r.read_string(flex);
  // v0 has no generation or member: a standalone commit, as a consumer without a group commits today.
  req.generation_id = version >= 1 ? r.read_i32() : -1;
  req.member_id = version >= 1 ? r.read_string(flex) : std::string{};
  if (version >= 7)
    req.group_instance_id = r.read_nullable_string(flex);
  else
    req.group_instance_id.reset();
  req.retention_time_ms = version >= 2 && version <= 4 ? r.read_i64() : -1;
  read_array(
    r, flex, req.topics,
    [version, flex](reader& rr, offset_commit_topic& t) {
      t.name = rr.read_string(flex);
      read_array(
        rr, flex, t.partitions,
        [version, flex](reader& r3, offset_commit_partition& p) {
          p.partition_index = r3.read_i32();
          p.committed_offset = r3.read_i64();
          // v1 only: the client's commit timestamp, which Kafka 3.x ignores too (commit time is the broker's).
          p.commit_timestamp = version == 1 ? r3.read_i64() : -1;
          p.committed_leader_epoch = version >= 6 ? r3.read_i32() : -1;
          p.committed_metadata = r3.read_nullable_string(flex);
          end_struct(r3, flex);
        },
        flex ? 17 : 14);
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const offset_commit_request& req) {
  if (!is_supported(api_key::offset_commit, version))
    return w.fail();
  const bool flex = flexible(version);
  w.write_string(req.group_id, flex);
  if (version >= 1) {
    w.write_i32(req.generation_id);
    w.write_string(req.member_id, flex);
  }
  if (version >= 7)
    w.write_nullable_string(req.group_instance_id, flex);
  if (version >= 2 && version <= 4)
    w.write_i64(req.retention_time_ms);
  write_array(w, flex, req.topics, [version, flex](writer& ww, const offset_commit_topic& t) {
    ww.write_string(t.name, flex);
    write_array(ww, flex, t.partitions, [version, flex](writer& w3, const offset_commit_partition& p) {
      w3.write_i32(p.partition_index);
      w3.write_i64(p.committed_offset);
      if (version == 1)
        w3.write_i64(p.commit_timestamp);
      if (version >= 6)
        w3.write_i32(p.committed_leader_epoch);
      w3.write_nullable_string(p.committed_metadata, flex);
      end_struct(w3, flex);
    });
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const offset_commit_response& resp) {
  if (!is_supported(api_key::offset_commit, version))
    return w.fail();
  const bool flex = flexible(version);
  if (version >= 3)
    w.write_i32(resp.throttle_time_ms);
  write_topic_partition_errors(w, resp.topics, flex);
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, offset_commit_response& resp) {
  if (!is_supported(api_key::offset_commit, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = version >= 3 ? r.read_i32() : 0;
  read_topic_partition_errors(r, resp.topics, flex);
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
