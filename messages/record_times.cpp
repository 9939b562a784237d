#include "messages/record_times.hpp"

#include "messages/bytes.hpp"
#include "messages/crc32c.hpp"

namespace samsa {

std::optional<std::vector<record_time>> record_times(const char* p, size_t n) {
  auto h = read_batch_header(p, n);
  if (!h || h->total_size() > n || h->compression() != 0 || h->is_control() ||
      h->records_count < 0)
    return std::nullopt;
  const char* cur = p + batch_header_size;
  const char* end = p + h->total_size();
  // Each record takes at least 7 bytes: a count the batch cannot hold is refused before reserving.
  if (h->records_count > (end - cur) / 7 + 1)
    return std::nullopt;
  std::vector<record_time> out;
  out.reserve(static_cast<size_t>(h->records_count));
  for (int32_t i = 0; i < h->records_count; ++i) {
    int32_t len;
    if (!decode_varint(cur, end, len) || len < 1 || end - cur < len)
      return std::nullopt;
    const char* rend = cur + len;
    const char* f = cur + 1;  // after the record attributes
    int64_t ts_delta;
    int32_t offset_delta;
    if (!decode_varlong(f, rend, ts_delta) || !decode_varint(f, rend, offset_delta))
      return std::nullopt;
    const int64_t ts = h->is_log_append_time() ? h->max_timestamp : h->base_timestamp + ts_delta;
    out.push_back({offset_delta, ts});
    cur = rend;
  }
  return out;
}

std::optional<record_time> first_record_at_or_after(const std::vector<record_time>& times,
                                                   int64_t ts) {
  for (const auto& t : times)
    if (t.timestamp >= ts)
      return t;
  return std::nullopt;
}

std::optional<record_time> record_with_max_timestamp(const std::vector<record_time>& times) {
  std::optional<record_time> best;
  for (const auto& t : times)
    if (!best || t.timestamp > best->timestamp)
      best = t;
  return best;
}

bool header_max_timestamp_plausible(const batch_header& h) {
  return h.is_log_append_time() || (h.base_timestamp >= 0 && h.max_timestamp >= h.base_timestamp);
}

int64_t batch_max_timestamp(const char* p, size_t n) {
  auto h = read_batch_header(p, n);
  if (!h)
    return -1;
  if (h->is_log_append_time() || h->compression() != 0)
    return h->max_timestamp;
  auto times = record_times(p, n);
  if (!times)
    return -1;
  auto best = record_with_max_timestamp(*times);
  return best ? best->timestamp : -1;
}

bool normalize_max_timestamp(char* p, size_t n) {
  auto h = read_batch_header(p, n);
  if (!h || h->is_log_append_time() || h->compression() != 0)
    return false;
  const int64_t real = batch_max_timestamp(p, n);
  if (real == h->max_timestamp)
    return false;
  write_i64(p + batch_field::max_timestamp, real);
  write_u32(p + batch_field::crc,
            crc32c(p + batch_field::attributes, h->total_size() - batch_field::attributes));
  return true;
}

}  // namespace samsa
