#include "persistence/offset_store.hpp"

#include <algorithm>

#include <sqlite3.h>

namespace samsa::persistence {

namespace {
constexpr int busy_timeout_ms = 5000;
}

std::unique_ptr<offset_store> offset_store::open(const std::filesystem::path& db_file, std::string* error) {
  std::string err;
  auto db = sqlite::connection::open(db_file.string(), &err);
  if (!db) {
    if (error)
      *error = err;
    return nullptr;
  }
  sqlite3_busy_timeout(db.handle(), busy_timeout_ms);
  if (db.exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", &err) != SQLITE_OK) {
    if (error)
      *error = err;
    return nullptr;
  }
  sqlite::statement probe(db, "SELECT COUNT(*) FROM group_offsets");
  if (!probe.ok() || probe.step() != SQLITE_ROW) {
    if (error)
      *error = "group_offsets table missing (open the metadata store first): " + db.error_message();
    return nullptr;
  }
  return std::unique_ptr<offset_store>(new offset_store(std::move(db)));
}

errc offset_store::failed() const {
  last_error_ = db_.error_message();
  return errc::io_error;
}

namespace {

// The statements of a commit, prepared once per transaction.
struct commit_statements {
  explicit commit_statements(sqlite::connection& db)
    : upsert(db, "INSERT INTO group_offsets (group_id, topic, partition, committed_offset, leader_epoch, "
                 "metadata, commit_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
                 "ON CONFLICT (group_id, topic, partition) DO UPDATE SET "
                 "committed_offset = excluded.committed_offset, leader_epoch = excluded.leader_epoch, "
                 "metadata = excluded.metadata, commit_ms = excluded.commit_ms"),
      group_row(db, "INSERT INTO consumer_groups (group_id, empty_since_ms) VALUES (?, ?) "
                    "ON CONFLICT (group_id) DO UPDATE SET empty_since_ms = "
                    "CASE WHEN excluded.empty_since_ms IS NULL THEN consumer_groups.empty_since_ms "
                    "ELSE excluded.empty_since_ms END") {}

  bool group(const std::string& group_id, bool empty, int64_t now_ms) {
    group_row.reset();
    group_row.bind(1, group_id);
    if (empty)
      group_row.bind(2, now_ms);
    else
      group_row.bind_null(2);
    return group_row.step() == SQLITE_DONE;
  }

  bool offset(const std::string& group_id, const committed_offset& o, int64_t now_ms) {
    upsert.reset();
    upsert.bind(1, group_id).bind(2, o.topic).bind(3, int64_t{o.partition}).bind(4, o.offset);
    upsert.bind(5, int64_t{o.leader_epoch});
    if (o.metadata)
      upsert.bind(6, *o.metadata);
    else
      upsert.bind_null(6);
    upsert.bind(7, o.commit_ms > 0 ? o.commit_ms : now_ms);
    return upsert.step() == SQLITE_DONE;
  }

