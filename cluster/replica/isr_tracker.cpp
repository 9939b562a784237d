#include "cluster/replica/isr_tracker.hpp"

#include <algorithm>

namespace samsa::cluster::replica {

isr_tracker::isr_tracker(leader_start start, isr_config cfg, int64_t now_ms)
    : self_(start.self), replicas_(std::move(start.replicas)), isr_(std::move(start.isr)),
      leader_epoch_(start.leader_epoch), partition_epoch_(start.partition_epoch), epoch_start_(start.log_end),
      leo_(start.log_end), hw_(std::min(start.high_watermark, start.log_end)), cfg_(cfg) {
  for (auto id : replicas_) {
    if (id == self_)
      continue;
    follower_state f;
    f.last_caught_up_ms = in_isr(id) ? now_ms : 0; // Kafka's resetReplicaState for a new leader
    followers_.emplace(id, f);
  }
}

bool isr_tracker::in_isr(int32_t id) const {
  return std::find(isr_.begin(), isr_.end(), id) != isr_.end();
}

std::vector<int32_t> isr_tracker::maximal_isr() const {
  if (!pending_)
    return isr_;
  std::vector<int32_t> out;
  for (auto id : replicas_)
    if (in_isr(id) || std::count(pending_->proposal.isr.begin(), pending_->proposal.isr.end(), id))
      out.push_back(id);
  return out;
}

int64_t isr_tracker::follower_log_end(int32_t follower) const {
  return state(follower).leo;
}

const isr_tracker::follower_state& isr_tracker::state(int32_t id) const {
  static const follower_state unknown{};
  auto it = followers_.find(id);
  return it == followers_.end() ? unknown : it->second;
}

bool isr_tracker::caught_up(const follower_state& f, int64_t now_ms) const {
  return f.leo == leo_ || now_ms - f.last_caught_up_ms <= cfg_.replica_lag_time_max_ms;
}

bool isr_tracker::accept_acks_all() const {
  return static_cast<int64_t>(isr_.size()) >= cfg_.min_insync_replicas;
}

isr_effects isr_tracker::set_min_insync_replicas(int32_t n) {
  cfg_.min_insync_replicas = n;
  isr_effects out;
  advance(out);
  return out;
}

void isr_tracker::advance(isr_effects& out) {
  if (!accept_acks_all())
    return; // KIP-966: below min ISR the HW stays where it is
  int64_t hw = leo_;
  for (auto id : maximal_isr()) {
    if (id == self_)
      continue;
    hw = std::min(hw, state(id).leo); // unknown (-1) holds the HW where it is
  }
  if (hw > hw_) {
    hw_ = hw;
    out.high_watermark = hw_;
  }
  while (!waiters_.empty() && waiters_.begin()->first < hw_) {
    out.acks.push_back({waiters_.begin()->second.id, ack_result::ok});
    waiters_.erase(waiters_.begin());
  }
}

void isr_tracker::propose(std::vector<int32_t> isr, int64_t now_ms, isr_effects& out) {
  alter_partition_proposal p{std::move(isr), leader_epoch_, partition_epoch_};
  pending_ = pending_change{p, now_ms};
  out.proposal = std::move(p);
}

void isr_tracker::fail_all(ack_result why, isr_effects& out) {
  for (auto& [offset, w] : waiters_)
    out.acks.push_back({w.id, why});
  waiters_.clear();
}

isr_effects isr_tracker::on_leader_append(int64_t log_end, int64_t now_ms) {
  isr_effects out;
  leo_ = std::max(leo_, log_end);
  advance(out);
  return out;
}

isr_effects isr_tracker::on_follower_fetch(int32_t follower, int64_t fetch_offset, int64_t now_ms) {
  isr_effects out;
  auto it = followers_.find(follower);
  if (it == followers_.end() || fetch_offset < 0 || fetch_offset > leo_)
    return out;
  auto& f = it->second;
  // Kafka's Replica.updateFetchStateOrThrow
  if (fetch_offset >= leo_)
    f.last_caught_up_ms = std::max(f.last_caught_up_ms, now_ms);
  else if (fetch_offset >= f.last_fetch_leader_leo)
    f.last_caught_up_ms = std::max(f.last_caught_up_ms, f.last_fetch_ms);
  f.leo = fetch_offset;
  f.last_fetch_leader_leo = leo_;
  f.last_fetch_ms = now_ms;
  // Kafka's maybeExpandIsr: in sync = caught up to the HW and to the start of this leader's epoch
  if (!pending_ && !in_isr(follower) && fetch_offset >= hw_ && fetch_offset >= epoch_start_) {
    std::vector<int32_t> isr;
    for (auto id : replicas_)
      if (id == follower || in_isr(id))
        isr.push_back(id);
    propose(std::move(isr), now_ms, out);
  }
  advance(out);
  return out;
}

isr_effects isr_tracker::tick(int64_t now_ms) {
  isr_effects out;
  if (pending_ && now_ms - pending_->sent_ms >= cfg_.proposal_retry_ms) {
    pending_->sent_ms = now_ms;
    out.proposal = pending_->proposal; // again: it may have been lost, and it may have been committed
  } else if (!pending_) {
    std::vector<int32_t> keep;
    for (auto id : isr_)
      if (id == self_ || caught_up(state(id), now_ms))
        keep.push_back(id);
    if (keep.size() != isr_.size())
      propose(std::move(keep), now_ms, out);
  }
  for (auto it = waiters_.begin(); it != waiters_.end();) {
    if (it->second.deadline_ms <= now_ms) {
      out.acks.push_back({it->second.id, ack_result::request_timed_out});
      it = waiters_.erase(it);
    } else {
      ++it;
    }
  }
  advance(out);
  return out;
}

change_outcome isr_tracker::apply_partition_change(const std::vector<int32_t>& isr, int32_t leader_epoch,
                                                   int32_t partition_epoch, isr_effects& out) {
  if (leader_epoch > leader_epoch_ ||
      (leader_epoch == leader_epoch_ && std::find(isr.begin(), isr.end(), self_) == isr.end()))
    return change_outcome::leader_changed;
  if (leader_epoch < leader_epoch_ || partition_epoch <= partition_epoch_)
    return change_outcome::stale;
  isr_ = isr;
  partition_epoch_ = partition_epoch;
  pending_.reset(); // based on an older partition epoch: the controller refuses it anyway
  if (!accept_acks_all())
    fail_all(ack_result::not_enough_replicas_after_append, out);
  else
    advance(out);
  return change_outcome::applied;
}

void isr_tracker::proposal_failed() {
  pending_.reset();
}

isr_effects isr_tracker::resign() {
  isr_effects out;
  fail_all(ack_result::not_leader_or_follower, out);
  return out;
}

isr_effects isr_tracker::take_waiters(isr_tracker& previous) {
  isr_effects out;
  waiters_.merge(previous.waiters_); // a multimap takes every node, equal offsets included
  if (!accept_acks_all())
    fail_all(ack_result::not_enough_replicas_after_append, out); // as a committed ISR below min ISR does
  else
    advance(out);
  return out;
}

isr_effects isr_tracker::add_waiter(uint64_t id, int64_t last_offset, int64_t deadline_ms) {
  isr_effects out;
  waiters_.emplace(last_offset, waiter{id, last_offset, deadline_ms});
  advance(out);
  return out;
}

} // namespace samsa::cluster::replica
