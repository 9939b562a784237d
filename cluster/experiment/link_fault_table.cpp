#include "cluster/experiment/link_fault_table.hpp"

namespace samsa::cluster::experiment {

void link_fault_table::cut(int32_t from, int32_t to) { ++cuts_[{from, to}]; }

void link_fault_table::heal(int32_t from, int32_t to) {
  auto it = cuts_.find({from, to});
  if (it != cuts_.end() && --it->second <= 0)
    cuts_.erase(it);
}

void link_fault_table::add_delay(int32_t from, int32_t to, int64_t delay_ms) {
  if (delay_ms > 0)
    delays_[{from, to}].insert(delay_ms);
}

void link_fault_table::remove_delay(int32_t from, int32_t to, int64_t delay_ms) {
  auto it = delays_.find({from, to});
  if (it == delays_.end())
    return;
  auto d = it->second.find(delay_ms);
  if (d != it->second.end())
    it->second.erase(d);
  if (it->second.empty())
    delays_.erase(it);
}

bool link_fault_table::cut_one_way(int32_t from, int32_t to) const { return cuts_.count({from, to}) > 0; }

std::optional<int64_t> link_fault_table::hold_ms(int32_t from, int32_t to) const {
  if (cut_one_way(from, to))
    return std::nullopt;
  auto it = delays_.find({from, to});
  return it == delays_.end() ? 0 : *it->second.rbegin();
}

} // namespace samsa::cluster::experiment
