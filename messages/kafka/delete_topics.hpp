#pragma once

// DeleteTopics (key 20), versions 0-3 (identical layouts; v4 is the first flexible version).
// Request: topic_names, timeout_ms. Response: throttle_time_ms (v1+), responses[name, error].

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// DeleteTopics request.
struct delete_topics_request {
  std::vector<std::string> topic_names;
  int32_t timeout_ms = 0;
};

/// Result for one topic.
struct delete_topics_topic_result {
  std::string name;
  error_code error = error_code::none;
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
