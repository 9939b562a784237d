#include "actors/quorum_storage.hpp"

#include "persistence/raft_store.hpp"

#include <algorithm>

namespace samsa::actors {

raft::durable_state memory_quorum_storage::load() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return state_;
}

void memory_quorum_storage::drop_through(raft::log_index_t index) {
  auto& es = state_.entries;
  es.erase(es.begin(), std::find_if(es.begin(), es.end(), [&](const raft::log_entry& e) { return e.index > index; }));
}

persistence::errc memory_quorum_storage::persist(const raft::effects& fx) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (fx.hard)
    state_.hard = *fx.hard;
  if (fx.install) {
    state_.snap = *fx.install;
    drop_through(fx.install->meta.index);
  }
  if (fx.truncate_from) {
    auto& es = state_.entries;
    es.erase(std::find_if(es.begin(), es.end(), [&](const raft::log_entry& e) { return e.index >= *fx.truncate_from; }),
             es.end());
  }
  state_.entries.insert(state_.entries.end(), fx.append.begin(), fx.append.end());
  return persistence::errc::ok;
}

persistence::errc memory_quorum_storage::save_snapshot(const raft::snapshot& s) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (s.meta.index <= state_.snap.meta.index)
    return persistence::errc::ok; // an older image than the one stored: nothing to gain
  state_.snap = s;
  drop_through(s.meta.index);
  return persistence::errc::ok;
}

namespace {

class sqlite_quorum_storage : public quorum_storage {
public:
  explicit sqlite_quorum_storage(std::unique_ptr<persistence::raft_store> store) : store_(std::move(store)) {}
  raft::durable_state load() const override { return store_->load(); }
  persistence::errc persist(const raft::effects& fx) override { return store_->persist(fx); }
  persistence::errc save_snapshot(const raft::snapshot& s) override { return store_->save_snapshot(s); }

private:
  std::unique_ptr<persistence::raft_store> store_;
};

} // namespace

std::shared_ptr<quorum_storage> open_sqlite_quorum_storage(const std::filesystem::path& db_file, std::string* error) {
  auto store = persistence::raft_store::open(db_file, error);
  if (!store)
    return nullptr;
  if (!store->try_load()) {
    if (error)
      *error = "cannot read the stored Raft state: " + store->last_error();
    return nullptr;
  }
  return std::make_shared<sqlite_quorum_storage>(std::move(store));
}

} // namespace samsa::actors
