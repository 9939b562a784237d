#pragma once
// Test helpers for persistence::raft_store, shared by tests/persistence/test_raft_store.cpp and the Raft
// simulation (tests/cluster/test_raft_sim.cpp persists through real stores): a database file with the
// migrations applied, the in-memory model of the effects contract, and a comparison of durable states
// that says where they differ.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "messages/raft_types.hpp"
#include "persistence/metadata_store.hpp"
#include "persistence/raft_store.hpp"

namespace samsa::persistence::test {

// A fresh directory (under `base`, /tmp by default), removed with everything in it on destruction.
struct raft_temp_dir {
  std::filesystem::path path;
  explicit raft_temp_dir(const std::string& base = "/tmp") {
    std::string tmpl = base + "/samsa_raft_XXXXXX";
    if (!mkdtemp(tmpl.data()))
      throw std::runtime_error("mkdtemp failed under " + base);
    path = tmpl;
  }
  ~raft_temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  raft_temp_dir(const raft_temp_dir&) = delete;
  raft_temp_dir& operator=(const raft_temp_dir&) = delete;
};

// Creates the database (metadata_store applies the migrations, as at node start) if needed, then opens
// a raft_store on it. Throws with the store's message on failure.
inline std::unique_ptr<raft_store> open_raft_store(const std::filesystem::path& db_file) {
  std::string err;
  if (!metadata_store::open(db_file, &err))
    throw std::runtime_error("metadata_store::open: " + err);
  auto s = raft_store::open(db_file, &err);
  if (!s)
    throw std::runtime_error("raft_store::open: " + err);
  return s;
}

// The effects contract applied to memory, step 1 only (what raft_types.hpp says to persist).
inline void apply_persist(raft::durable_state& d, const raft::effects& fx) {
  if (fx.hard)
    d.hard = *fx.hard;
  if (fx.install) {
    d.snap = *fx.install;
    auto keep = std::find_if(d.entries.begin(), d.entries.end(),
                             [&](const raft::log_entry& e) { return e.index > fx.install->meta.index; });
    d.entries.erase(d.entries.begin(), keep);
  }
  if (fx.truncate_from)
    while (!d.entries.empty() && d.entries.back().index >= *fx.truncate_from)
      d.entries.pop_back();
  d.entries.insert(d.entries.end(), fx.append.begin(), fx.append.end());
}

// What save_snapshot promises, in memory.
inline void apply_snapshot(raft::durable_state& d, const raft::snapshot& s) {
  if (s.meta.index <= d.snap.meta.index)
    return;
  d.snap = s;
  auto keep = std::find_if(d.entries.begin(), d.entries.end(),
                           [&](const raft::log_entry& e) { return e.index > s.meta.index; });
  d.entries.erase(d.entries.begin(), keep);
}

// "" when equal, else the first difference.
inline std::string diff(const raft::durable_state& a, const raft::durable_state& b) {
  auto num = [](int64_t v) { return std::to_string(v); };
  if (!(a.hard == b.hard))
    return "hard state: term " + num(a.hard.term.value) + " vs " + num(b.hard.term.value);
  if (a.snap.meta.index != b.snap.meta.index || a.snap.meta.term != b.snap.meta.term)
    return "snapshot meta: index " + num(a.snap.meta.index.value) + " vs " + num(b.snap.meta.index.value);
  if (a.snap.data != b.snap.data)
    return "snapshot data differs";
  if (a.entries.size() != b.entries.size())
    return "entry count " + num(static_cast<int64_t>(a.entries.size())) + " vs "
           + num(static_cast<int64_t>(b.entries.size()));
  for (size_t i = 0; i < a.entries.size(); ++i)
    if (!(a.entries[i] == b.entries[i]))
      return "entry at index " + num(a.entries[i].index.value) + " differs";
  return {};
}

} // namespace samsa::persistence::test
