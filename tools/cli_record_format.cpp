#include "tools/cli_record_format.hpp"

namespace samsa::cli {

namespace {

bool known_field(char c) {
  switch (c) {
    case 't': case 'p': case 'o': case 'k': case 's': case 'h': case 'T': case 'K': case 'S':
      return true;
    default:
      return false;
  }
}

std::optional<char> escape(char c) {
  switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case '\\': return '\\';
    default: return std::nullopt;
  }
}

std::string length_of(const std::optional<std::string>& s) {
  return s ? std::to_string(s->size()) : std::string{"-1"};
}

std::string headers_text(const std::vector<record_header>& hs) {
  std::string out;
  for (const auto& h : hs) {
    if (!out.empty())
      out += ',';
    out += h.key;
    if (h.value)
      out += '=' + *h.value;
  }
  return out;
}

// Length of the valid UTF-8 sequence starting at s[i] (1-4), or 0 if the byte there does not start one
// (overlong forms, surrogates and code points above U+10FFFF are invalid, as RFC 3629 says).
size_t utf8_sequence(const std::string& s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
  if (n <= 1 || i + n > s.size())
    return n == 1 ? 1 : 0;
  for (size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80)
      return 0;
  unsigned char c1 = b(i + 1);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
    return 0;
  return n;
}

std::string hex_escape(unsigned char c) {
  static const char* digits = "0123456789abcdef";
  return std::string{"\\u00"} + digits[c >> 4] + digits[c & 15];
}

std::string json_nullable(const std::optional<std::string>& s) { return s ? json_string(*s) : std::string{"null"}; }

} // namespace

std::optional<record_format> parse_record_format(const std::string& fmt, std::string& error) {
  record_format f;
  auto literal = [&](char c) {
    if (f.pieces.empty() || f.pieces.back().field != 0)
      f.pieces.push_back({});
    f.pieces.back().text += c;
  };
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c != '%' && c != '\\') {
      literal(c);
      continue;
    }
    if (i + 1 == fmt.size()) {
      error = std::string{"the format ends with a lone '"} + c + "'";
      return std::nullopt;
    }
    char n = fmt[++i];
    if (c == '\\') {
      auto e = escape(n);
      if (!e) {
        error = std::string{"unknown escape '\\"} + n + "' (known: \\n \\t \\r \\\\)";
        return std::nullopt;
      }
      literal(*e);
    } else if (n == '%') {
      literal('%');
    } else if (known_field(n)) {
      f.pieces.push_back({n, {}});
    } else {
      error = std::string{"unknown field '%"} + n + "' (known: %t %p %o %k %s %h %T %K %S %%)";
      return std::nullopt;
    }
  }
  return f;
}

std::string render_record(const record_format& f, const located_record& x) {
  std::string out;
  for (const auto& p : f.pieces) {
    switch (p.field) {
      case 0: out += p.text; break;
      case 't': out += x.topic; break;
      case 'p': out += std::to_string(x.partition); break;
      case 'o': out += std::to_string(x.r.offset); break;
      case 'k': out += x.r.key.value_or(""); break;
      case 's': out += x.r.value.value_or(""); break;
      case 'h': out += headers_text(x.r.headers); break;
      case 'T': out += std::to_string(x.r.timestamp); break;
      case 'K': out += length_of(x.r.key); break;
      case 'S': out += length_of(x.r.value); break;
    }
  }
  return out;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c < 0x20) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default: out += hex_escape(c);
      }
      ++i;
      continue;
    }
    auto n = utf8_sequence(s, i);
    if (n == 0) {
      out += hex_escape(c);
      ++i;
      continue;
    }
    out.append(s, i, n);
    i += n;
  }
  return out + "\"";
}

std::string record_json(const located_record& x) {
  std::string out = "{\"topic\":" + json_string(x.topic) + ",\"partition\":" + std::to_string(x.partition)
                    + ",\"offset\":" + std::to_string(x.r.offset) + ",\"timestamp\":" + std::to_string(x.r.timestamp)
                    + ",\"key\":" + json_nullable(x.r.key) + ",\"value\":" + json_nullable(x.r.value) + ",\"headers\":[";
  for (size_t i = 0; i < x.r.headers.size(); ++i) {
    const auto& h = x.r.headers[i];
    out += (i ? ",{\"key\":" : "{\"key\":") + json_string(h.key) + ",\"value\":" + json_nullable(h.value) + "}";
  }
  return out + "]}";
}

} // namespace samsa::cli
