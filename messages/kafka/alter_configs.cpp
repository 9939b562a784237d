// AlterConfigs codec. Field order per Kafka's AlterConfigsRequest.json / AlterConfigsResponse.json.

#include "messages/kafka/alter_configs.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::alter_configs), version);
}

} // namespace

void encode_alter_results(writer& w, bool flex, int32_t throttle_time_ms,
                          const std::vector<alter_configs_resource_result>& results) {
  w.write_i32(throttle_time_ms);
  write_array(w, flex, results, [flex](writer& ww, const alter_configs_resource_result& res) {
    ww.write_i16(to_int(res.error));
    ww.write_nullable_string(res.error_message, flex);
    ww.write_i8(res.resource_type);
    ww.write_string(res.resource_name, flex);
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

void decode_alter_results(reader& r, bool flex, int32_t& throttle_time_ms,
                          std::vector<alter_configs_resource_result>& results) {
  throttle_time_ms = r.read_i32();
  read_array(
    r, flex, results,
    [flex](reader& rr, alter_configs_resource_result& res) {
      res.error = static_cast<error_code>(rr.read_i16());
      res.error_message = rr.read_nullable_string(flex);
      res.resource_type = rr.read_i8();
      res.resource_name = rr.read_string(flex);
      end_struct(rr, flex);
    },
    flex ? 5 : 7);
  end_struct(r, flex);
}

bool decode(reader& r, int16_t version, alter_configs_request& req) {
  if (!is_supported(api_key::alter_configs, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  read_array(
    r, flex, req.resources,
    [flex](reader& rr, alter_configs_resource& res) {
      res.resource_type = rr.read_i8();
      res.resource_name = rr.read_string(flex);
      read_array(
        rr, flex, res.configs,
        [flex](reader& r3, alter_configs_entry& e) {
          e.name = r3.read_string(flex);
          e.value = r3.read_nullable_string(flex);
          end_struct(r3, flex);
        },
        flex ? 2 : 4);
      end_struct(rr, flex);
    },
    flex ? 3 : 7);
  req.validate_only = r.read_bool();
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const alter_configs_request& req) {
  if (!is_supported(api_key::alter_configs, version))
    return w.fail();
  const bool flex = flexible(version);
  write_array(w, flex, req.resources, [flex](writer& ww, const alter_configs_resource& res) {
    ww.write_i8(res.resource_type);
    ww.write_string(res.resource_name, flex);
    write_array(ww, flex, res.configs, [flex](writer& w3, const alter_configs_entry& e) {
      w3.write_string(e.name, flex);
      w3.write_nullable_string(e.value, flex);
      end_struct(w3, flex);
    });
    end_struct(ww, flex);
  });
  w.write_bool(req.validate_only);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const alter_configs_response& resp) {
  if (!is_supported(api_key::alter_configs, version))
    return w.fail();
  encode_alter_results(w, flexible(version), resp.throttle_time_ms, resp.responses);
}

bool decode(reader& r, int16_t version, alter_configs_response& resp) {
  if (!is_supported(api_key::alter_configs, version)) {
    r.fail();
    return false;
  }
  decode_alter_results(r, flexible(version), resp.throttle_time_ms, resp.responses);
  return !r.failed();
}

} // namespace samsa::kafka
