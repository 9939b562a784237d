#include "persistence/raft_store.hpp"

#include <algorithm>

#include <sqlite3.h>

namespace samsa::persistence {

namespace {

constexpr int busy_timeout_ms = 5000;

} // namespace

std::unique_ptr<raft_store> raft_store::open(const std::filesystem::path& db_file, std::string* error) {
  auto set_error = [&](const std::string& what) {
    if (error)
      *error = db_file.string() + ": " + what;
    return nullptr;
  };
  std::string err;
  auto db = sqlite::connection::open(db_file.string(), &err);
  if (!db)
    return set_error(err);
  sqlite3_busy_timeout(db.handle(), busy_timeout_ms);
  // Same check as metadata_store: a file system without WAL support would silently keep another mode.
  sqlite::statement wal(db, "PRAGMA journal_mode=WAL");
  if (wal.step() != SQLITE_ROW || wal.column_text(0) != "wal")
    return set_error("WAL mode is required: " + db.error_message());
  // FULL: every commit fsyncs the WAL before returning (see the class comment: NORMAL loses votes).
  if (db.exec_script("PRAGMA synchronous=FULL;", &err) != SQLITE_OK)
    return set_error(err);
  for (const char* table : {"raft_hard_state", "raft_snapshot", "raft_log"}) {
    sqlite::statement probe(db, std::string("SELECT COUNT(*) FROM ") + table);
    if (!probe.ok() || probe.step() != SQLITE_ROW)
      return set_error(std::string(table) + " table missing (open the metadata store first): " + db.error_message());
  }
  return std::unique_ptr<raft_store>(new raft_store(std::move(db)));
}

errc raft_store::fail(const std::string& what, errc code) const {
  last_error_ = what;
  if (code == errc::io_error)
    last_error_ += ": " + db_.error_message();
  return code;
}

// -- reading --------------------------------------------------------------------------------------------

std::optional<raft::snapshot_meta> raft_store::snapshot_meta() const {
  sqlite::statement st(db_, "SELECT last_index, last_term FROM raft_snapshot WHERE id = 1");
  int rc = st.step();
  if (rc == SQLITE_DONE)
    return raft::snapshot_meta{};
  if (rc != SQLITE_ROW) {
    fail("cannot read the raft snapshot");
    return std::nullopt;
  }
  return raft::snapshot_meta{raft::log_index_t{st.column_int64(0)}, raft::term_t{st.column_int64(1)}};
}

std::optional<int64_t> raft_store::last_index() const {
  auto snap = snapshot_meta();
  if (!snap)
    return std::nullopt;
  sqlite::statement st(db_, "SELECT MAX(log_index) FROM raft_log");
  if (st.step() != SQLITE_ROW) {
    fail("cannot read the last raft log index");
    return std::nullopt;
  }
  return st.column_is_null(0) ? snap->index.value : std::max(snap->index.value, st.column_int64(0));
}

std::optional<raft::durable_state> raft_store::try_load() const {
  last_error_.clear();
  sqlite::read_transaction rtx(db_); // hard state, snapshot and entries from one database snapshot
  raft::durable_state out;
  sqlite::statement hard(db_, "SELECT term, voted_for FROM raft_hard_state WHERE id = 1");
  int rc = hard.step();
  if (rc == SQLITE_ROW) {
    out.hard.term = raft::term_t{hard.column_int64(0)};
    if (!hard.column_is_null(1))
      out.hard.voted_for = raft::node_id_t{static_cast<int32_t>(hard.column_int64(1))};
  } else if (rc != SQLITE_DONE) {
    fail("cannot read the raft hard state");
    return std::nullopt;
  }
  sqlite::statement snap(db_, "SELECT last_index, last_term, data FROM raft_snapshot WHERE id = 1");
  rc = snap.step();
  if (rc == SQLITE_ROW) {
    out.snap.meta = {raft::log_index_t{snap.column_int64(0)}, raft::term_t{snap.column_int64(1)}};
    out.snap.data = snap.column_blob(2);
  } else if (rc != SQLITE_DONE) {
    fail("cannot read the raft snapshot");
    return std::nullopt;
  }
  sqlite::statement entries(db_, "SELECT log_index, term, kind, data FROM raft_log ORDER BY log_index");
  auto expected = out.snap.meta.index + 1;
  while ((rc = entries.step()) == SQLITE_ROW) {
    raft::log_entry e;
    e.index = raft::log_index_t{entries.column_int64(0)};
    e.term = raft::term_t{entries.column_int64(1)};
    e.kind = entries.column_int64(2) == 1 ? raft::entry_kind::noop : raft::entry_kind::data;
    e.data = entries.column_blob(3);
    if (e.index != expected) {
      fail("raft log is not contiguous after the snapshot: expected index " + std::to_string(expected.value)
             + ", found " + std::to_string(e.index.value),
           errc::corrupt_message);
      return std::nullopt;
    }
    expected = expected + 1;
    out.entries.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) {
    fail("cannot read the raft log");
    return std::nullopt;
  }
  return out;
}

raft::durable_state raft_store::load() const { return try_load().value_or(raft::durable_state{}); }

// -- writing --------------------------------------------------------------------------------------------

errc raft_store::write_snapshot(const raft::snapshot& s) {
  sqlite::statement st(db_, "INSERT OR REPLACE INTO raft_snapshot (id, last_index, last_term, data) VALUES (1, ?, ?, ?)");
  st.bind(1, s.meta.index.value).bind(2, s.meta.term.value).bind_blob(3, std::string_view(s.data.data(), s.data.size()));
  if (st.step() != SQLITE_DONE)
    return fail("cannot store the raft snapshot at index " + std::to_string(s.meta.index.value));
  return delete_entries("log_index <= ?", s.meta.index.value);
}

errc raft_store::delete_entries(const char* where_clause, int64_t index) {
  sqlite::statement st(db_, std::string("DELETE FROM raft_log WHERE ") + where_clause);
  st.bind(1, index);
  if (st.step() != SQLITE_DONE)
    return fail(std::string("cannot delete raft entries where ") + where_clause + " (" + std::to_string(index) + ")");
  return errc::ok;
}

errc raft_store::persist(const raft::effects& fx) {
  last_error_.clear();
  if (!fx.hard && !fx.install && !fx.truncate_from && fx.append.empty())
    return errc::ok;
  sqlite::transaction tx(db_); // rolls back on every early return below
  if (tx.begin() != SQLITE_OK)
    return fail("cannot begin a raft transaction");
  if (fx.hard) {
    sqlite::statement st(db_, "INSERT OR REPLACE INTO raft_hard_state (id, term, voted_for) VALUES (1, ?, ?)");
    st.bind(1, fx.hard->term.value);
    if (fx.hard->voted_for)
      st.bind(2, int64_t{fx.hard->voted_for->value});
    else
      st.bind_null(2);
    if (st.step() != SQLITE_DONE)
      return fail("cannot store the raft hard state");
  }
  if (fx.install) {
    if (auto ec = write_snapshot(*fx.install); ec != errc::ok)
      return ec;
  }
  if (fx.truncate_from) {
    if (auto ec = delete_entries("log_index >= ?", fx.truncate_from->value); ec != errc::ok)
      return ec;
  }
  if (!fx.append.empty()) {
    auto last = last_index();
    if (!last)
      return errc::io_error;
    sqlite::statement ins(db_, "INSERT INTO raft_log (log_index, term, kind, data) VALUES (?, ?, ?, ?)");
    for (const auto& e : fx.append) {
      if (e.index.value != *last + 1)
        return fail("raft append at index " + std::to_string(e.index.value) + " would leave a gap or overwrite: "
                      + "the stored log ends at " + std::to_string(*last),
                    errc::invalid_batch);
      ins.reset();
      ins.bind(1, e.index.value)
        .bind(2, e.term.value)
        .bind(3, int64_t{e.kind == raft::entry_kind::noop ? 1 : 0})
        .bind_blob(4, std::string_view(e.data.data(), e.data.size()));
      if (ins.step() != SQLITE_DONE)
        return fail("cannot append raft entry " + std::to_string(e.index.value));
      *last = e.index.value;
    }
  }
  if (tx.commit() != SQLITE_OK)
    return fail("cannot commit raft state");
  return errc::ok;
}

errc raft_store::save_snapshot(const raft::snapshot& s) {
  last_error_.clear();
  sqlite::transaction tx(db_);
  if (tx.begin() != SQLITE_OK)
    return fail("cannot begin a raft snapshot transaction");
  auto current = snapshot_meta();
  if (!current)
    return errc::io_error;
  if (s.meta.index <= current->index)
    return errc::ok; // older or equal: the stored one stays (tx rolls back, nothing was written)
  sqlite::statement term(db_, "SELECT term FROM raft_log WHERE log_index = ?");
  term.bind(1, s.meta.index.value);
  int rc = term.step();
  if (rc == SQLITE_ROW && term.column_int64(0) != s.meta.term.value)
    return fail("snapshot at index " + std::to_string(s.meta.index.value) + " has term "
                  + std::to_string(s.meta.term.value) + " but the stored entry has term "
                  + std::to_string(term.column_int64(0)),
                errc::invalid_batch);
  if (!sqlite::succeeded(rc))
    return fail("cannot read the raft entry at the snapshot index");
  if (auto ec = write_snapshot(s); ec != errc::ok)
    return ec;
  if (tx.commit() != SQLITE_OK)
    return fail("cannot commit the raft snapshot");
  return errc::ok;
}

} // namespace samsa::persistence
