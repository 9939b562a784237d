// ApiVersions codec tests, including the exact v3 handshake librdkafka 2.0.2 sends first.

#include <doctest/doctest.h>

#include <algorithm>

#include "messages/kafka/api_table.hpp"
#include "messages/kafka/api_versions.hpp"
#include "messages/kafka/request_header.hpp"
#include "tests/kafka/kafka_test_util.hpp"

using namespace samsa::kafka;
using namespace samsa::kafka::test;

namespace {

// librdkafka's first frame: size 36; header v2 (key 18, v3, correlation 1, client "rdkafka",
// no tags); body: compact "librdkafka", compact "2.0.2", no tags.
buffer librdkafka_frame() {
  return bytes({0x00, 0x00, 0x00, 0x24,                          // frame size
                0x00, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, // key, version, correlation
                0x00, 0x07}) +
         ascii("rdkafka") + bytes({0x00}) +   // client_id (int16 length), header tags
         bytes({0x0b}) + ascii("librdkafka") + // compact string: length 10 + 1
         bytes({0x06}) + ascii("2.0.2") +      // compact string: length 5 + 1
         bytes({0x00});                        // body tags
}

} // namespace

TEST_CASE("api_versions: librdkafka v3 request frame decodes") {
  buffer frame = librdkafka_frame();
  reader size_reader(frame.data(), 4);
  REQUIRE(size_reader.read_i32() == static_cast<int32_t>(frame.size() - 4));

  reader r(frame.data() + 4, frame.size() - 4);
  request_header h;
  REQUIRE(decode_request_header(r, h));
  CHECK(h.api_key == 18);
  CHECK(h.api_version == 3);
  CHECK(h.correlation_id == 1);
  CHECK(h.client_id == std::optional<std::string>("rdkafka"));
  api_versions_request req;
  REQUIRE(decode(r, h.api_version, req));
  CHECK(req.client_software_name == "librdkafka");
  CHECK(req.client_software_version == "2.0.2");
  CHECK(r.remaining() == 0);

  buffer body(frame.begin() + 22, frame.end());
  check_reencodes<api_versions_request>(body, 3);
  check_hostile<api_versions_request>(body, 3);
}

TEST_CASE("api_versions: v0-v2 requests have an empty body") {
  buffer empty;
  for (int16_t v = 0; v <= 2; ++v) {
    auto req = decode_all<api_versions_request>(empty, v);
    CHECK(req.client_software_name.empty());
    CHECK(encode_to_bytes(v, req).empty());
  }
}

TEST_CASE("api_versions: v3 response to librdkafka, whole frame") {
  int16_t version = -1;
  api_versions_response resp = answer_api_versions(3, version);
  REQUIRE(version == 3);
  CHECK(resp.error == error_code::none);

  buffer out;
  writer w(out);
  size_t pos = w.reserve_size();
  encode_response_header(w, 18, version, 1);
  encode(w, version, resp);
  w.finish_size(pos);
  REQUIRE_FALSE(w.failed());

  const size_t n = resp.api_keys.size();
  CHECK(n == api_table().size); // every API in the table is implemented
  // size + correlation (header v0: no tags even for v3) + error + compact count + 7 bytes per
  // entry + throttle + tags.
  CHECK(out.size() == 4 + 4 + 2 + 1 + 7 * n + 4 + 1);
  CHECK(buffer(out.begin(), out.begin() + 11) ==
        bytes({0x00, 0x00, 0x00, static_cast<int>(out.size() - 4), 0x00, 0x00, 0x00, 0x01, 0x00,
               0x00, static_cast<int>(n + 1)}));
  // First entry: Produce advertised 0..11 (from v0: librdkafka's compression probe, see api_table.hpp),
  // then its (empty) tags.
  CHECK(buffer(out.begin() + 11, out.begin() + 18) ==
        bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x00}));

  auto back = decode_all<api_versions_response>(buffer(out.begin() + 8, out.end()), 3);
  REQUIRE(back.api_keys.size() == n);
  CHECK(back.api_keys[0].api_key == 0);
  CHECK(back.api_keys[1].max_version == 17);
}

