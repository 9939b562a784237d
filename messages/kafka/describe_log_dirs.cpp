// DescribeLogDirs codec. Field order per Kafka's DescribeLogDirsRequest.json /
// DescribeLogDirsResponse.json.

#include "messages/kafka/describe_log_dirs.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::describe_log_dirs), version);
}

} // namespace

bool decode(reader& r, int16_t version, describe_log_dirs_request& req) {
  if (!is_supported(api_key::describe_log_dirs, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  read_nullable_array(
    r, flex, req.topics,
    [flex](reader& rr, describe_log_dirs_topic& t) {
      t.topic = rr.read_string(flex);
      read_i32_array(rr, flex, t.partitions);
      end_struct(rr, flex);
    },
    flex ? 3 : 6);
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const describe_log_dirs_request& req) {
  if (!is_supported(api_key::describe_log_dirs, version))
    return w.fail();
  const bool flex = flexible(version);
  write_nullable_array(w, flex, req.topics, [flex](writer& ww, const describe_log_dirs_topic& t) {
    ww.write_string(t.topic, flex);
    write_i32_array(ww, flex, t.partitions);
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const describe_log_dirs_response& resp) {
  if (!is_supported(api_key::describe_log_dirs, version))
    return w.fail();
  const bool flex = flexible(version);
  w.write_i32(resp.throttle_time_ms);
  if (version >= 3)
    w.write_i16(to_int(resp.error));
  write_array(w, flex, resp.results, [version, flex](writer& ww, const describe_log_dirs_result& d) {
    ww.write_i16(to_int(d.error));
    ww.write_string(d.log_dir, flex);
    write_array(ww, flex, d.topics, [flex](writer& w3, const describe_log_dirs_topic_result& t) {
      w3.write_string(t.name, flex);
      write_array(w3, flex, t.partitions, [flex](writer& w4, const describe_log_dirs_partition& p) {
        w4.write_i32(p.partition_index);
        w4.write_i64(p.partition_size);
        w4.write_i64(p.offset_lag);
        w4.write_bool(p.is_future_key);
        end_struct(w4, flex);
      });
      end_struct(w3, flex);
    });
    if (version >= 4) {
      ww.write_i64(d.total_bytes);
      ww.write_i64(d.usable_bytes);
    }
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, describe_log_dirs_response& resp) {
  if (!is_supported(api_key::describe_log_dirs, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = r.read_i32();
  resp.error = version >= 3 ? static_cast<error_code>(r.read_i16()) : error_code::none;
  read_array(
    r, flex, resp.results,
    [version, flex](reader& rr, describe_log_dirs_result& d) {
      d.error = static_cast<error_code>(rr.read_i16());
      d.log_dir = rr.read_string(flex);
      read_array(
        rr, flex, d.topics,
        [flex](reader& r3, describe_log_dirs_topic_result& t) {
          t.name = r3.read_string(flex);
          read_array(
            r3, flex, t.partitions,
            [flex](reader& r4, describe_log_dirs_partition& p) {
              p.partition_index = r4.read_i32();
              p.partition_size = r4.read_i64();
              p.offset_lag = r4.read_i64();
              p.is_future_key = r4.read_bool();
              end_struct(r4, flex);
            },
            flex ? 22 : 21);
          end_struct(r3, flex);
        },
        flex ? 3 : 6);
      if (version >= 4) {
        d.total_bytes = rr.read_i64();
        d.usable_bytes = rr.read_i64();
      }
      end_struct(rr, flex);
    },
    flex ? 4 : 6);
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
