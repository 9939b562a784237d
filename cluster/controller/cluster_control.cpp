#include "cluster/controller/cluster_control.hpp"

#include <algorithm>

namespace samsa::cluster {

void cluster_control::activate(const metadata_image& img, int64_t now_ms) {
  active_ = true;
  sessions_.clear();
  in_flight_.clear();
  for (const auto& [id, b] : img.brokers())
    sessions_[id] = session{b.broker_epoch, now_ms + session_timeout_ms_};
}

void cluster_control::deactivate() {
  active_ = false;
  sessions_.clear();
  in_flight_.clear();
}

const int64_t* cluster_control::session_deadline(int32_t node_id) const {
  auto it = sessions_.find(node_id);
  return it == sessions_.end() ? nullptr : &it->second.deadline_ms;
}

std::set<int32_t> cluster_control::unfenced_brokers(const metadata_image& img) const {
  std::set<int32_t> out;
  for (const auto& [id, b] : img.brokers())
    if (!b.fenced)
      out.insert(id);
  for (const auto& [node, epoch, fenced] : in_flight_) {
    auto b = img.broker(node);
    if (!b || b->broker_epoch != epoch)
      continue;
    if (fenced)
      out.erase(node);
    else
      out.insert(node);
  }
  return out;
}

bool cluster_control::propose_fence_state(const metadata_image& img, int32_t node, int64_t epoch, bool fenced,
                                          std::vector<metadata_record>& out) {
  auto b = img.broker(node);
  // Whatever was in flight for this node and is now visible in the image is done.
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    auto [n, e, f] = *it;
    bool done = n == node && (!b || b->broker_epoch != e || b->fenced == f);
    it = done ? in_flight_.erase(it) : std::next(it);
  }
  if (!b || b->broker_epoch != epoch || b->fenced == fenced)
    return false;
  if (!in_flight_.insert({node, epoch, fenced}).second)
    return false;
  if (fenced)
    out.push_back(fence_broker_record{node, epoch});
  else
    out.push_back(unfence_broker_record{node, epoch});
  return true;
}

control_decision cluster_control::handle_register(const metadata_image& img, const registration_request& req,
                                                  int64_t now_ms) {
  control_decision d;
  if (!active_) {
    d.reply = {reply_kind::refused, -1, true, "not the active controller"};
    return d;
  }
  if (req.node_id < 0 || req.incarnation_id.empty()) {
    d.reply = {reply_kind::refused, -1, true, "a registration needs a node id >= 0 and an incarnation id"};
    return d;
  }
  auto b = img.broker(req.node_id);
  if (b && b->incarnation_id == req.incarnation_id) {
    sessions_[req.node_id] = session{b->broker_epoch, now_ms + session_timeout_ms_};
    d.reply = {reply_kind::epoch, b->broker_epoch, b->fenced, {}};
    return d;
  }
  register_broker_record r;
  r.node_id = req.node_id;
  r.incarnation_id = req.incarnation_id;
  r.broker_epoch = -1; // the record's offset (see the file comment)
  r.endpoints = req.endpoints;
  r.rack = req.rack;
  r.fenced = true;
  d.records.push_back(std::move(r));
  d.reply = {reply_kind::epoch_from_commit, -1, true, {}};
  return d;
}

void cluster_control::registered(int32_t node_id, int64_t epoch, int64_t now_ms) {
  if (active_)
    sessions_[node_id] = session{epoch, now_ms + session_timeout_ms_};
}

control_decision cluster_control::handle_heartbeat(const metadata_image& img, const heartbeat_request& req,
                                                   int64_t now_ms) {
  control_decision d;
  if (!active_) {
    d.reply = {reply_kind::refused, -1, true, "not the active controller"};
    return d;
  }
  auto b = img.broker(req.node_id);
  if (!b || b->broker_epoch != req.broker_epoch) {
    d.reply = {reply_kind::unknown_broker, b ? b->broker_epoch : -1, true,
               b ? "broker epoch " + std::to_string(req.broker_epoch) + " is stale; node "
                     + std::to_string(req.node_id) + " is registered with epoch " + std::to_string(b->broker_epoch)
                 : "node " + std::to_string(req.node_id) + " is not registered"};
    return d;
  }
  sessions_[req.node_id] = session{b->broker_epoch, now_ms + session_timeout_ms_};
  if (b->fenced && req.applied_offset >= b->broker_epoch)
    propose_fence_state(img, req.node_id, b->broker_epoch, false, d.records);
  d.reply = {reply_kind::heartbeat, b->broker_epoch, b->fenced, {}};
  return d;
}

control_decision cluster_control::handle_node_down(const metadata_image& img, int32_t node_id, int64_t epoch,
                                                   int64_t now_ms) {
  control_decision d;
  if (!active_)
    return d;
  // Its session ends now: should this fence not commit, tick() proposes it again.
  auto it = sessions_.find(node_id);
  if (it != sessions_.end() && it->second.epoch == epoch)
    it->second.deadline_ms = std::min(it->second.deadline_ms, now_ms);
  propose_fence_state(img, node_id, epoch, true, d.records);
  return d;
}

control_decision cluster_control::tick(const metadata_image& img, int64_t now_ms) {
  control_decision d;
  if (!active_)
    return d;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto b = img.broker(it->first);
    if (now_ms < it->second.deadline_ms) {
      ++it;
    } else if (b && b->broker_epoch == it->second.epoch && !b->fenced) {
      propose_fence_state(img, it->first, it->second.epoch, true, d.records); // kept until the image says fenced
      ++it;
    } else {
      it = sessions_.erase(it); // fenced (or replaced): the next heartbeat starts a new session
    }
  }
  return d;
}

} // namespace samsa::cluster
