#include "messages/record_batch.hpp"

#include <algorithm>

#include "messages/bytes.hpp"
#include "messages/compression.hpp"
#include "messages/crc32c.hpp"

namespace samsa {

const char* to_string(batch_error e) {
  switch (e) {
    case batch_error::ok:
      return "ok";
    case batch_error::too_short:
      return "too_short";
    case batch_error::bad_length:
      return "bad_length";
    case batch_error::bad_magic:
      return "bad_magic";
    case batch_error::bad_crc:
      return "bad_crc";
    case batch_error::bad_offset_delta:
      return "bad_offset_delta";
    case batch_error::control_batch:
      return "control_batch";
    case batch_error::nonzero_base_offset:
      return "nonzero_base_offset";
    case batch_error::bad_sequence:
      return "bad_sequence";
    case batch_error::too_large:
      return "too_large";
  }
  return "unknown";
}

std::optional<batch_header> read_batch_header(const char* p, size_t n) {
  if (n < batch_header_size)
    return std::nullopt;
  batch_header h;
  h.base_offset = read_i64(p + batch_field::base_offset);
  h.batch_length = read_i32(p + batch_field::batch_length);
  if (h.batch_length < min_batch_length)
    return std::nullopt;
  h.partition_leader_epoch = read_i32(p + batch_field::partition_leader_epoch);
  h.magic = read_i8(p + batch_field::magic);
  h.crc = read_u32(p + batch_field::crc);
  h.attributes = read_i16(p + batch_field::attributes);
  h.last_offset_delta = read_i32(p + batch_field::last_offset_delta);
  h.base_timestamp = read_i64(p + batch_field::base_timestamp);
  h.max_timestamp = read_i64(p + batch_field::max_timestamp);
  h.producer_id = read_i64(p + batch_field::producer_id);
  h.producer_epoch = read_i16(p + batch_field::producer_epoch);
  h.base_sequence = read_i32(p + batch_field::base_sequence);
  h.records_count = read_i32(p + batch_field::records_count);
  return h;
}

bool verify_crc(const char* p, size_t total_size) {
  if (total_size < batch_header_size)
    return false;
  const uint32_t stored = read_u32(p + batch_field::crc);
  return crc32c(p + batch_field::attributes, total_size - batch_field::attributes) == stored;
}

batch_error validate_client_batch(const char* p, size_t n, int32_t max_message_bytes) {
  if (n < batch_header_size)
    return batch_error::too_short;
  auto h = read_batch_header(p, n);
  if (!h || h->total_size() != n)
    return batch_error::bad_length;
  if (h->magic != 2)
    return batch_error::bad_magic;
  // Size before CRC: no point checksumming a megabyte we are going to refuse anyway.
  if (max_message_bytes >= 0 && n > static_cast<size_t>(max_message_bytes))
    return batch_error::too_large;
  if (!verify_crc(p, n))
    return batch_error::bad_crc;
  if (h->base_offset != 0)
    return batch_error::nonzero_base_offset;
  if (h->records_count <= 0 || h->last_offset_delta < 0 ||
      static_cast<int64_t>(h->last_offset_delta) + 1 != h->records_count)
    return batch_error::bad_offset_delta;
  if (h->is_control())
    return batch_error::control_batch;
  if (h->producer_id >= 0 && h->base_sequence < 0)
    return batch_error::bad_sequence;
  return batch_error::ok;
}

void set_base_offset(char* p, int64_t base_offset) {
  write_i64(p + batch_field::base_offset, base_offset);
}

void set_partition_leader_epoch(char* p, int32_t epoch) {
  write_i32(p + batch_field::partition_leader_epoch, epoch);
}

namespace {

size_t nullable_size(const std::optional<std::string>& s) {
  if (!s)
    return varint_size(-1);
  return varint_size(static_cast<int32_t>(s->size())) + s->size();
}

void append_nullable(std::vector<char>& out, const std::optional<std::string>& s) {
  if (!s) {
    append_varint(out, -1);
    return;
  }
  append_varint(out, static_cast<int32_t>(s->size()));
  out.insert(out.end(), s->begin(), s->end());
}

// Size of a record after its length prefix.
size_t record_body_size(const record& r, int64_t ts_delta, int32_t offset_delta) {
  size_t n = 1 + varlong_size(ts_delta) + varint_size(offset_delta) + nullable_size(r.key) +
             nullable_size(r.value) + varint_size(static_cast<int32_t>(r.headers.size()));
  for (const auto& h : r.headers)
    n += varint_size(static_cast<int32_t>(h.key.size())) + h.key.size() + nullable_size(h.value);
  return n;
}

}  // namespace

std::vector<char> encode_batch(const std::vector<record>& records, int64_t now_ms,
                               int64_t producer_id, int16_t producer_epoch,
                               int32_t base_sequence) {
  auto stamp = [now_ms](const record& r) { return r.timestamp == -1 ? now_ms : r.timestamp; };
  int64_t base_ts = -1;
  int64_t max_ts = -1;
  if (!records.empty()) {
    base_ts = stamp(records.front());
    max_ts = base_ts;
    for (const auto& r : records)
      max_ts = std::max(max_ts, stamp(r));
  }
  std::vector<char> out(batch_header_size);
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    const int64_t ts_delta = stamp(r) - base_ts;
    const auto offset_delta = static_cast<int32_t>(i);
    append_varint(out, static_cast<int32_t>(record_body_size(r, ts_delta, offset_delta)));
    out.push_back(0);  // record attributes: unused in v2
    append_varlong(out, ts_delta);
    append_varint(out, offset_delta);
    append_nullable(out, r.key);
    append_nullable(out, r.value);
    append_varint(out, static_cast<int32_t>(r.headers.size()));
    for (const auto& h : r.headers) {
      append_varint(out, static_cast<int32_t>(h.key.size()));
      out.insert(out.end(), h.key.begin(), h.key.end());
      append_nullable(out, h.value);
    }
  }
  char* p = out.data();
  write_i64(p + batch_field::base_offset, 0);
  write_i32(p + batch_field::batch_length, static_cast<int32_t>(out.size() - 12));
  write_i32(p + batch_field::partition_leader_epoch, -1);
  write_i8(p + batch_field::magic, 2);
  write_i16(p + batch_field::attributes, 0);
  write_i32(p + batch_field::last_offset_delta, static_cast<int32_t>(records.size()) - 1);
  write_i64(p + batch_field::base_timestamp, base_ts);
  write_i64(p + batch_field::max_timestamp, max_ts);
  write_i64(p + batch_field::producer_id, producer_id);
  write_i16(p + batch_field::producer_epoch, producer_epoch);
  write_i32(p + batch_field::base_sequence, base_sequence);
  write_i32(p + batch_field::records_count, static_cast<int32_t>(records.size()));
  write_u32(p + batch_field::crc,
            crc32c(p + batch_field::attributes, out.size() - batch_field::attributes));
  return out;
}

