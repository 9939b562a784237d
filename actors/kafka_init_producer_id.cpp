// InitProducerId (key 22), v0-5: hands an idempotent producer a fresh producer id (epoch 0). From v3 the
// producer may name the id and epoch it has (both or neither, else INVALID_REQUEST, as Kafka); without a
// transactional id it gets a fresh id all the same, as from Kafka. Ids come from
// the broker, which reserves them in blocks in SQLite so they never repeat across restarts (on a cluster: in
// blocks allocated through the metadata quorum; while none can be had the answer is the retriable
// COORDINATOR_NOT_AVAILABLE). Transactional ids are not supported yet.
#include "actors/kafka_handler.hpp"

#include <chrono>

#include "actors/actor_clock.hpp"
#include "messages/kafka/init_producer_id.hpp"

namespace samsa::actors {

caf::result<kafka_reply> handle_init_producer_id(kafka_handler_ptr self, const kafka_request& req) {
  kafka::init_producer_id_request ir;
  if (!decode_body(req, ir))
    return close_connection();
  kafka::init_producer_id_response resp;
  if ((ir.producer_id == -1) != (ir.producer_epoch == -1)) {
    resp.error = kafka::error_code::invalid_request;
    return encode_reply(req.header, resp);
  }
  if (ir.transactional_id) {
    // Transactions come later; Kafka answers a broker without a transaction coordinator like this.
    resp.error = kafka::error_code::coordinator_not_available;
    return encode_reply(req.header, resp);
  }
  auto rp = self->make_response_promise<kafka_reply>();
  auto header = req.header;
  self->request(self->state.cfg.broker, timeouts::request, producer_id_atom::value)
    .then(
      [=](producer_id_t id) mutable {
        kafka::init_producer_id_response r;
        r.producer_id = id.value;
        r.producer_epoch = 0;
        rp.deliver(encode_reply(header, r));
      },
      [=](caf::error& e) mutable {
        kafka::init_producer_id_response r;
        r.error = to_kafka(e);
        // On a cluster the id block comes through the metadata quorum: while it elects a leader or the node
        // is not registered yet, answer what a client retries (librdkafka treats anything else, such as
        // NOT_CONTROLLER, as fatal for an idempotent producer). Storage errors stay what they are.
        switch (api_code(e)) {
          case api_errc::not_leader:
          case api_errc::leader_not_available:
          case api_errc::request_timed_out:
          case api_errc::broker_shutting_down:
            r.error = kafka::error_code::coordinator_not_available;
            break;
          default:
            if (e == caf::sec::request_timeout)
              r.error = kafka::error_code::coordinator_not_available;
            break;
        }
        rp.deliver(encode_reply(header, r));
      });
  return rp;
}

} // namespace samsa::actors
