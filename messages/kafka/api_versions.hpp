#pragma once

// ApiVersions (key 18), versions 0-4. v0-v2 requests have an empty body; v3 is flexible and
// carries the client's software name and version (KIP-511). The response lists the supported
// version range of every API; v1+ adds throttle_time_ms; v3 uses compact arrays and tagged
// fields (SupportedFeatures, FinalizedFeatures... which we skip when decoding and never send).
// The response header is always v0, and a request for a version newer than we support is
// answered with a v0 body: error UNSUPPORTED_VERSION plus our ranges, so the client retries
// with a version both sides know (see answer_api_versions()).

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// ApiVersions request body (fields exist from v3 on; empty before).
struct api_versions_request {
  std::string client_software_name;
  std::string client_software_version;
};

/// One supported API and its inclusive version range.
struct api_version_range {
  int16_t api_key = 0;
  int16_t min_version = 0;
  int16_t max_version = 0;
};

/// ApiVersions response body.
struct api_versions_response {
  error_code error = error_code::none;
  std::vector<api_version_range> api_keys;
  int32_t throttle_time_ms = 0; // v1+
};

bool decode(reader& r, int16_t version, api_versions_request& req);
void encode(writer& w, int16_t version, const api_versions_request& req);
void encode(writer& w, int16_t version, const api_versions_response& resp);
bool decode(reader& r, int16_t version, api_versions_response& resp);

/// The ranges of every implemented API in the table, in key order.
std::vector<api_version_range> advertised_api_versions();

/// The broker's whole answer to an ApiVersions request of `requested_version`: the body, and
/// in `response_version` the version to encode it with (the requested one if supported, else
/// 0 with error UNSUPPORTED_VERSION). The request body need not (and for an unknown newer
/// version cannot) be decoded first.
api_versions_response answer_api_versions(int16_t requested_version, int16_t& response_version);

} // namespace samsa::kafka