std::optional<std::vector<char>> compress_batch(const std::vector<char>& batch, int codec_id) {
  if (codec_id == 0)
    return batch;
  if (batch.size() < batch_header_size)
    return std::nullopt;
  auto packed = compress(codec_id, batch.data() + batch_header_size, batch.size() - batch_header_size);
  if (!packed)
    return std::nullopt;
  std::vector<char> out(batch.begin(), batch.begin() + batch_header_size);
  out.insert(out.end(), packed->begin(), packed->end());
  char* p = out.data();
  write_i32(p + batch_field::batch_length, static_cast<int32_t>(out.size() - 12));
  write_i16(p + batch_field::attributes, static_cast<int16_t>((read_i16(p + batch_field::attributes) & ~7) | codec_id));
  write_u32(p + batch_field::crc, crc32c(p + batch_field::attributes, out.size() - batch_field::attributes));
  return out;
}

std::optional<std::vector<char>> inflate_batch(const char* p, const batch_header& h, size_t max_out) {
  if (h.total_size() < batch_header_size)
    return std::nullopt;
  auto inner = decompress(h.compression(), p + batch_header_size, h.total_size() - batch_header_size, max_out);
  if (!inner)
    return std::nullopt;
  std::vector<char> out(p, p + batch_header_size);
  out.insert(out.end(), inner->begin(), inner->end());
  if (out.size() - 12 > static_cast<size_t>(INT32_MAX))
    return std::nullopt;
  write_i32(out.data() + batch_field::batch_length, static_cast<int32_t>(out.size() - 12));
  write_i16(out.data() + batch_field::attributes, static_cast<int16_t>(h.attributes & ~7));
  return out;
}

