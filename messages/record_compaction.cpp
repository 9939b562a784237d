#include "messages/record_compaction.hpp"

#include "messages/bytes.hpp"
#include "messages/compression.hpp"
#include "messages/crc32c.hpp"

namespace samsa {

std::optional<std::vector<raw_record>> raw_records(const char* p, size_t n) {
  auto h = read_batch_header(p, n);
  if (!h || h->total_size() > n || h->compression() != 0 || h->is_control() || h->records_count < 0)
    return std::nullopt;
  const char* cur = p + batch_header_size;
  const char* end = p + h->total_size();
  // Each record takes at least 7 bytes: a count the batch cannot hold is refused before reserving.
  if (h->records_count > (end - cur) / 7 + 1)
    return std::nullopt;
  std::vector<raw_record> out;
  out.reserve(static_cast<size_t>(h->records_count));
  for (int32_t i = 0; i < h->records_count; ++i) {
    raw_record r;
    r.position = static_cast<size_t>(cur - p);
    int32_t len;
    if (!decode_varint(cur, end, len) || len < 1 || end - cur < len)
      return std::nullopt;
    const char* rend = cur + len;
    const char* f = cur + 1;  // after the record attributes
    int64_t ts_delta;
    int32_t offset_delta, key_len, value_len;
    if (!decode_varlong(f, rend, ts_delta) || !decode_varint(f, rend, offset_delta) ||
        !decode_varint(f, rend, key_len) || key_len < -1 || rend - f < std::max(key_len, 0))
      return std::nullopt;
    if (key_len >= 0) {
      r.key = std::string_view(f, static_cast<size_t>(key_len));
      f += key_len;
    }
    if (!decode_varint(f, rend, value_len) || value_len < -1 || rend - f < std::max(value_len, 0))
      return std::nullopt;
    r.tombstone = value_len < 0;
    r.offset = h->base_offset + offset_delta;
    r.timestamp = h->is_log_append_time() ? h->max_timestamp : h->base_timestamp + ts_delta;
    r.size = static_cast<size_t>(rend - (p + r.position));
    out.push_back(r);
    cur = rend;
  }
  return out;
}

std::optional<std::vector<int32_t>> keyless_records(const char* p, size_t n, size_t max_out) {
  auto h = read_batch_header(p, n);
  if (!h || h->total_size() > n || h->total_size() < batch_header_size)
    return std::nullopt;
  std::optional<std::vector<char>> inflated;
  if (h->compression() != 0) {
    inflated = inflate_batch(p, *h, max_out);
    if (!inflated)
      return std::nullopt;
    p = inflated->data();
    n = inflated->size();
  }
  auto records = raw_records(p, n);
  if (!records)
    return std::nullopt;
  std::vector<int32_t> out;
  for (size_t i = 0; i < records->size(); ++i)
    if (!(*records)[i].key)
      out.push_back(static_cast<int32_t>(i));
  return out;
}

std::vector<char> filter_batch(const char* p, const std::vector<raw_record>& records,
                               const std::vector<bool>& keep) {
  std::vector<char> out(p, p + batch_header_size);
  int32_t count = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    if (!keep[i])
      continue;
    const char* r = p + records[i].position;
    out.insert(out.end(), r, r + records[i].size);
    ++count;
  }
  write_i32(out.data() + batch_field::batch_length, static_cast<int32_t>(out.size() - 12));
  write_i32(out.data() + batch_field::records_count, count);
  write_u32(out.data() + batch_field::crc,
            crc32c(out.data() + batch_field::attributes, out.size() - batch_field::attributes));
  return out;
}

}  // namespace samsa
