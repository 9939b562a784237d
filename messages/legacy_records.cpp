#include "messages/legacy_records.hpp"

#include <zlib.h>

#include "messages/bytes.hpp"
#include "messages/compression.hpp"

namespace samsa {

namespace {

constexpr size_t entry_overhead = 12; // offset + message_size
constexpr int8_t timestamp_type_bit = 0x08;

size_t message_min_size(int8_t magic) { return 4 + 1 + 1 + (magic >= 1 ? 8 : 0) + 4 + 4; }

uint32_t crc32_ieee(const char* p, size_t n) {
  return static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(p), static_cast<uInt>(n)));
}

bool read_bytes(const char*& p, const char* end, std::optional<std::string>& out) {
  if (end - p < 4)
    return false;
  int32_t len = read_i32(p);
  p += 4;
  if (len == -1) {
    out.reset();
    return true;
  }
  if (len < 0 || end - p < len)
    return false;
  out.emplace(p, static_cast<size_t>(len));
  p += len;
  return true;
}

// Walks the message set; `depth` 1 for the inner set of a wrapper. Appends records.
legacy_error walk(const char* p, size_t n, size_t max_bytes, int depth, int64_t now_ms, bool stamp_log_append,
                  std::vector<record>& out, int8_t* first_magic) {
  const char* end = p + n;
  if (n == 0)
    return legacy_error::invalid_record;
  while (p < end) {
    if (static_cast<size_t>(end - p) < entry_overhead)
      return legacy_error::corrupt_message;
    const int64_t offset = read_i64(p);
    const int32_t size = read_i32(p + 8);
    const char* msg = p + entry_overhead;
    if (size < 0 || static_cast<size_t>(end - msg) < static_cast<size_t>(size) || size < 6)
      return legacy_error::corrupt_message;
    const char* msg_end = msg + size;
    const int8_t magic = read_i8(msg + 4);
    if (magic != 0 && magic != 1)
      return legacy_error::invalid_record;
    if (static_cast<size_t>(size) < message_min_size(magic))
      return legacy_error::corrupt_message;
    if (crc32_ieee(msg + 4, static_cast<size_t>(size) - 4) != read_u32(msg))
      return legacy_error::corrupt_message;
    if (first_magic != nullptr && out.empty())
      *first_magic = magic;
    const int8_t attributes = read_i8(msg + 5);
    const char* q = msg + 6;
    int64_t timestamp = -1;
    if (magic == 1) {
      timestamp = read_i64(q);
      q += 8;
    }
    record r;
    if (!read_bytes(q, msg_end, r.key) || !read_bytes(q, msg_end, r.value) || q != msg_end)
      return legacy_error::corrupt_message;
    const int codec_id = attributes & 7;
    const bool log_append = magic == 1 && (attributes & timestamp_type_bit) != 0;
    if (codec_id != 0) {
      if (depth > 0)
        return legacy_error::invalid_record; // no nested compression
      if (codec_id > 3)
        return legacy_error::unsupported_codec;
      if (!r.value)
        return legacy_error::corrupt_message;
      bool over = false;
      auto inner = decompress(codec_id, r.value->data(), r.value->size(), max_bytes, &over);
      if (!inner)
        return over ? legacy_error::too_large : legacy_error::corrupt_message;
      const size_t before = out.size();
      auto e = walk(inner->data(), inner->size(), max_bytes, depth + 1, now_ms, log_append, out, nullptr);
      if (e != legacy_error::ok)
        return e;
      // Magic 1 inner offsets are relative to the wrapper, whose offset is the last inner one's.
      const auto count = static_cast<int64_t>(out.size() - before);
      if (magic == 1)
        for (size_t i = before; i < out.size(); ++i)
          out[i].offset += offset - (count - 1);
    } else {
      r.timestamp = stamp_log_append || log_append ? now_ms : timestamp;
      r.offset = offset;
      out.push_back(std::move(r));
    }
    p = msg_end;
  }
  return legacy_error::ok;
}

void append_bytes(std::vector<char>& out, const std::optional<std::string>& s) {
  char b[4];
  write_i32(b, s ? static_cast<int32_t>(s->size()) : -1);
  out.insert(out.end(), b, b + 4);
  if (s)
    out.insert(out.end(), s->begin(), s->end());
}

void append_message(std::vector<char>& out, int64_t offset, int8_t magic, int8_t attributes, int64_t timestamp,
                    const std::optional<std::string>& key, const std::optional<std::string>& value) {
  const size_t start = out.size();
  out.resize(start + entry_overhead + 4 + 2 + (magic >= 1 ? 8 : 0));
  char* p = out.data() + start;
  write_i64(p, offset);
  write_i8(p + 16, magic);
  write_i8(p + 17, attributes);
  if (magic >= 1)
    write_i64(p + 18, timestamp);
  append_bytes(out, key);
  append_bytes(out, value);
  p = out.data() + start;
  const size_t size = out.size() - start - entry_overhead;
  write_i32(p + 8, static_cast<int32_t>(size));
  write_u32(p + 12, crc32_ieee(p + 16, size - 4));
}

} // namespace

std::optional<int8_t> payload_magic(const char* p, size_t n) {
  if (n < 17)
    return std::nullopt;
  return read_i8(p + 16);
}

const char* to_string(legacy_error e) {
  switch (e) {
    case legacy_error::ok: return "ok";
    case legacy_error::corrupt_message: return "corrupt_message";
    case legacy_error::invalid_record: return "invalid_record";
    case legacy_error::unsupported_codec: return "unsupported_codec";
    case legacy_error::too_large: return "too_large";
  }
  return "?";
}

legacy_error decode_message_set(const char* p, size_t n, size_t max_bytes, std::vector<record>& out) {
  return walk(p, n, max_bytes, 0, -1, false, out, nullptr);
}

legacy_conversion convert_message_set(const char* p, size_t n, int64_t now_ms, size_t max_bytes) {
  legacy_conversion c;
  std::vector<record> records;
  c.error = walk(p, n, max_bytes, 0, now_ms, false, records, &c.magic);
  if (c.error != legacy_error::ok)
    return c;
  if (records.empty()) {
    c.error = legacy_error::invalid_record;
    return c;
  }
  for (auto& r : records)
    r.offset = -1;
  c.records = static_cast<int32_t>(records.size());
  c.batch = encode_batch(records, now_ms);
  return c;
}

std::vector<char> encode_message_set(const std::vector<record>& records, int8_t magic, int codec_id) {
  std::vector<char> inner;
  for (size_t i = 0; i < records.size(); ++i)
    append_message(inner, static_cast<int64_t>(i), magic, 0, records[i].timestamp, records[i].key, records[i].value);
  if (codec_id == 0)
    return inner;
  auto packed = compress(codec_id, inner.data(), inner.size());
  std::vector<char> out;
  const int64_t wrapper_ts = records.empty() ? -1 : records.back().timestamp;
  append_message(out, static_cast<int64_t>(records.size()) - 1, magic, static_cast<int8_t>(codec_id), wrapper_ts,
                 std::nullopt, packed ? std::optional<std::string>{*packed} : std::nullopt);
  return out;
}

} // namespace samsa
