#pragma once

// DeleteTopics (key 20), versions 0-6 (v0-3 identical; v4+ flexible; v5 adds error_message to the
// answer; v6 names each topic by (nullable name, topic id) and answers with both).
// Request: topic_names (v0-5) or topics[name, topic_id] (v6+), timeout_ms.
// Response: throttle_time_ms (v1+), responses[name (v6+ nullable), topic_id (v6+), error,
// error_message (v5+)].

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/uuid.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// v6+: one topic to delete, by name or by id (Kafka refuses both or neither).
struct delete_topics_topic {
  std::optional<std::string> name;
  uuid topic_id = zero_uuid;
};

/// DeleteTopics request. v0-5 carry `topic_names`, v6+ `topics`.
struct delete_topics_request {
  std::vector<std::string> topic_names; // v0-5
  std::vector<delete_topics_topic> topics; // v6+
  int32_t timeout_ms = 0;
};

/// Result for one topic.
struct delete_topics_topic_result {
  std::string name; // v6+: empty is sent as null (a topic asked by an id this node does not know)
  uuid topic_id = zero_uuid; // v6+
  error_code error = error_code::none;
  std::optional<std::string> error_message; // v5+
};

/// DeleteTopics response body.
struct delete_topics_response {
  int32_t throttle_time_ms = 0; // v1+
  std::vector<delete_topics_topic_result> responses;
};

bool decode(reader& r, int16_t version, delete_topics_request& req);
void encode(writer& w, int16_t version, const delete_topics_request& req);
void encode(writer& w, int16_t version, const delete_topics_response& resp);
bool decode(reader& r, int16_t version, delete_topics_response& resp);

} // namespace samsa::kafka
