#include "persistence/offset_store.hpp"

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

errc offset_store::write(const std::vector<group_commit>& commits, int64_t now_ms) {
  sqlite::transaction tx(db_);
  if (!sqlite::succeeded(tx.begin()))
    return failed();
  sqlite::statement upsert(db_,
                           "INSERT INTO group_offsets (group_id, topic, partition, committed_offset, leader_epoch, "
                           "metadata, commit_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
                           "ON CONFLICT (group_id, topic, partition) DO UPDATE SET "
                           "committed_offset = excluded.committed_offset, leader_epoch = excluded.leader_epoch, "
                           "metadata = excluded.metadata, commit_ms = excluded.commit_ms");
  sqlite::statement group_row(db_, "INSERT INTO consumer_groups (group_id, empty_since_ms) VALUES (?, ?) "
                                   "ON CONFLICT (group_id) DO UPDATE SET empty_since_ms = "
                                   "CASE WHEN excluded.empty_since_ms IS NULL THEN consumer_groups.empty_since_ms "
                                   "ELSE excluded.empty_since_ms END");
  for (auto& c : commits) {
    group_row.reset();
    group_row.bind(1, c.group_id);
    if (c.group_is_empty)
      group_row.bind(2, now_ms);
    else
      group_row.bind_null(2);
    if (group_row.step() != SQLITE_DONE)
      return failed();
    for (auto& o : c.offsets) {
      upsert.reset();
      upsert.bind(1, c.group_id).bind(2, o.topic).bind(3, int64_t{o.partition}).bind(4, o.offset);
      upsert.bind(5, int64_t{o.leader_epoch});
      if (o.metadata)
        upsert.bind(6, *o.metadata);
      else
        upsert.bind_null(6);
      upsert.bind(7, o.commit_ms > 0 ? o.commit_ms : now_ms);
      if (upsert.step() != SQLITE_DONE)
        return failed();
    }
  }
  if (!sqlite::succeeded(tx.commit()))
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

int offset_store::expire(int64_t now_ms, int64_t retention_ms) {
  std::vector<std::string> expired;
  {
    sqlite::statement s(db_, "SELECT group_id FROM consumer_groups WHERE empty_since_ms IS NOT NULL "
                             "AND empty_since_ms < ?");
    s.bind(1, now_ms - retention_ms);
    while (s.step() == SQLITE_ROW)
      expired.push_back(s.column_text(0));
  }
  int n = 0;
  for (auto& g : expired)
    if (delete_group(g) == errc::ok)
      ++n;
  return n;
}

errc offset_store::delete_group(const std::string& group) {
  sqlite::transaction tx(db_);
  if (!sqlite::succeeded(tx.begin()))
    return failed();
  sqlite::statement a(db_, "DELETE FROM group_offsets WHERE group_id = ?");
  a.bind(1, group);
  sqlite::statement b(db_, "DELETE FROM consumer_groups WHERE group_id = ?");
  b.bind(1, group);
  if (a.step() != SQLITE_DONE || b.step() != SQLITE_DONE || !sqlite::succeeded(tx.commit()))
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
