#include "screening/queue/sqlite_connection.h"

#include <sqlite3.h>

#include "util/error.h"

namespace hirelm::queue {

SqliteConnection::SqliteConnection(const std::string& path, int busy_timeout_ms) : path_(path) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw IoError("queue: cannot open database '" + path + "': " + msg);
  }
  try {
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = FULL");
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SqliteConnection::~SqliteConnection() {
  if (db_) sqlite3_close(db_);
}

void SqliteConnection::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw IoError("queue: '" + path_ + "': " + msg + " in: " + sql);
  }
}

int64_t SqliteConnection::changes() const { return sqlite3_changes64(db_); }

SqliteStatement::SqliteStatement(SqliteConnection& db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v2(db.handle(), sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
    throw IoError("queue: '" + db.path() + "': sqlite prepare failed: " + sqlite3_errmsg(db.handle()) +
                  " in: " + sql);
  }
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement& SqliteStatement::bind(int i, int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail("bind");
  return *this;
}

SqliteStatement& SqliteStatement::bind(int i, const std::string& v) {
  if (sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    fail("bind");
  }
  return *this;
}

SqliteStatement& SqliteStatement::bind_null(int i) {
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) fail("bind");
  return *this;
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail("step");
}

int64_t SqliteStatement::run() {
  while (step()) {
  }
  return db_.changes();
}

int64_t SqliteStatement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }

bool SqliteStatement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::string SqliteStatement::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

std::optional<int64_t> SqliteStatement::optional_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}

std::optional<std::string> SqliteStatement::optional_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}

void SqliteStatement::fail(const char* what) const {
  throw IoError("queue: '" + db_.path() + "': sqlite " + what + " failed: " + sqlite3_errmsg(db_.handle()) +
                " in: " + sqlite3_sql(stmt_));
}

SqliteTransaction::SqliteTransaction(SqliteConnection& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

SqliteTransaction::~SqliteTransaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteTransaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace hirelm::queue
