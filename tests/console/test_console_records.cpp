// The record browser's decoding and rendering (console/records.hpp): text when printable UTF-8, else hex,
// bounded pages and fields, compressed batches listed, not decoded.
#include <doctest/doctest.h>

#include "console/json_util.hpp"
#include "console/records.hpp"
#include "messages/record_batch.hpp"

using namespace samsa;
using namespace samsa::console;
using nlohmann::json;

namespace {

record rec(std::optional<std::string> key, std::optional<std::string> value, int64_t ts = 1700000000000) {
  record r;
  r.key = std::move(key);
  r.value = std::move(value);
  r.timestamp = ts;
  return r;
}

// Batches with base offsets as a log would hold them.
std::vector<char> log_bytes(const std::vector<std::vector<record>>& batches) {
  std::vector<char> out;
  int64_t base = 0;
  for (auto& b : batches) {
    auto bytes = encode_batch(b, 1700000000000);
    set_base_offset(bytes.data(), base);
    base += static_cast<int64_t>(b.size());
    out.insert(out.end(), bytes.begin(), bytes.end());
  }
  return out;
}

} // namespace

TEST_CASE("printable UTF-8") {
  CHECK(printable_utf8(""));
  CHECK(printable_utf8("order 1"));
  CHECK(printable_utf8("tab\there\nnew line\r"));
  CHECK(printable_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80")); // é € 😀
  CHECK_FALSE(printable_utf8(std::string("nul\0byte", 8)));
  CHECK_FALSE(printable_utf8("\x1b[31m"));           // escape
  CHECK_FALSE(printable_utf8("\x7f"));
  CHECK_FALSE(printable_utf8("\xc2\x85"));           // C1 control
  CHECK_FALSE(printable_utf8("\xff\xfe"));           // not UTF-8
  CHECK_FALSE(printable_utf8("\xc0\xaf"));           // overlong
  CHECK_FALSE(printable_utf8("\xed\xa0\x80"));       // surrogate
  CHECK_FALSE(printable_utf8("\xf4\x90\x80\x80"));   // above U+10FFFF
  CHECK_FALSE(printable_utf8("\xe2\x82"));           // cut sequence
}

TEST_CASE("a page of records: text, hex, null, headers") {
  auto r0 = rec("k0", "hello");
  auto r1 = rec(std::nullopt, std::string("\x00\x01\xff", 3));
  auto r2 = rec("k2", std::nullopt);
  r2.headers.push_back({"h", std::string("v")});
  r2.headers.push_back({"bin", std::string("\x02", 1)});
  r2.headers.push_back({"none", std::nullopt});
  auto bytes = log_bytes({{r0, r1}, {r2}});
  auto page = decode_page(bytes.data(), bytes.size(), 0, 10);
  REQUIRE(page.records.size() == 3);
  CHECK(page.next_offset == 3);
  CHECK_FALSE(page.malformed);
  auto j = json::parse(records_json({"t", 0, 0, 0, 3}, page));
  CHECK(j["topic"] == "t");
  CHECK(j["next_offset"] == 3);
  CHECK(j["high_watermark"] == 3);
  auto& recs = j["records"];
  CHECK(recs[0]["offset"] == 0);
  CHECK(recs[0]["timestamp"] == 1700000000000);
  CHECK(recs[0]["key"]["text"] == "k0");
  CHECK(recs[0]["value"]["text"] == "hello");
  CHECK(recs[0]["value"]["size"] == 5);
  CHECK(recs[0]["value"]["truncated"] == false);
  CHECK(recs[1]["key"].is_null());
  CHECK(recs[1]["value"]["hex"] == "0001ff");
  CHECK_FALSE(recs[1]["value"].contains("text"));
  CHECK(recs[2]["value"].is_null());
  REQUIRE(recs[2]["headers"].size() == 3);
  CHECK(recs[2]["headers"][0]["key"]["text"] == "h");
  CHECK(recs[2]["headers"][0]["value"]["text"] == "v");
  CHECK(recs[2]["headers"][1]["value"]["hex"] == "02");
  CHECK(recs[2]["headers"][2]["value"].is_null());
}

TEST_CASE("pages start at the offset asked for and stop at the limit") {
  std::vector<record> batch;
  for (int i = 0; i < 10; ++i)
    batch.push_back(rec(std::nullopt, "v" + std::to_string(i)));
  auto bytes = log_bytes({batch, batch});
  auto page = decode_page(bytes.data(), bytes.size(), 4, 3); // the first batch starts before offset 4
  REQUIRE(page.records.size() == 3);
  CHECK(page.records.front().offset == 4);
  CHECK(page.next_offset == 7);
  auto rest = decode_page(bytes.data(), bytes.size(), 8, 200);
  CHECK(rest.records.size() == 12);
  CHECK(rest.next_offset == 20);
  // A partial trailing batch is ignored, as a client ignores it.
  auto cut = decode_page(bytes.data(), bytes.size() - 5, 0, 200);
  CHECK(cut.records.size() == 10);
  CHECK(cut.next_offset == 10);
}

TEST_CASE("fields are cut at max_shown_bytes; text on a character boundary") {
  std::string big(max_shown_bytes - 1, 'a');
  big += "\xc3\xa9\xc3\xa9"; // é straddles the limit
  std::string bin(max_shown_bytes + 100, '\0');
  auto bytes = log_bytes({{rec(big, bin)}});
  auto page = decode_page(bytes.data(), bytes.size(), 0, 1);
  auto j = json::parse(records_json({"t", 0, 0, 0, 1}, page));
  auto& k = j["records"][0]["key"];
  CHECK(k["truncated"] == true);
  CHECK(k["size"] == big.size());
  CHECK(k["text"].get<std::string>().size() == max_shown_bytes - 1);
  auto& v = j["records"][0]["value"];
  CHECK(v["truncated"] == true);
  CHECK(v["hex"].get<std::string>().size() == 2 * max_shown_bytes);
}

TEST_CASE("compressed batches are listed, not decoded; garbage stops the page") {
  auto bytes = log_bytes({{rec(std::nullopt, "a"), rec(std::nullopt, "b")}, {rec(std::nullopt, "c")}});
  bytes[22] = 1; // the first batch claims gzip (attributes, low byte)
  auto page = decode_page(bytes.data(), bytes.size(), 0, 10);
  REQUIRE(page.compressed.size() == 1);
  CHECK(page.compressed[0].base_offset == 0);
  CHECK(page.compressed[0].last_offset == 1);
  CHECK(page.compressed[0].codec == 1);
  REQUIRE(page.records.size() == 1);
  CHECK(page.records[0].offset == 2);
  auto j = json::parse(records_json({"t", 0, 0, 0, 3}, page));
  CHECK(j["compressed_batches"][0]["codec"] == "gzip");

  auto bad = log_bytes({{rec(std::nullopt, "a")}, {rec(std::nullopt, "b")}});
  bad[bad.size() - 3] ^= 0x55; // the second batch's CRC no longer holds
  auto stopped = decode_page(bad.data(), bad.size(), 0, 10);
  CHECK(stopped.records.size() == 1);
  CHECK(stopped.malformed);
  CHECK(stopped.next_offset == 1);
}