namespace {

// Reads a varint length followed by that many bytes; -1 means null. Anything below -1, or a
// length running past end, is malformed.
bool read_nullable(const char*& p, const char* end, std::optional<std::string>& out) {
  int32_t len;
  if (!decode_varint(p, end, len) || len < -1)
    return false;
  if (len == -1) {
    out.reset();
    return true;
  }
  if (static_cast<size_t>(end - p) < static_cast<size_t>(len))
    return false;
  out.emplace(p, static_cast<size_t>(len));
  p += len;
  return true;
}

// Decodes the records of one uncompressed batch whose bytes are [p, p + h.total_size()).
bool decode_records(const char* p, const batch_header& h, int64_t min_offset,
                    std::vector<record>& out) {
  const char* cur = p + batch_header_size;
  const char* end = p + h.total_size();
  if (h.records_count < 0)
    return false;
  for (int32_t i = 0; i < h.records_count; ++i) {
    int32_t len;
    if (!decode_varint(cur, end, len) || len < 0 || end - cur < len)
      return false;
    const char* rend = cur + len;
    record r;
    if (rend - cur < 1)
      return false;
    ++cur;  // attributes
    int64_t ts_delta;
    int32_t offset_delta;
    if (!decode_varlong(cur, rend, ts_delta) || !decode_varint(cur, rend, offset_delta))
      return false;
    if (!read_nullable(cur, rend, r.key) || !read_nullable(cur, rend, r.value))
      return false;
    int32_t header_count;
    if (!decode_varint(cur, rend, header_count) || header_count < 0)
      return false;
    // Each header takes at least two bytes: refuse counts the record cannot hold before
    // reserving memory for them.
    if (header_count > (rend - cur) / 2)
      return false;
    r.headers.reserve(static_cast<size_t>(header_count));
    for (int32_t j = 0; j < header_count; ++j) {
      std::optional<std::string> key;
      record_header hdr;
      if (!read_nullable(cur, rend, key) || !key || !read_nullable(cur, rend, hdr.value))
        return false;
      hdr.key = std::move(*key);
      r.headers.push_back(std::move(hdr));
    }
    if (cur != rend)  // the declared length must match the fields exactly
      return false;
    r.offset = h.base_offset + offset_delta;
    r.timestamp = h.is_log_append_time() ? h.max_timestamp : h.base_timestamp + ts_delta;
    if (r.offset >= min_offset)
      out.push_back(std::move(r));
  }
  return cur == end;
}

}  // namespace

bool decode_batches(const char* p, size_t n, int64_t min_offset, std::vector<record>& out) {
  size_t pos = 0;
  while (n - pos >= 12) {
    const int32_t batch_length = read_i32(p + pos + batch_field::batch_length);
    if (batch_length < min_batch_length)
      return false;
    const size_t total = 12 + static_cast<size_t>(batch_length);
    if (n - pos < total)
      break;  // partial trailing batch: a fetch response may cut the last one short
    auto h = read_batch_header(p + pos, total);
    if (!h || h->magic != 2 || !verify_crc(p + pos, total))
      return false;
    if (h->compression() != 0 && !h->is_control()) {
      auto inflated = inflate_batch(p + pos, *h, max_inflated_batch_bytes);
      if (!inflated)
        return false;
      auto plain = read_batch_header(inflated->data(), inflated->size());
      if (!plain || !decode_records(inflated->data(), *plain, min_offset, out))
        return false;
    } else if (!h->is_control() && !decode_records(p + pos, *h, min_offset, out)) {
      return false;
    }
    pos += total;
  }
  return true;
}

}  // namespace samsa
