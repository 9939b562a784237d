#include "persistence/sqlite.hpp"

#include <sqlite3.h>

namespace samsa::persistence::sqlite {

void connection::closer::operator()(sqlite3* db) const {
  // close_v2 defers the close until outstanding statements are finalized, so destruction order between a
  // connection and statements that outlive it cannot leak or crash.
  sqlite3_close_v2(db);
}

connection connection::open(const std::string& file, std::string* error) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  connection result;
  result.db_.reset(raw);  // even a failed open allocates a handle that must be closed
  if (rc != SQLITE_OK) {
    if (error)
      *error = "cannot open " + file + ": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
    return connection{};
  }
  sqlite3_extended_result_codes(raw, 1);
  return result;
}

std::string connection::error_message() const {
  return db_ ? sqlite3_errmsg(db_.get()) : "no database connection";
}

int connection::exec_script(std::string_view sql, std::string* error) {
  const char* cur = sql.data();
  const char* end = sql.data() + sql.size();
  while (cur < end) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db_.get(), cur, static_cast<int>(end - cur), &raw, &tail);
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, &sqlite3_finalize);
    if (rc != SQLITE_OK) {
      if (error)
        *error = error_message();
      return rc;
    }
    if (stmt) {  // null for trailing whitespace or comments
      while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      }
      if (rc != SQLITE_DONE) {
        if (error)
          *error = error_message() + " (in: " + std::string(sqlite3_sql(stmt.get())) + ")";
        return rc;
      }
    }
    if (tail == nullptr || tail == cur)
      break;
    cur = tail;
  }
  return SQLITE_OK;
}

int64_t connection::changes() const {
  return db_ ? sqlite3_changes(db_.get()) : 0;
}

void statement::finalizer::operator()(sqlite3_stmt* stmt) const {
  sqlite3_finalize(stmt);
}

statement::statement(const connection& db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  stmt_.reset(raw);
  if (rc != SQLITE_OK) {
    stmt_.reset();
    pending_error_ = rc;
  } else if (!raw) {
    pending_error_ = SQLITE_MISUSE;  // empty SQL: a programming error, not a runtime condition
  }
}

namespace {

// Keeps the first failure: later binds on a broken statement must not hide the original cause.
void remember(int& pending, int rc) {
  if (pending == 0 && rc != SQLITE_OK)
    pending = rc;
}

} // namespace

statement& statement::bind(int index, int64_t value) {
  if (stmt_)
    remember(pending_error_, sqlite3_bind_int64(stmt_.get(), index, value));
  return *this;
}

statement& statement::bind(int index, std::string_view text) {
  if (stmt_)
    remember(pending_error_, sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(),
                                                 SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

statement& statement::bind_blob(int index, std::string_view bytes) {
  if (stmt_)
    remember(pending_error_,
             sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  return *this;
}

statement& statement::bind_null(int index) {
  if (stmt_)
    remember(pending_error_, sqlite3_bind_null(stmt_.get(), index));
  return *this;
}

int statement::step() {
  if (pending_error_ != 0)
    return pending_error_;
  if (!stmt_)
    return SQLITE_MISUSE;
  return sqlite3_step(stmt_.get());
}

void statement::reset() {
  if (!stmt_)
    return;
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  pending_error_ = 0;
}

int64_t statement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}

std::string statement::column_text(int column) const {
  auto* text = sqlite3_column_text(stmt_.get(), column);
  auto size = sqlite3_column_bytes(stmt_.get(), column);  // after column_text: the order SQLite documents
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size)) : std::string{};
}

std::string statement::column_blob(int column) const {
  auto* data = sqlite3_column_blob(stmt_.get(), column);
  auto size = sqlite3_column_bytes(stmt_.get(), column);
  return data ? std::string(static_cast<const char*>(data), static_cast<size_t>(size)) : std::string{};
}

bool statement::column_is_null(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

transaction::~transaction() {
  if (active_)
    db_.exec_script("ROLLBACK", nullptr);
}

int transaction::begin() {
  int rc = db_.exec_script("BEGIN IMMEDIATE", nullptr);
  active_ = rc == SQLITE_OK;
  return rc;
}

int transaction::commit() {
  int rc = db_.exec_script("COMMIT", nullptr);
  if (rc == SQLITE_OK)
    active_ = false;
  return rc;
}

read_transaction::read_transaction(connection& db) : db_(db) {
  active_ = db_.exec_script("BEGIN", nullptr) == SQLITE_OK;
}

read_transaction::~read_transaction() {
  if (active_)
    db_.exec_script("COMMIT", nullptr);
}

bool succeeded(int rc) {
  return rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE;
}

} // namespace samsa::persistence::sqlite
