// DescribeConfigs codec. Field order per Kafka's DescribeConfigsRequest.json / DescribeConfigsResponse.json.

#include "messages/kafka/describe_configs.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::describe_configs), version);
}

void read_resource(reader& r, bool flex, describe_configs_resource& res) {
  res.resource_type = r.read_i8();
  res.resource_name = r.read_string(flex);
  read_nullable_array(
    r, flex, res.configuration_keys, [flex](reader& rr, std::string& k) { k = rr.read_string(flex); },
    flex ? 1 : 2);
  end_struct(r, flex);
}

void write_entry(writer& w, int16_t version, bool flex, const describe_configs_entry& e) {
  w.write_string(e.name, flex);
  w.write_nullable_string(e.value, flex);
  w.write_bool(e.read_only);
  if (version == 0)
    w.write_bool(e.is_default);
  else
    w.write_i8(e.config_source);
  w.write_bool(e.is_sensitive);
  if (version >= 1) {
    write_array(w, flex, e.synonyms, [flex](writer& ww, const describe_configs_synonym& s) {
      ww.write_string(s.name, flex);
      ww.write_nullable_string(s.value, flex);
      ww.write_i8(s.source);
      end_struct(ww, flex);
    });
  }
  if (version >= 3) {
    w.write_i8(e.config_type);
    w.write_nullable_string(e.documentation, flex);
  }
  end_struct(w, flex);
}

void read_entry(reader& r, int16_t version, bool flex, describe_configs_entry& e) {
  e.name = r.read_string(flex);
  e.value = r.read_nullable_string(flex);
  e.read_only = r.read_bool();
  if (version == 0)
    e.is_default = r.read_bool();
  else
    e.config_source = r.read_i8();
  e.is_sensitive = r.read_bool();
  if (version >= 1) {
    read_array(
      r, flex, e.synonyms,
      [flex](reader& rr, describe_configs_synonym& s) {
        s.name = rr.read_string(flex);
        s.value = rr.read_nullable_string(flex);
        s.source = rr.read_i8();
        end_struct(rr, flex);
      },
      flex ? 3 : 5);
  }
  if (version >= 3) {
    e.config_type = r.read_i8();
    e.documentation = r.read_nullable_string(flex);
  }
  end_struct(r, flex);
}

} // namespace

bool decode(reader& r, int16_t version, describe_configs_request& req) {
  if (!is_supported(api_key::describe_configs, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  read_array(
    r, flex, req.resources, [flex](reader& rr, describe_configs_resource& res) { read_resource(rr, flex, res); },
    flex ? 3 : 7);
  req.include_synonyms = version >= 1 ? r.read_bool() : false;
  req.include_documentation = version >= 3 ? r.read_bool() : false;
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const describe_configs_request& req) {
  if (!is_supported(api_key::describe_configs, version))
    return w.fail();
  const bool flex = flexible(version);
  write_array(w, flex, req.resources, [flex](writer& ww, const describe_configs_resource& res) {
    ww.write_i8(res.resource_type);
    ww.write_string(res.resource_name, flex);
    write_nullable_array(ww, flex, res.configuration_keys,
                         [flex](writer& w3, const std::string& k) { w3.write_string(k, flex); });
    end_struct(ww, flex);
  });
  if (version >= 1)
    w.write_bool(req.include_synonyms);
  if (version >= 3)
    w.write_bool(req.include_documentation);
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const describe_configs_response& resp) {
  if (!is_supported(api_key::describe_configs, version))
    return w.fail();
  const bool flex = flexible(version);
  w.write_i32(resp.throttle_time_ms);
  write_array(w, flex, resp.results, [version, flex](writer& ww, const describe_configs_result& res) {
    ww.write_i16(to_int(res.error));
    ww.write_nullable_string(res.error_message, flex);
    ww.write_i8(res.resource_type);
    ww.write_string(res.resource_name, flex);
    write_array(ww, flex, res.configs, [version, flex](writer& w3, const describe_configs_entry& e) {
      write_entry(w3, version, flex, e);
    });
    end_struct(ww, flex);
  });
  end_struct(w, flex);
}

bool decode(reader& r, int16_t version, describe_configs_response& resp) {
  if (!is_supported(api_key::describe_configs, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  resp.throttle_time_ms = r.read_i32();
  read_array(
    r, flex, resp.results,
    [version, flex](reader& rr, describe_configs_result& res) {
      res.error = static_cast<error_code>(rr.read_i16());
      res.error_message = rr.read_nullable_string(flex);
      res.resource_type = rr.read_i8();
      res.resource_name = rr.read_string(flex);
      read_array(
        rr, flex, res.configs,
        [version, flex](reader& r3, describe_configs_entry& e) { read_entry(r3, version, flex, e); },
        flex ? 6 : 8);
      end_struct(rr, flex);
    },
    flex ? 6 : 9);
  end_struct(r, flex);
  return !r.failed();
}

} // namespace samsa::kafka
