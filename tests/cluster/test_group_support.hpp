#pragma once
// Test double for the group coordinator actor: a fake clock and a "parking lot" that holds
// parked JoinGroup/SyncGroup requests and receives the answers group_effects deliver, exactly
// as the actor will (deliver effects first, then answer or park the new request). It REQUIREs
// that every delivery finds a parked request, so a lost or misaddressed answer fails the test.

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "cluster/group_state.hpp"

namespace samsa::cluster::test {

inline group_config test_config(int32_t initial_delay_ms = 0) {
  group_config c;
  c.initial_rebalance_delay_ms = initial_delay_ms;
  c.min_session_timeout_ms = 1000;
  c.member_id_seed = 42;
  return c;
}

inline join_request make_join(std::string member_id, std::vector<group_protocol> protocols = {},
                              std::optional<std::string> instance = std::nullopt) {
  join_request r;
  r.version = 3; // no MEMBER_ID_REQUIRED round trip unless a test asks for v4+
  r.member_id = std::move(member_id);
  r.group_instance_id = std::move(instance);
  r.client_id = "client";
  r.client_host = "/127.0.0.1";
  r.session_timeout_ms = 10000;
  r.rebalance_timeout_ms = 30000;
  r.protocol_type = "consumer";
  r.protocols = protocols.empty() ? std::vector<group_protocol>{{"range", "sub"}} : protocols;
  return r;
}

// A parked request and, once delivered, its answer.
template <class Response>
struct parked {
  std::string member_id;
  std::optional<Response> answer;
};

struct shell {
  group g;
  int64_t now = 0;
  std::vector<parked<join_response>> joins;
  std::vector<parked<sync_response>> syncs;
  int stores = 0;

  explicit shell(group_config cfg = test_config()) : g("g1", cfg) {}

  void deliver(const group_effects& fx) {
    for (const auto& d : fx.joins) {
      auto it = std::find_if(joins.begin(), joins.end(), [&](const auto& p) {
        return p.member_id == d.to && !p.answer;
      });
      REQUIRE_MESSAGE(it != joins.end(), "join answer for unparked member " << d.to);
      it->answer = d.response;
    }
    for (const auto& d : fx.syncs) {
      auto it = std::find_if(syncs.begin(), syncs.end(), [&](const auto& p) {
        return p.member_id == d.to && !p.answer;
      });
      REQUIRE_MESSAGE(it != syncs.end(), "sync answer for unparked member " << d.to);
      it->answer = d.response;
    }
    if (fx.store_group)
      ++stores;
  }

  // Sends a JoinGroup; returns the immediate answer, or nullopt and the id it is parked under.
  std::optional<join_response> join(const join_request& req, std::string* parked_as = nullptr) {
    auto r = g.join(req, now);
    deliver(r.effects);
    if (!r.response)
      joins.push_back({r.member_id, std::nullopt});
    if (parked_as)
      *parked_as = r.member_id;
    return r.response;
  }

  std::optional<sync_response> sync(const std::string& member_id, int32_t generation,
                                    std::vector<sync_assignment> assignments = {},
                                    std::optional<std::string> instance = std::nullopt) {
    auto r = g.sync({generation, member_id, std::move(instance), std::move(assignments)}, now);
    deliver(r.effects);
    if (!r.response)
      syncs.push_back({r.member_id, std::nullopt});
    return r.response;
  }

  group_errc heartbeat(const std::string& member_id, int32_t generation,
                       std::optional<std::string> instance = std::nullopt) {
    return g.heartbeat({generation, member_id, std::move(instance)}, now);
  }

  leave_result leave(std::vector<leave_member> members) {
    auto r = g.leave(members, now);
    deliver(r.effects);
    return r;
  }

  // Moves the clock forward by `ms`, ticking at every deadline on the way (as the actor's
  // timer does), then at the target time.
  void advance(int64_t ms) {
    int64_t target = now + ms;
    for (int guard = 0; guard < 10000; ++guard) {
      auto d = g.next_deadline();
      if (!d || *d > target)
        break;
      now = std::max(now, *d);
      deliver(g.tick(now));
      auto after = g.next_deadline();
      REQUIRE_MESSAGE((!after || *after > now), "tick left a deadline in the past");
    }
    now = target;
    deliver(g.tick(now));
  }

  // Removes and returns the first delivered answer for `member_id` (nullopt: still parked).
  std::optional<join_response> take_join(const std::string& member_id) {
    return take(joins, member_id);
  }
  std::optional<sync_response> take_sync(const std::string& member_id) {
    return take(syncs, member_id);
  }
  bool join_parked(const std::string& member_id) const { return is_parked(joins, member_id); }
  bool sync_parked(const std::string& member_id) const { return is_parked(syncs, member_id); }

private:
  template <class R>
  static std::optional<R> take(std::vector<parked<R>>& v, const std::string& id) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it->member_id == id && it->answer) {
        auto a = std::move(it->answer);
        v.erase(it);
        return a;
      }
    }
    return std::nullopt;
  }
  template <class R>
  static bool is_parked(const std::vector<parked<R>>& v, const std::string& id) {
    return std::any_of(v.begin(), v.end(),
                       [&](const auto& p) { return p.member_id == id && !p.answer; });
  }
};

} // namespace samsa::cluster::test
