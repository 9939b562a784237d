// ApiVersions codec. Field order per Kafka's ApiVersionsRequest.json / ApiVersionsResponse.json.

#include "messages/kafka/api_versions.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

constexpr int16_t first_flexible = 3;

} // namespace

bool decode(reader& r, int16_t version, api_versions_request& req) {
  if (!is_supported(api_key::api_versions, version)) {
    r.fail();
    return false;
  }
  if (version >= first_flexible) {
    req.client_software_name = r.read_compact_string();
    req.client_software_version = r.read_compact_string();
    r.skip_tagged_fields();
  }
  return !r.failed();
}

void encode(writer& w, int16_t version, const api_versions_request& req) {
  if (!is_supported(api_key::api_versions, version))
    return w.fail();
  if (version >= first_flexible) {
    w.write_compact_string(req.client_software_name);
    w.write_compact_string(req.client_software_version);
    w.write_empty_tagged_fields();
  }
}

void encode(writer& w, int16_t version, const api_versions_response& resp) {
  if (!is_supported(api_key::api_versions, version))
    return w.fail();
  const bool flex = version >= first_flexible;
  w.write_i16(to_int(resp.error));
  write_array(w, flex, resp.api_keys, [flex](writer& ww, const api_version_range& a) {
    ww.write_i16(a.api_key);
    ww.write_i16(a.min_version);
    ww.write_i16(a.max_version);
    if (flex)
      ww.write_empty_tagged_fields();
  });
  if (version >= 1)
    w.write_i32(resp.throttle_time_ms);
  if (flex)
    w.write_empty_tagged_fields();
}

bool decode(reader& r, int16_t version, api_versions_response& resp) {
  if (!is_supported(api_key::api_versions, version)) {
    r.fail();
    return false;
  }
  const bool flex = version >= first_flexible;
  resp.error = static_cast<error_code>(r.read_i16());
  read_array(
    r, flex, resp.api_keys,
    [flex](reader& rr, api_version_range& a) {
      a.api_key = rr.read_i16();
      a.min_version = rr.read_i16();
      a.max_version = rr.read_i16();
      if (flex)
        rr.skip_tagged_fields();
    },
    flex ? 7 : 6);
  resp.throttle_time_ms = version >= 1 ? r.read_i32() : 0;
  if (flex)
    r.skip_tagged_fields();
  return !r.failed();
}

std::vector<api_version_range> advertised_api_versions() {
  std::vector<api_version_range> out;
  for (const api_info& row : api_table())
    if (row.implemented)
      out.push_back({static_cast<int16_t>(row.key), row.advertised_min >= 0 ? row.advertised_min : row.min_version,
                     row.max_version});
  return out;
}

api_versions_response answer_api_versions(int16_t requested_version, int16_t& response_version) {
  api_versions_response resp;
  resp.api_keys = advertised_api_versions();
  if (is_supported(api_key::api_versions, requested_version)) {
    response_version = requested_version;
  } else {
    response_version = 0;
    resp.error = error_code::unsupported_version;
  }
  return resp;
}

} // namespace samsa::kafka
