// IncrementalAlterConfigs codec. Field order per Kafka's IncrementalAlterConfigsRequest.json /
// IncrementalAlterConfigsResponse.json.

#include "messages/kafka/incremental_alter_configs.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::incremental_alter_configs), version);
}

} // namespace

bool decode(reader& r, int16_t version, incremental_alter_configs_request& req) {
  if (!is_supported(api_key::incremental_alter_configs, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  read_array(
    r, flex, req.resources,
    [flex](reader& rr, incremental_alter_configs_resource& res) {
      res.resource_type = rr.read_i8();
      res.resource_name = rr.read_string(flex);
      read_array(
        rr, flex, res.configs,
        [flex](reader& r3, incremental_alter_configs_entry& e) {
          e.name = r3.read_string(flex);
          e.config_operation = r3.read_i8();
          e.value = r3.read_nullable_string(flex);
          end_struct(r3, flex);
        },
        flex ? 3 : 5);
      end_struct(rr, flex);
    },
    flex ? 3 : 7);
  req.validate_only = r.read_bool();
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const incremental_alter_configs_request& req) {
  if (!is_supported(api_key::incremental_alter_configs, version))
    return w.fail();
  const bool flex = flexible(version);
  write_array(w, flex, req.resources, [flex](writer& ww, const incremental_alter_configs_resource& res) {
    ww.write_i8(res.resource_type);
    ww.write_string(res.resource_name, flex);
    write_array(ww, flex, res.configs, [flex](writer& w3, const incremental_alter_configs_entry& e) {
      w3.write_string(e.name, flex);
      w3.write_i8(e.config_operation);
      w3.write_nullable_string(e.value, flex);
      end_struct(w3, flex);
    });
    end_struct(ww, flex);
  });
  w.write_bool(req.validate_only);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const incremental_alter_configs_response& resp) {
  if (!is_supported(api_key::incremental_alter_configs, version))
    return w.fail();
  encode_alter_results(w, flexible(version), resp.throttle_time_ms, resp.responses);
}

bool decode(reader& r, int16_t version, incremental_alter_configs_response& resp) {
  if (!is_supported(api_key::incremental_alter_configs, version)) {
    r.fail();
    return false;
  }
  decode_alter_results(r, flexible(version), resp.throttle_time_ms, resp.responses);
  return !r.failed();
}

} // namespace samsa::kafka
