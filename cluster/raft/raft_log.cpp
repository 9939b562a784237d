#include "cluster/raft/raft_log.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace samsa::raft {

namespace {

[[noreturn]] void broken(const char* what, log_index_t i) {
  throw std::logic_error(std::string("raft_log: ") + what + " at index " +
                         std::to_string(i.value));
}

} // namespace

raft_log::raft_log(snapshot_meta snap, std::vector<log_entry> entries)
  : snap_(snap) {
  for (auto& e : entries)
    append(std::move(e));
}

std::optional<term_t> raft_log::term_at(log_index_t i) const {
  if (i == snap_.index)
    return snap_.term;
  if (i < snap_.index || i > last_index())
    return std::nullopt;
  return entries_[static_cast<size_t>((i - 1).value - snap_.index.value)].term;
}

const log_entry& raft_log::at(log_index_t i) const {
  if (i < first_index() || i > last_index())
    broken("no entry", i);
  return entries_[static_cast<size_t>((i - 1).value - snap_.index.value)];
}

std::vector<log_entry> raft_log::slice(log_index_t from, log_index_t to, size_t max_bytes) const {
  if (from < first_index())
    broken("slice into the snapshot", from);
  std::vector<log_entry> out;
  size_t used = 0;
  for (auto i = from; i <= std::min(to, last_index()); i = i + 1) {
    const auto& e = at(i);
    if (!out.empty() && used + e.data.size() > max_bytes)
      break;
    used += e.data.size();
    out.push_back(e);
  }
  return out;
}

void raft_log::append(log_entry e) {
  if (e.index != last_index() + 1)
    broken("append leaves a hole or overlaps", e.index);
  if (e.term < last_term())
    broken("append with a term below the last term", e.index);
  entries_.push_back(std::move(e));
}

void raft_log::truncate_from(log_index_t i) {
  if (i <= snap_.index)
    broken("truncate into the snapshot", i);
  if (i > last_index())
    return;
  entries_.resize(static_cast<size_t>((i - 1).value - snap_.index.value));
}

void raft_log::compact(snapshot_meta meta) {
  if (meta.index <= snap_.index)
    return;
  if (matches(meta.index, meta.term)) {
    auto keep_from = entries_.begin() + (meta.index.value - snap_.index.value);
    entries_.erase(entries_.begin(), keep_from);
  } else {
    entries_.clear();
  }
  snap_ = meta;
}

bool raft_log::is_up_to_date(log_index_t other_last_index, term_t other_last_term) const {
  if (other_last_term != last_term())
    return other_last_term > last_term();
  return other_last_index >= last_index();
}

log_index_t raft_log::first_index_of_term(log_index_t i, log_index_t floor) const {
  auto t = term_at(i);
  if (!t)
    return std::max(floor, std::min(i, last_index() + 1));
  auto lo = std::max(floor, first_index());
  while (i > lo && term_at(i - 1) == t)
    i = i - 1;
  return std::max(i, floor);
}

} // namespace samsa::raft
