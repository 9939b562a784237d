// ListGroups (key 16), v0-5: every group this node coordinates; v4 names each group's state and may ask only
// for groups in some states (Kafka's state names, compared case-insensitively as Kafka 3.9 does); v5 names each
// group's type, always "classic" (samsa has only the classic group protocol), and may ask only for some types:
// a types filter without "classic" (case-insensitive) lists nothing, as Kafka 3.9's classic coordinator does.
#include "actors/kafka_handler.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "actors/actor_clock.hpp"
#include "actors/group_coordinator.hpp"
#include "messages/kafka/list_groups.hpp"

namespace samsa::actors {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

} // namespace

caf::result<kafka_reply> handle_list_groups(kafka_handler_ptr self, const kafka_request& req) {
  kafka::list_groups_request lr;
  if (!decode_body(req, lr))
    return close_connection();
  auto header = req.header;
  std::vector<std::string> states;
  for (auto& s : lr.states_filter)
    states.push_back(lower(s));
  const bool classic_listed =
    lr.types_filter.empty() ||
    std::any_of(lr.types_filter.begin(), lr.types_filter.end(), [](const std::string& t) { return lower(t) == "classic"; });
  auto rp = self->make_response_promise<kafka_reply>();
  self->request(self->state.cfg.groups, timeouts::request, list_atom::value)
    .then(
      [=](std::vector<group_info>& groups) mutable {
        kafka::list_groups_response resp;
        for (auto& g : groups) {
          if (!classic_listed)
            break;
          if (!states.empty() && std::find(states.begin(), states.end(), lower(g.state)) == states.end())
            continue;
          resp.groups.push_back({g.group_id, g.protocol_type, g.state, "classic"});
        }
        rp.deliver(encode_reply(header, resp));
      },
      [=](caf::error&) mutable {
        kafka::list_groups_response resp;
        resp.error = kafka::error_code::coordinator_not_available;
        rp.deliver(encode_reply(header, resp));
      });
  return rp;
}

} // namespace samsa::actors
