// InitProducerId codec. Field order per Kafka's InitProducerIdRequest.json /
// InitProducerIdResponse.json.

#include "messages/kafka/init_producer_id.hpp"

#include "messages/kafka/api_table.hpp"

namespace samsa::kafka {

bool decode(reader& r, int16_t version, init_producer_id_request& req) {
  if (!is_supported(api_key::init_producer_id, version)) {
    r.fail();
    return false;
  }
  req.transactional_id = r.read_nullable_string();
  req.transaction_timeout_ms = r.read_i32();
  return !r.failed();
}

void encode(writer& w, int16_t version, const init_producer_id_request& req) {
  if (!is_supported(api_key::init_producer_id, version))
    return w.fail();
  w.write_nullable_string(req.transactional_id);
  w.write_i32(req.transaction_timeout_ms);
}

void encode(writer& w, int16_t version, const init_producer_id_response& resp) {
  if (!is_supported(api_key::init_producer_id, version))
    return w.fail();
  w.write_i32(resp.throttle_time_ms);
  w.write_i16(to_int(resp.error));
  w.write_i64(resp.producer_id);
  w.write_i16(resp.producer_epoch);
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
  return !r.failed();
}

} // namespace samsa::kafka