TEST_CASE("api_versions: v4 (KAFKA-17011) has v3's layout, as the Java client 3.9 sends it") {
  // Built per ApiVersionsRequest.json at 3.9: compact "apache-kafka-java", compact "3.9.0", no tags.
  auto req_b = bytes({0x12}) + ascii("apache-kafka-java") + bytes({0x06}) + ascii("3.9.0") + bytes({0x00});
  auto req = check_reencodes<api_versions_request>(req_b, 4);
  CHECK(req.client_software_name == "apache-kafka-java");
  CHECK(req.client_software_version == "3.9.0");
  check_hostile<api_versions_request>(req_b, 4);
  int16_t version = -1;
  api_versions_response resp = answer_api_versions(4, version);
  CHECK(version == 4);
  CHECK(resp.error == error_code::none);
  // ApiVersionsResponse.json v4: error, compact array of (key, min, max, tags), throttle, tags: v3's bytes.
  auto b = encode_to_bytes(4, resp);
  CHECK(b == encode_to_bytes(3, resp));
  CHECK(b.size() == 2 + 1 + 7 * resp.api_keys.size() + 4 + 1);
  auto back = check_reencodes<api_versions_response>(b, 4);
  CHECK(back.api_keys.size() == resp.api_keys.size());
  auto self = std::find_if(back.api_keys.begin(), back.api_keys.end(), [](const api_version_range& a) {
    return a.api_key == 18;
  });
  REQUIRE(self != back.api_keys.end());
  CHECK(self->max_version == 4);
}

TEST_CASE("api_versions: a newer request version gets a v0 body with UNSUPPORTED_VERSION") {
  int16_t version = -1;
  api_versions_response resp = answer_api_versions(5, version);
  CHECK(version == 0);
  CHECK(resp.error == error_code::unsupported_version);
  CHECK_FALSE(resp.api_keys.empty());
  buffer body = encode_to_bytes(version, resp);
  CHECK(buffer(body.begin(), body.begin() + 6) ==
        bytes({0x00, 0x23, 0x00, 0x00, 0x00, static_cast<int>(resp.api_keys.size())}));
  CHECK(body.size() == 2 + 4 + 6 * resp.api_keys.size()); // v0: no throttle, no tags
  // The request header of that v5 request is still parsed (as header v2).
  auto hdr = bytes({0x00, 0x12, 0x00, 0x05, 0x00, 0x00, 0x00, 0x02, 0xff, 0xff, 0x00});
  reader r(hdr.data(), hdr.size());
  request_header h;
  REQUIRE(decode_request_header(r, h));
  CHECK(r.remaining() == 0);
  api_versions_request req;
  CHECK_FALSE(decode(r, h.api_version, req)); // the body of an unknown version is not parsed
}

TEST_CASE("api_versions: v0 and v1 responses from literal bytes") {
  auto v0 = bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x02,   // error 0, 2 entries
                   0x00, 0x00, 0x00, 0x00, 0x00, 0x07,   // Produce advertised 0-7
                   0x00, 0x12, 0x00, 0x00, 0x00, 0x03}); // ApiVersions 0-3
  auto r0 = check_reencodes<api_versions_response>(v0, 0);
  REQUIRE(r0.api_keys.size() == 2);
  CHECK(r0.api_keys[1].api_key == 18);
  CHECK(r0.api_keys[1].max_version == 3);
  check_hostile<api_versions_response>(v0, 0);

  auto v1 = v0 + bytes({0x00, 0x00, 0x00, 0x64}); // throttle 100 ms
  auto r1 = check_reencodes<api_versions_response>(v1, 1);
  CHECK(r1.throttle_time_ms == 100);
}

TEST_CASE("api_versions: v3 response skips tagged fields a newer broker adds") {
  // One entry with a tagged field inside it, then top-level SupportedFeatures (tag 0) present.
  auto b = bytes({0x00, 0x00, 0x02,                               // error, compact count 1
                  0x00, 0x01, 0x00, 0x04, 0x00, 0x0b,             // Fetch 4-11
                  0x01, 0x07, 0x01, 0x00,                         // entry tags: tag 7, 1 byte
                  0x00, 0x00, 0x00, 0x00,                         // throttle
                  0x01, 0x00, 0x03, 0x01, 0x00, 0x00});           // tag 0, 3 bytes
  auto resp = decode_all<api_versions_response>(b, 3);
  REQUIRE(resp.api_keys.size() == 1);
  CHECK(resp.api_keys[0].api_key == 1);
  CHECK(resp.api_keys[0].max_version == 11);
  check_hostile<api_versions_response>(b, 3);
}

TEST_CASE("api_versions: advertised ranges follow the table") {
  auto adv = advertised_api_versions();
  for (const auto& a : adv) {
    const api_info* row = find_api(a.api_key);
    REQUIRE(row != nullptr);
    CHECK(row->implemented);
    CHECK(a.min_version == (row->advertised_min >= 0 ? row->advertised_min : row->min_version));
    CHECK(a.max_version == row->max_version);
  }
  // Produce is advertised and served from v0 (librdkafka's compression probe needs v0 in the range;
  // Sarama's default version sends it).
  CHECK(adv.front().api_key == 0);
  CHECK(adv.front().min_version == 0);
  CHECK(is_supported(api_key::produce, 0));
  CHECK(is_supported(api_key::produce, 3));
}
