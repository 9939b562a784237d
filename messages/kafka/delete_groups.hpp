#pragma once

// DeleteGroups (key 42), versions 0-2 (v1 = v0; v2 is the first flexible version). Request:
// groups_names. Response: throttle_time_ms, results[group_id, error]. A group can be deleted only
// when it has no members (NON_EMPTY_GROUP otherwise); one that does not exist is GROUP_ID_NOT_FOUND.

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kafka/errors.hpp"
#include "messages/kafka/wire.hpp"

namespace samsa::kafka {

/// DeleteGroups request.
struct delete_groups_request {
  std::vector<std::string> groups_names;
};

/// Result for one group.
struct delete_groups_result {
  std::string group_id;
  error_code error = error_code::none;
};

/// DeleteGroups response body.
struct delete_groups_response {
  int32_t throttle_time_ms = 0;
  std::vector<delete_groups_result> results;
};

bool decode(reader& r, int16_t version, delete_groups_request& req);
void encode(writer& w, int16_t version, const delete_groups_request& req);
void encode(writer& w, int16_t version, const delete_groups_response& resp);
bool decode(reader& r, int16_t version, delete_groups_response& resp);

} // namespace samsa::kafka
