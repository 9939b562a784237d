#pragma once

// DescribeCluster (key 60, KIP-700), versions 0-1, all flexible. Request:
// include_cluster_authorized_operations, endpoint_type (v1+; 1 = brokers, 2 = controllers).
// Response: throttle_time_ms, error, error_message, endpoint_type (v1+), cluster_id, controller_id,
// brokers[broker_id, host, port, rack], cluster_authorized_operations (INT32_MIN: not computed).

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

inline constexpr int8_t endpoint_type_brokers = 1;
inline constexpr int8_t endpoint_type_controllers = 2;

/// DescribeCluster request.
struct describe_cluster_request {
  bool include_cluster_authorized_operations = false;
  int8_t endpoint_type = endpoint_type_brokers; // v1+
};

/// One broker, as in Metadata.
struct describe_cluster_broker {
  int32_t broker_id = 0;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack;
};

/// DescribeCluster response body.
struct describe_cluster_response {
  int32_t throttle_time_ms = 0;
  error_code error = error_code::none;
  std::optional<std::string> error_message;
  int8_t endpoint_type = endpoint_type_brokers; // v1+
  std::string cluster_id;
  int32_t controller_id = -1;
  std::vector<describe_cluster_broker> brokers;
  int32_t cluster_authorized_operations = INT32_MIN;
};

bool decode(reader& r, int16_t version, describe_cluster_request& req);
void encode(writer& w, int16_t version, const describe_cluster_request& req);
void encode(writer& w, int16_t version, const describe_cluster_response& resp);
bool decode(reader& r, int16_t version, describe_cluster_response& resp);

} // namespace samsa::kafka
