#include "messages/record_times.hpp"

#include "messages/bytes.hpp"
#include "messages/crc32c.hpp"
#include "messages/record_compaction.hpp"

namespace samsa {

std::optional<std::vector<record_time>> record_times(const char* p, size_t n) {
  auto records = raw_records(p, n);
  if (!records)
    return std::nullopt;
  const int64_t base = read_i64(p + batch_field::base_offset);
  std::vector<record_time> out;
  out.reserve(records->size());
  for (const auto& r : *records)
    out.push_back({static_cast<int32_t>(r.offset - base), r.timestamp});
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
