#pragma once
// Builds experiment histories (cluster/checker/history.hpp) in tests: each call appends the events a runner
// would write, one millisecond apart unless at() sets the clock.
#include <optional>
#include <string>
#include <vector>

#include "cluster/checker/history.hpp"

namespace samsa::cluster::checker::testing {

inline const topic_partition t0{"t", 0};
inline const topic_partition t1{"t", 1};

inline record_read rd(const topic_partition& tp, int64_t offset, std::string value) {
  return {tp, offset, std::move(value)};
}

struct builder {
  history h;
  int64_t now_ns = 0;

  builder& at(int64_t ns) {
    now_ns = ns;
    return *this;
  }
  event& add(int64_t process, event_type type, op_f f) {
    event e;
    e.process = process;
    e.type = type;
    e.f = f;
    e.time_ns = (now_ns += 1'000'000);
    h.events.push_back(std::move(e));
    return h.events.back();
  }
  // A send's invoke, then its completion (an offset only for ok).
  builder& send_invoke(int64_t p, const topic_partition& tp, const std::string& value) {
    auto& e = add(p, event_type::invoke, op_f::send);
    e.tp = tp;
    e.value = value;
    return *this;
  }
  builder& send_complete(int64_t p, event_type result, std::optional<int64_t> offset = std::nullopt,
                         const std::string& error = "") {
    auto& e = add(p, result, op_f::send);
    e.offset = offset;
    e.error = error;
    return *this;
  }
  builder& send(int64_t p, const topic_partition& tp, const std::string& value, event_type result,
                std::optional<int64_t> offset = std::nullopt) {
    return send_invoke(p, tp, value).send_complete(p, result, offset);
  }
  builder& poll_invoke(int64_t p) {
    add(p, event_type::invoke, op_f::poll);
    return *this;
  }
  builder& poll_complete(int64_t p, std::vector<record_read> reads, event_type result = event_type::ok) {
    add(p, result, op_f::poll).reads = std::move(reads);
    return *this;
  }
  builder& poll(int64_t p, std::vector<record_read> reads, event_type result = event_type::ok) {
    return poll_invoke(p).poll_complete(p, std::move(reads), result);
  }
  builder& assign(int64_t p, std::vector<topic_partition> tps, bool seek_to_beginning = false) {
    auto& e = add(p, event_type::invoke, op_f::assign);
    e.partitions = std::move(tps);
    e.seek_to_beginning = seek_to_beginning;
    add(p, event_type::ok, op_f::assign);
    return *this;
  }
  builder& commit(int64_t p, const std::string& group, std::vector<partition_offset> offsets,
                  event_type result = event_type::ok) {
    auto& e = add(p, event_type::invoke, op_f::commit);
    e.group = group;
    e.offsets = std::move(offsets);
    add(p, result, op_f::commit);
    return *this;
  }
  builder& rebalance(int64_t p, const std::string& group, int32_t generation, const std::string& member,
                     std::vector<topic_partition> tps, std::vector<partition_offset> committed = {}) {
    auto& e = add(p, event_type::ok, op_f::rebalance);
    e.group = group;
    e.generation = generation;
    e.member = member;
    e.partitions = std::move(tps);
    e.offsets = std::move(committed);
    return *this;
  }
  builder& fault(const std::string& name, bool start, const std::string& target = "") {
    auto& e = add(nemesis_process, event_type::info, op_f::fault);
    e.fault_name = name;
    e.fault_start = start;
    e.fault_target = target;
    return *this;
  }
};

} // namespace samsa::cluster::checker::testing
