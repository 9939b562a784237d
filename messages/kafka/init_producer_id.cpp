// InitProducerId codec. Field order per Kafka's InitProducerIdRequest.json /
// InitProducerIdResponse.json (3.9: v0-5, v2+ flexible).

#include "messages/kafka/init_producer_id.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

namespace {

bool flexible(int16_t version) {
  return is_flexible(static_cast<int16_t>(api_key::init_producer_id), version);
}

} // namespace

bool decode(reader& r, int16_t version, init_producer_id_request& req) {
  if (!is_supported(api_key::init_producer_id, version)) {
    r.fail();
    return false;
  }
  const bool flex = flexible(version);
  req.transactional_id = r.read_nullable_string(flex);
  req.transaction_timeout_ms = r.read_i32();
  req.producer_id = version >= 3 ? r.read_i64() : -1;
  req.producer_epoch = version >= 3 ? r.read_i16() : int16_t{-1};
  end_struct(r, flex);
  return !r.failed();
}

void encode(writer& w, int16_t version, const init_producer_id_request& req) {
  if (!is_supported(api_key::init_producer_id, version))
    return w.fail();
  const bool flex = flexible(version);
  w.write_nullable_string(req.transactional_id, flex);
  w.write_i32(req.transaction_timeout_ms);
  if (version >= 3) {
    w.write_i64(req.producer_id);
    w.write_i16(req.producer_epoch);
  }
  end_struct(w, flex);
}

void encode(writer& w, int16_t version, const init_producer_id_response& resp) {
  if (!is_supported(api_key::init_producer_id, version))
    return w.fail();
  w.write_i32(resp.throttle_time_ms);
  w.write_i16(to_int(resp.error));
  w.write_i64(resp.producer_id);
  w.write_i16(resp.producer_epoch);
  end_struct(w, flexible(version));
}

bool decode(reader& r, int16_t version, init_producer_id_response& resp) {
  if (!is_supported(api_key::init_producer_id, version)) {
    r.fail();
    return false;
  }
  resp.throttle_time_ms = r.read_i32();
  resp.error = static_cast<error_code>(r.read_i16());
  resp.producer_id = r.read_i64();
  resp.producer_epoch = r.read_i16();
  end_struct(r, flexible(version));
  return !r.failed();
}

} // namespace samsa::kafka
