#pragma once
// Thin RAII layer over the SQLite C API, shared by the SQLite-backed stores (metadata, offsets, ...).
// It only owns handles and funnels errors into return codes; it has no opinion about schemas.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace samsa::persistence::sqlite {

// Owns one sqlite3 connection. Not thread-safe: a connection belongs to exactly one owner (an actor or a
// test), which is why the library is opened with SQLITE_OPEN_NOMUTEX. Invariant: handle() is null only
// for a moved-from or failed connection.
class connection {
public:
  connection() = default;
  connection(connection&&) noexcept = default;
  connection& operator=(connection&&) noexcept = default;

  // Opens (creating if needed) a database file. On failure returns an empty connection and sets *error.
  static connection open(const std::string& file, std::string* error);

  sqlite3* handle() const { return db_.get(); }
  explicit operator bool() const { return db_ != nullptr; }

  // SQLite's message for the most recent failed call on this connection.
  std::string error_message() const;

  // Runs a script of one or more statements without parameters (migrations, pragmas). Statements are
  // prepared one after the other so a failure names the statement that failed. Returns an SQLite code.
  int exec_script(std::string_view sql, std::string* error);

  // Number of rows touched by the last INSERT/UPDATE/DELETE.
  int64_t changes() const;

private:
  struct closer { void operator()(sqlite3* db) const; };
  std::unique_ptr<sqlite3, closer> db_;
};

// Owns one prepared statement. Bind errors are remembered and reported by the next step(), so callers can
// chain bind() calls and check a single return code. Indexes are 1-based (SQLite's convention) for bind
// and 0-based for columns.
class statement {
public:
  statement() = default;
  statement(const connection& db, std::string_view sql);
  statement(statement&&) noexcept = default;
  statement& operator=(statement&&) noexcept = default;

  // False when preparation failed; step() then returns the preparation error.
  bool ok() const { return stmt_ != nullptr; }

  statement& bind(int index, int64_t value);
  statement& bind(int index, std::string_view text);
  statement& bind_blob(int index, std::string_view bytes);
  statement& bind_null(int index);

  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int step();
  // Makes the statement reusable with new bindings; clears bindings and any remembered bind error.
  void reset();

  int64_t column_int64(int column) const;
  std::string column_text(int column) const;
  std::string column_blob(int column) const;
  bool column_is_null(int column) const;

private:
  struct finalizer { void operator()(sqlite3_stmt* stmt) const; };
  std::unique_ptr<sqlite3_stmt, finalizer> stmt_;
  int pending_error_ = 0;  // first failed prepare/bind since the last reset
};

// Scoped write transaction. BEGIN IMMEDIATE takes the write lock up front so a transaction never fails
// half-way with SQLITE_BUSY on its first write. Rolls back in the destructor unless commit() succeeded.
class transaction {
public:
  explicit transaction(connection& db) : db_(db) {}
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  ~transaction();

  int begin();
  int commit();

private:
  connection& db_;
  bool active_ = false;
};

// Scoped read transaction: multi-statement reads (a topic plus its configs) see one snapshot of the
// database even if another connection writes in between. Nothing to undo, so it always ends with COMMIT.
// Not nestable: inside another transaction BEGIN fails and this guard does nothing.
class read_transaction {
public:
  explicit read_transaction(connection& db);
  read_transaction(const read_transaction&) = delete;
  read_transaction& operator=(const read_transaction&) = delete;
  ~read_transaction();

private:
  connection& db_;
  bool active_ = false;
};

// True for the SQLite result codes that mean "the statement ran" (OK/ROW/DONE).
bool succeeded(int rc);

} // namespace samsa::persistence::sqlite
