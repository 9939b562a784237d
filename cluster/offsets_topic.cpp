#include "cluster/offsets_topic.hpp"

#include <cstdlib>

#include "messages/bytes.hpp"

namespace samsa::cluster {

namespace {

constexpr int16_t offset_key_version = 1;
constexpr int16_t group_key_version = 2;
constexpr int16_t offset_value_version = 3;
constexpr int16_t group_value_version = 3;
constexpr const char* empty_header = "samsa.group.empty";

// Decodes one code point of UTF-8 at s[i]; advances i. Invalid sequences give U+FFFD, one byte at a time.
uint32_t next_code_point(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  int extra = b < 0x80 ? 0 : (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 ? 3 : -1;
  if (extra < 0 || i + static_cast<size_t>(extra) >= s.size()) {
    ++i;
    return extra == 0 ? b : 0xFFFD;
  }
  uint32_t cp = extra == 0 ? b : b & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    auto c = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
    if ((c & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  i += static_cast<size_t>(extra) + 1;
  return cp;
}

void put_i16(std::string& out, int16_t v) {
  char b[2];
  write_i16(b, v);
  out.append(b, 2);
}
void put_i32(std::string& out, int32_t v) {
  char b[4];
  write_i32(b, v);
  out.append(b, 4);
}
void put_i64(std::string& out, int64_t v) {
  char b[8];
  write_i64(b, v);
  out.append(b, 8);
}
void put_string(std::string& out, const std::string& s) {
  put_i16(out, static_cast<int16_t>(s.size()));
  out += s;
}
// Kafka's nullable string: length -1 for null. The group metadata writes an empty protocol or leader as null.
void put_nullable(std::string& out, const std::optional<std::string>& s) {
  if (s)
    put_string(out, *s);
  else
    put_i16(out, -1);
}
void put_bytes(std::string& out, const std::string& b) {
  put_i32(out, static_cast<int32_t>(b.size()));
  out += b;
}

// A bounds-checked reader over one key or value.
struct reader {
  const std::string& s;
  size_t pos = 0;
  bool ok = true;

  bool need(size_t n) {
    if (!ok || s.size() - pos < n)
      ok = false;
    return ok;
  }
  int16_t i16() { return need(2) ? (pos += 2, read_i16(s.data() + pos - 2)) : 0; }
  int32_t i32() { return need(4) ? (pos += 4, read_i32(s.data() + pos - 4)) : 0; }
  int64_t i64() { return need(8) ? (pos += 8, read_i64(s.data() + pos - 8)) : 0; }
  // n bytes (a length read before them); a negative or too long length fails the reader.
  std::string take(int32_t n) {
    if (n < 0 || !need(static_cast<size_t>(n)))
      return ok = false, std::string{};
    pos += static_cast<size_t>(n);
    return s.substr(pos - static_cast<size_t>(n), static_cast<size_t>(n));
  }
  std::string str() { return take(i16()); }
  std::string bytes() { return take(i32()); }
  std::optional<std::string> nullable() {
    if (need(2) && read_i16(s.data() + pos) == -1)
      return pos += 2, std::nullopt;
    return str();
  }
};

std::optional<std::string> null_if_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>{s};
}

} // namespace

int32_t java_string_hash(std::string_view utf8) {
  uint32_t h = 0; // Java's int arithmetic wraps; unsigned wrap is defined in C++
  auto add = [&](uint32_t unit) { h = 31 * h + unit; };
  for (size_t i = 0; i < utf8.size();) {
    auto cp = next_code_point(utf8, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      add(0xD800 + (cp >> 10));
      add(0xDC00 + (cp & 0x3FF));
    } else {
      add(cp);
    }
  }
  return static_cast<int32_t>(h);
}

int32_t offsets_partition_for(std::string_view group, int32_t partitions) {
  if (partitions <= 0)
    return 0;
  auto h = java_string_hash(group);
  auto positive = h == INT32_MIN ? 0 : std::abs(h); // Kafka's Utils.abs
  return positive % partitions;
}

std::vector<record> encode_offset_changes(const std::vector<persistence::offset_change>& changes) {
  using kind = persistence::offset_change::kind;
  std::vector<record> out;
  out.reserve(changes.size());
  for (auto& c : changes) {
    record r;
    std::string key;
    if (c.what == kind::delete_group || c.what == kind::group_metadata) {
      put_i16(key, group_key_version);
      put_string(key, c.group_id);
    } else {
      put_i16(key, offset_key_version);
      put_string(key, c.group_id);
      put_string(key, c.offset.topic);
      put_i32(key, c.offset.partition);
    }
    r.key = std::move(key);
    if (c.what == kind::commit) {
      std::string value;
      put_i16(value, offset_value_version);
      put_i64(value, c.offset.offset);
      put_i32(value, c.offset.leader_epoch);
      put_string(value, c.offset.metadata.value_or(""));
      put_i64(value, c.offset.commit_ms);
      r.value = std::move(value);
      if (c.group_is_empty)
        r.headers.push_back({empty_header, std::string{"1"}});
      r.timestamp = c.offset.commit_ms > 0 ? c.offset.commit_ms : -1;
    } else if (c.what == kind::group_metadata) {
      r.value = c.group_metadata;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<persistence::offset_change> decode_offset_change(const record& r) {
  using kind = persistence::offset_change::kind;
  if (!r.key)
    return std::nullopt;
  reader k{*r.key};
  auto version = k.i16();
  persistence::offset_change c;
  c.group_id = k.str();
  if (version == group_key_version) {
    if (!k.ok)
      return std::nullopt;
    if (r.value) {
      auto g = decode_group_metadata(*r.value);
      if (!g)
        return std::nullopt; // a version this node cannot read (v4+), or damaged: skipped
      c.what = kind::group_metadata;
      c.group_metadata = *r.value;
      c.group_is_empty = g->snapshot.members.empty();
      return c;
    }
    c.what = kind::delete_group;
    return c;
  }
  if (version != 0 && version != offset_key_version)
    return std::nullopt;
  c.offset.topic = k.str();
  c.offset.partition = k.i32();
  if (!k.ok || c.offset.partition < 0)
    return std::nullopt;
  if (!r.value) {
    c.what = kind::delete_offset;
    return c;
  }
  reader v{*r.value};
  auto vv = v.i16();
  c.offset.offset = v.i64();
  if (vv >= 3)
    c.offset.leader_epoch = v.i32();
  c.offset.metadata = v.str();
  c.offset.commit_ms = v.i64();
  if (!v.ok || vv < 0 || vv > 3)
    return std::nullopt;
  if (c.offset.metadata->empty())
    c.offset.metadata.reset();
  for (auto& h : r.headers)
    if (h.key == empty_header)
      c.group_is_empty = true;
  c.what = kind::commit;
  return c;
}

std::string encode_group_metadata(const group_snapshot& g, int64_t current_state_timestamp_ms) {
  std::string out;
  put_i16(out, group_value_version);
  put_string(out, g.protocol_type);
  put_i32(out, g.generation_id);
  put_nullable(out, null_if_empty(g.protocol));
  put_nullable(out, null_if_empty(g.leader_id));
  put_i64(out, current_state_timestamp_ms);
  put_i32(out, static_cast<int32_t>(g.members.size()));
  for (auto& m : g.members) {
    put_string(out, m.member_id);
    put_nullable(out, m.group_instance_id);
    put_string(out, m.client_id);
    put_string(out, m.client_host);
    put_i32(out, m.rebalance_timeout_ms);
    put_i32(out, m.session_timeout_ms);
    put_bytes(out, m.metadata);
    put_bytes(out, m.assignment);
  }
  return out;
}

std::optional<group_metadata_value> decode_group_metadata(const std::string& value) {
  reader v{value};
  auto version = v.i16();
  if (!v.ok || version < 0 || version > group_value_version)
    return std::nullopt;
  group_metadata_value out;
  auto& g = out.snapshot;
  g.protocol_type = v.str();
  g.generation_id = v.i32();
  g.protocol = v.nullable().value_or("");
  g.leader_id = v.nullable().value_or("");
  if (version >= 2)
    out.current_state_timestamp_ms = v.i64();
  auto n = v.i32();
  // Each member takes at least 18 bytes (v0: three empty strings, a timeout, two empty byte strings).
  if (!v.ok || n < 0 || static_cast<size_t>(n) > (value.size() - v.pos) / 18)
    return std::nullopt;
  for (int32_t i = 0; i < n && v.ok; ++i) {
    group_snapshot_member m;
    m.member_id = v.str();
    if (version >= 3)
      m.group_instance_id = v.nullable();
    m.client_id = v.str();
    m.client_host = v.str();
    m.rebalance_timeout_ms = version >= 1 ? v.i32() : 0;
    m.session_timeout_ms = v.i32();
    if (version == 0)
      m.rebalance_timeout_ms = m.session_timeout_ms; // Kafka's default before v1 had the field
    m.metadata = v.bytes();
    m.assignment = v.bytes();
    g.members.push_back(std::move(m));
  }
  if (!v.ok || (!g.members.empty() && g.protocol.empty()))
    return std::nullopt; // members with no protocol cannot be restored as a Stable group
  return out;
}

persistence::log_config partition_log_config(const server_config& s, const std::string& topic,
                                             const std::map<std::string, std::string>& configs) {
  auto log = effective_log_config(s, configs);
  if (topic == offsets_topic) {
    log.compact_policy = true;
    log.delete_policy = false;
  }
  return log;
}

} // namespace samsa::cluster
