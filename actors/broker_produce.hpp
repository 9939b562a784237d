#pragma once
// Native produce routing: an explicit partition, else murmur2(key) % partitions for keyed records (as
// Java's client), else one round-robin partition per request for null keys; auto-creates unknown topics
// when allowed; the acks=0 credit (answered early only while the partitions have credit left).
#include "actors/broker.hpp"

namespace samsa::actors {

caf::result<produce_response> handle_produce(broker_ptr self, produce_request& req);

} // namespace samsa::actors
