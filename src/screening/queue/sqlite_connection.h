// The queue's own SQLite connection, with prepared statements and BEGIN IMMEDIATE transactions. Every failure
// is an IoError naming the database path and the SQL. Not shared between threads; one per process/thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace hirelm::queue {

class SqliteConnection {
 public:
  // Opens an existing or new database file read-write with WAL, synchronous=FULL and a busy timeout of
  // `busy_timeout_ms` (several processes share the file; a writer waits for another's transaction instead of
  // failing with SQLITE_BUSY).
  SqliteConnection(const std::string& path, int busy_timeout_ms);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  void exec(const char* sql);
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t changes() const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// A prepared statement: bind by 1-based index, step, read columns by 0-based index.
class SqliteStatement {
 public:
  SqliteStatement(SqliteConnection& db, const std::string& sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int i, int64_t v);
  SqliteStatement& bind(int i, const std::string& v);
  SqliteStatement& bind_null(int i);
  SqliteStatement& bind(int i, const std::optional<int64_t>& v) { return v ? bind(i, *v) : bind_null(i); }
  SqliteStatement& bind(int i, const std::optional<std::string>& v) { return v ? bind(i, *v) : bind_null(i); }

  // True while a row is available.
  bool step();
  // Steps to the end; returns the number of rows changed.
  int64_t run();

  int64_t int64(int col) const;
  bool is_null(int col) const;
  std::string text(int col) const;
  std::optional<int64_t> optional_int64(int col) const;
  std::optional<std::string> optional_text(int col) const;

 private:
  [[noreturn]] void fail(const char* what) const;

  SqliteConnection& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT: takes the database's write lock up front (waiting up to the busy timeout), so
// the reads inside see the state the writes act on and no other writer runs in between. Rolled back when
// destroyed uncommitted (an exception unwinding).
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteConnection& db);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  void commit();

 private:
  SqliteConnection& db_;
  bool done_ = false;
};

}  // namespace hirelm::queue