  sqlite::statement upsert;
  sqlite::statement group_row;
};

// A group's offsets, row and metadata go, inside the caller's transaction.
bool erase_group(sqlite::connection& db, const std::string& group) {
  sqlite::statement a(db, "DELETE FROM group_offsets WHERE group_id = ?");
  a.bind(1, group);
  sqlite::statement b(db, "DELETE FROM consumer_groups WHERE group_id = ?");
  b.bind(1, group);
  sqlite::statement c(db, "DELETE FROM group_metadata WHERE group_id = ?");
  c.bind(1, group);
  return a.step() == SQLITE_DONE && b.step() == SQLITE_DONE && c.step() == SQLITE_DONE;
}

// A group's metadata replaced, inside the caller's transaction. Its row says whether it has members: NULL
// while it has, empty since now once it has none (the expiry clock).
bool store_group_metadata(sqlite::connection& db, const offset_change& c, int64_t now_ms) {
  sqlite::statement m(db, "INSERT INTO group_metadata (group_id, value) VALUES (?, ?) "
                          "ON CONFLICT (group_id) DO UPDATE SET value = excluded.value");
  m.bind(1, c.group_id).bind_blob(2, c.group_metadata);
  sqlite::statement row(db, "INSERT INTO consumer_groups (group_id, empty_since_ms) VALUES (?, ?) "
                            "ON CONFLICT (group_id) DO UPDATE SET empty_since_ms = excluded.empty_since_ms");
  row.bind(1, c.group_id);
  if (c.group_is_empty)
    row.bind(2, now_ms);
  else
    row.bind_null(2);
  return m.step() == SQLITE_DONE && row.step() == SQLITE_DONE;
}

} // namespace

errc offset_store::write(const std::vector<group_commit>& commits, int64_t now_ms) {
  sqlite::transaction tx(db_);
  if (!sqlite::succeeded(tx.begin()))
    return failed();
  commit_statements w(db_);
  for (auto& c : commits) {
    if (!w.group(c.group_id, c.group_is_empty, now_ms))
      return failed();
    for (auto& o : c.offsets)
      if (!w.offset(c.group_id, o, now_ms))
        return failed();
  }
  if (!sqlite::succeeded(tx.commit()))
    return failed();
  return errc::ok;
}

errc offset_store::apply_changes(const std::vector<offset_change>& changes, int64_t now_ms) {
  return apply(changes, -1, 0, now_ms);
}

errc offset_store::apply_log(int32_t log_partition, const std::vector<offset_change>& changes, int64_t next_offset,
                             int64_t now_ms) {
  return apply(changes, log_partition, next_offset, now_ms);
}

errc offset_store::apply(const std::vector<offset_change>& changes, int32_t log_partition, int64_t next_offset,
                         int64_t now_ms) {
  sqlite::transaction tx(db_);
  if (!sqlite::succeeded(tx.begin()))
    return failed();
  commit_statements w(db_);
  sqlite::statement drop(db_, "DELETE FROM group_offsets WHERE group_id = ? AND topic = ? AND partition = ?");
  for (auto& c : changes) {
    bool ok = true;
    switch (c.what) {
      case offset_change::kind::commit:
        ok = w.group(c.group_id, c.group_is_empty, now_ms) && w.offset(c.group_id, c.offset, now_ms);
        break;
      case offset_change::kind::delete_offset:
        drop.reset();
        drop.bind(1, c.group_id).bind(2, c.offset.topic).bind(3, int64_t{c.offset.partition});
        ok = drop.step() == SQLITE_DONE;
        break;
      case offset_change::kind::delete_group:
        ok = erase_group(db_, c.group_id);
        break;
      case offset_change::kind::group_metadata:
        ok = store_group_metadata(db_, c, now_ms);
        break;
    }
    if (!ok)
      return failed();
  }
  if (log_partition >= 0) {
    sqlite::statement progress(db_, "INSERT INTO offsets_log_progress (partition, next_offset) VALUES (?, ?) "
                                    "ON CONFLICT (partition) DO UPDATE SET next_offset = excluded.next_offset");
    progress.bind(1, int64_t{log_partition}).bind(2, next_offset);
    if (progress.step() != SQLITE_DONE)
      return failed();
  }
  if (!sqlite::succeeded(tx.commit()))
    return failed();
  return errc::ok;
}

int64_t offset_store::log_progress(int32_t log_partition) const {
  sqlite::statement s(db_, "SELECT next_offset FROM offsets_log_progress WHERE partition = ?");
  s.bind(1, int64_t{log_partition});
  return s.step() == SQLITE_ROW ? s.column_int64(0) : 0;
}

errc offset_store::reset_log_partition(int32_t log_partition, const std::function<bool(const std::string&)>& owned) {
  std::vector<std::string> mine;
  for (auto& g : groups())
    if (owned(g))
      mine.push_back(g);
  {
    // Groups with offsets but no row (not written by this version) are found through their offsets.
    sqlite::statement s(db_, "SELECT DISTINCT group_id FROM group_offsets");
    while (s.step() == SQLITE_ROW) {
      auto g = s.column_text(0);
      if (owned(g) && std::find(mine.begin(), mine.end(), g) == mine.end())
        mine.push_back(g);
    }
  }
  sqlite::transaction tx(db_);
  if (!sqlite::succeeded(tx.begin()))
    return failed();
  for (auto& g : mine)
    if (!erase_group(db_, g))
      return failed();
  sqlite::statement progress(db_, "DELETE FROM offsets_log_progress WHERE partition = ?");
  progress.bind(1, int64_t{log_partition});
  if (progress.step() != SQLITE_DONE || !sqlite::succeeded(tx.commit()))
    return failed();
  return errc::ok;
}

errc offset_store::commit_batch(const std::vector<group_commit>& commits, int64_t now_ms) {
  return write(commits, now_ms);
}

errc offset_store::commit(const std::string& group, const std::vector<committed_offset>& offsets, int64_t now_ms) {
  return write({group_commit{group, offsets, false}}, now_ms);
}

namespace {
committed_offset row_of(const sqlite::statement& s) {
  committed_offset o;
  o.topic = s.column_text(0);
  o.partition = static_cast<int32_t>(s.column_int64(1));
  o.offset = s.column_int64(2);
  o.leader_epoch = static_cast<int32_t>(s.column_int64(3));
  if (!s.column_is_null(4))
    o.metadata = s.column_text(4);
  o.commit_ms = s.column_int64(5);
  return o;
}
} // namespace

std::vector<committed_offset> offset_store::fetch(const std::string& group) const {
  std::vector<committed_offset> out;
  sqlite::statement s(db_, "SELECT topic, partition, committed_offset, leader_epoch, metadata, commit_ms "
                           "FROM group_offsets WHERE group_id = ? ORDER BY topic, partition");
  s.bind(1, group);
  while (s.step() == SQLITE_ROW)
    out.push_back(row_of(s));
  return out;
}

std::optional<committed_offset> offset_store::fetch(const std::string& group, const std::string& topic,
                                                    int32_t partition) const {
  sqlite::statement s(db_, "SELECT topic, partition, committed_offset, leader_epoch, metadata, commit_ms "
                           "FROM group_offsets WHERE group_id = ? AND topic = ? AND partition = ?");
  s.bind(1, group).bind(2, topic).bind(3, int64_t{partition});
  if (s.step() == SQLITE_ROW)
    return row_of(s);
  return std::nullopt;
}

std::vector<std::string> offset_store::groups() const {
  std::vector<std::string> out;
  sqlite::statement s(db_, "SELECT group_id FROM consumer_groups ORDER BY group_id");
  while (s.step() == SQLITE_ROW)
    out.push_back(s.column_text(0));
  return out;
}

errc offset_store::set_empty_since(const std::string& group, std::optional<int64_t> since_ms) {
  sqlite::statement s(db_, "INSERT INTO consumer_groups (group_id, empty_since_ms) VALUES (?, ?) "
                           "ON CONFLICT (group_id) DO UPDATE SET empty_since_ms = excluded.empty_since_ms");
  s.bind(1, group);
  if (since_ms)
    s.bind(2, *since_ms);
  else
    s.bind_null(2);
  if (s.step() != SQLITE_DONE)
    return failed();
  return errc::ok;
}

errc offset_store::start_empty_since(const std::vector<std::string>& groups, int64_t now_ms) {
  sqlite::transaction tx(db_);
  if (!sqlite::succeeded(tx.begin()))
    return failed();
  sqlite::statement s(db_, "UPDATE consumer_groups SET empty_since_ms = ? WHERE group_id = ? AND empty_since_ms IS NULL");
  for (auto& g : groups) {
    s.reset();
    s.bind(1, now_ms).bind(2, g);
    if (s.step() != SQLITE_DONE)
      return failed();
  }
  if (!sqlite::succeeded(tx.commit()))
    return failed();
  return errc::ok;
}

std::vector<std::string> offset_store::expired_groups(int64_t now_ms, int64_t retention_ms) const {
  std::vector<std::string> expired;
  sqlite::statement s(db_, "SELECT group_id FROM consumer_groups WHERE empty_since_ms IS NOT NULL "
                           "AND empty_since_ms < ?");
  s.bind(1, now_ms - retention_ms);
  while (s.step() == SQLITE_ROW)
    expired.push_back(s.column_text(0));
  return expired;
}

int offset_store::expire(int64_t now_ms, int64_t retention_ms) {
  int n = 0;
  for (auto& g : expired_groups(now_ms, retention_ms))
    if (delete_group(g) == errc::ok)
      ++n;
  return n;
}

errc offset_store::delete_group(const std::string& group) {
  sqlite::transaction tx(db_);
  if (!sqlite::succeeded(tx.begin()))
    return failed();
  if (!erase_group(db_, group) || !sqlite::succeeded(tx.commit()))
    return failed();
  return errc::ok;
}

errc offset_store::delete_offsets(const std::string& group,
                                  const std::vector<std::pair<std::string, int32_t>>& partitions) {
  sqlite::transaction tx(db_);
  if (!sqlite::succeeded(tx.begin()))
    return failed();
  sqlite::statement s(db_, "DELETE FROM group_offsets WHERE group_id = ? AND topic = ? AND partition = ?");
  for (auto& [topic, partition] : partitions) {
    s.reset();
    s.bind(1, group).bind(2, topic).bind(3, int64_t{partition});
    if (s.step() != SQLITE_DONE)
      return failed();
  }
  if (!sqlite::succeeded(tx.commit()))
    return failed();
  return errc::ok;
}

std::optional<std::string> offset_store::group_metadata(const std::string& group) const {
  sqlite::statement s(db_, "SELECT value FROM group_metadata WHERE group_id = ?");
  s.bind(1, group);
  if (s.step() == SQLITE_ROW)
    return s.column_blob(0);
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> offset_store::all_group_metadata() const {
  std::vector<std::pair<std::string, std::string>> out;
  sqlite::statement s(db_, "SELECT group_id, value FROM group_metadata ORDER BY group_id");
  while (s.step() == SQLITE_ROW)
    out.emplace_back(s.column_text(0), s.column_blob(1));
  return out;
}

bool offset_store::has_group(const std::string& group) const {
  sqlite::statement s(db_, "SELECT EXISTS (SELECT 1 FROM consumer_groups WHERE group_id = ?1) "
                           "OR EXISTS (SELECT 1 FROM group_offsets WHERE group_id = ?1)");
  s.bind(1, group);
  return s.step() == SQLITE_ROW && s.column_int64(0) != 0;
}

errc offset_store::delete_topic(const std::string& topic) {
  sqlite::statement s(db_, "DELETE FROM group_offsets WHERE topic = ?");
  s.bind(1, topic);
  if (s.step() != SQLITE_DONE)
    return failed();
  return errc::ok;
}

} // namespace samsa::persistence
