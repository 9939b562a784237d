#include "console/records.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "console/console_request.hpp"
#include "console/json_util.hpp"

namespace samsa::console {

namespace {

using nlohmann::json;

// Length of the UTF-8 sequence starting at s[i] when it is valid, else 0.
size_t utf8_sequence(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto c0 = b(i);
  if (c0 < 0x80)
    return 1;
  size_t len = c0 >= 0xf0 ? 4 : c0 >= 0xe0 ? 3 : c0 >= 0xc2 ? 2 : 0;
  if (len == 0 || c0 > 0xf4 || i + len > s.size())
    return 0;
  for (size_t k = 1; k < len; ++k)
    if ((b(i + k) & 0xc0) != 0x80)
      return 0;
  auto c1 = b(i + 1);
  if ((c0 == 0xe0 && c1 < 0xa0) || (c0 == 0xed && c1 >= 0xa0) || (c0 == 0xf0 && c1 < 0x90)
      || (c0 == 0xf4 && c1 >= 0x90))
    return 0; // overlong, surrogate, above U+10FFFF
  return len;
}

json shown_bytes(const std::optional<std::string>& bytes) {
  if (!bytes)
    return nullptr;
  const auto& s = *bytes;
  json out{{"size", s.size()}};
  bool truncated = s.size() > max_shown_bytes;
  if (printable_utf8(s)) {
    size_t cut = 0; // the longest prefix of whole characters within max_shown_bytes
    while (cut < s.size()) {
      auto len = utf8_sequence(s, cut);
      if (cut + len > max_shown_bytes)
        break;
      cut += len;
    }
    out["text"] = s.substr(0, cut);
  } else {
    static const char* digits = "0123456789abcdef";
    std::string hex;
    auto n = std::min(s.size(), max_shown_bytes);
    hex.reserve(2 * n);
    for (size_t i = 0; i < n; ++i) {
      auto c = static_cast<unsigned char>(s[i]);
      hex += digits[c >> 4];
      hex += digits[c & 15];
    }
    out["hex"] = hex;
  }
  out["truncated"] = truncated;
  return out;
}

} // namespace

bool printable_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      return false;
    if (c == 0x7f)
      return false;
    auto len = utf8_sequence(s, i);
    if (len == 0)
      return false;
    if (len == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0)
      return false; // C1 control characters U+0080..U+009F
    i += len;
  }
  return true;
}

records_page decode_page(const char* p, size_t n, int64_t from, int32_t limit) {
  records_page page;
  page.next_offset = from;
  size_t pos = 0;
  while (static_cast<int32_t>(page.records.size()) < limit) {
    auto h = read_batch_header(p + pos, n - pos);
    if (!h || h->total_size() > n - pos)
      break; // the end, or a partial trailing batch (as a Kafka client ignores it)
    if (h->last_offset() >= from) {
      if (h->compression() != 0) {
        page.compressed.push_back({h->base_offset, h->last_offset(), h->compression()});
      } else if (!h->is_control()) {
        std::vector<record> batch;
        if (!decode_batches(p + pos, h->total_size(), from, batch)) {
          page.malformed = true;
          break;
        }
        for (auto& r : batch) {
          if (static_cast<int32_t>(page.records.size()) == limit)
            break;
          page.next_offset = r.offset + 1;
          page.records.push_back(std::move(r));
        }
        if (static_cast<int32_t>(page.records.size()) == limit)
          break;
      }
      page.next_offset = std::max(page.next_offset, h->last_offset() + 1);
    }
    pos += h->total_size();
  }
  return page;
}

std::string records_json(const records_origin& origin, const records_page& page) {
  json records = json::array();
  for (auto& r : page.records) {
    json headers = json::array();
    for (size_t i = 0; i < r.headers.size() && i < max_shown_headers; ++i)
      headers.push_back({{"key", shown_bytes(r.headers[i].key)}, {"value", shown_bytes(r.headers[i].value)}});
    records.push_back({{"offset", r.offset},
                       {"timestamp", r.timestamp},
                       {"key", shown_bytes(r.key)},
                       {"value", shown_bytes(r.value)},
                       {"headers", std::move(headers)},
                       {"headers_omitted", r.headers.size() > max_shown_headers ? r.headers.size() - max_shown_headers : size_t{0}}});
  }
  json compressed = json::array();
  static const char* codecs[] = {"none", "gzip", "snappy", "lz4", "zstd"};
  for (auto& b : page.compressed)
    compressed.push_back({{"base_offset", b.base_offset},
                          {"last_offset", b.last_offset},
                          {"codec", b.codec >= 0 && b.codec <= 4 ? codecs[b.codec] : "unknown"}});
  json out{{"topic", origin.topic},
           {"partition", origin.partition},
           {"from", origin.from},
           {"next_offset", page.next_offset},
           {"log_start_offset", origin.log_start_offset},
           {"high_watermark", origin.high_watermark},
           {"records", std::move(records)},
           {"compressed_batches", std::move(compressed)},
           {"malformed", page.malformed},
           {"limits", {{"max_records", max_records_limit}, {"max_shown_bytes", max_shown_bytes}}}};
  return dump(out);
}

} // namespace samsa::console
