// `samsa consume --format` and `--output json` (tools/cli_record_format.hpp): the kcat-like fields and
// escapes, and JSON that stays valid for any bytes.
#include <doctest/doctest.h>

#include "tools/cli_record_format.hpp"

using namespace samsa;
using namespace samsa::cli;

namespace {

record sample() {
  record r;
  r.key = "k1";
  r.value = "hello";
  r.offset = 42;
  r.timestamp = 1700000000123;
  r.headers = {{"trace", std::string{"abc"}}, {"flag", std::nullopt}};
  return r;
}

std::string render(const std::string& fmt, const record& r) {
  std::string error;
  auto f = parse_record_format(fmt, error);
  REQUIRE_MESSAGE(f, error);
  std::string topic = "orders";
  return render_record(*f, {topic, 3, r});
}

} // namespace

TEST_CASE("record format: every field, literals, escapes") {
  auto r = sample();
  CHECK(render("%t/%p@%o %k=%s [%h] ts=%T %K %S 100%%\\n", r)
        == "orders/3@42 k1=hello [trace=abc,flag] ts=1700000000123 2 5 100%\n");
  CHECK(render("%s\\t%k\\r\\\\", r) == "hello\tk1\r\\");
  CHECK(render("plain", r) == "plain");
  CHECK(render("", r).empty());
}

TEST_CASE("record format: null key and value print empty, their lengths -1; no headers print nothing") {
  record r;
  r.offset = 0;
  r.timestamp = 5;
  CHECK(render("[%k][%s][%h] %K %S", r) == "[][][] -1 -1");
}

TEST_CASE("record format: unknown fields and escapes, a trailing % or \\ are refused with the reason") {
  std::string error;
  CHECK_FALSE(parse_record_format("%x", error));
  CHECK(error.find("'%x'") != std::string::npos);
  CHECK_FALSE(parse_record_format("abc%", error));
  CHECK(error.find("lone '%'") != std::string::npos);
  CHECK_FALSE(parse_record_format("\\q", error));
  CHECK(error.find("'\\q'") != std::string::npos);
  CHECK_FALSE(parse_record_format("x\\", error));
}

TEST_CASE("json_string: quotes, backslashes and control characters are escaped") {
  CHECK(json_string("") == "\"\"");
  CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_string("l1\nl2\t\r\b\f") == "\"l1\\nl2\\t\\r\\b\\f\"");
  CHECK(json_string(std::string("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  CHECK(json_string(std::string("a\0b", 3)) == "\"a\\u0000b\"");
}

TEST_CASE("json_string: valid UTF-8 is copied, every other byte becomes \\u00XX") {
  CHECK(json_string("gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80") == "\"gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80\"");
  CHECK(json_string("\xff") == "\"\\u00ff\"");
  CHECK(json_string("a\xc3") == "\"a\\u00c3\"");              // truncated sequence at the end
  CHECK(json_string("\xc3(") == "\"\\u00c3(\"");              // bad continuation byte
  CHECK(json_string("\xc0\xaf") == "\"\\u00c0\\u00af\"");     // overlong '/'
  CHECK(json_string("\xed\xa0\x80") == "\"\\u00ed\\u00a0\\u0080\""); // a UTF-16 surrogate
  CHECK(json_string("\xf4\x90\x80\x80") == "\"\\u00f4\\u0090\\u0080\\u0080\""); // above U+10FFFF
  CHECK(json_string("\x80" "ok") == "\"\\u0080ok\"");          // a lone continuation byte
}

TEST_CASE("record_json: one object with every field; nulls as null") {
  auto r = sample();
  std::string topic = "orders";
  CHECK(record_json({topic, 3, r})
        == "{\"topic\":\"orders\",\"partition\":3,\"offset\":42,\"timestamp\":1700000000123,\"key\":\"k1\","
           "\"value\":\"hello\",\"headers\":[{\"key\":\"trace\",\"value\":\"abc\"},{\"key\":\"flag\",\"value\":null}]}");
  record empty;
  empty.offset = 7;
  empty.timestamp = -1;
  CHECK(record_json({topic, 0, empty})
        == "{\"topic\":\"orders\",\"partition\":0,\"offset\":7,\"timestamp\":-1,\"key\":null,\"value\":null,\"headers\":[]}");
}
