#include "screening/db/sqlite_connection.h"

#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "util/error.h"

namespace hirelm::db {

namespace {

// Throws ConstraintError for unique/primary-key violations, IoError otherwise.
[[noreturn]] void throw_sqlite(sqlite3* db, int rc, const std::string& message) {
  const int extended = db ? sqlite3_extended_errcode(db) : rc;
  if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
    throw ConstraintError(message);
  }
  throw IoError(message);
}

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, const std::string& path, std::string_view sql) : db_(db), path_(path) {
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK) {
      throw_sqlite(db_, rc, "db: '" + path_ + "': sqlite prepare failed: " + sqlite3_errmsg(db_) + " in: " +
                                std::string(sql));
    }
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  Statement& bind(int index, int64_t value) override {
    reset_if_stepped();
    check(sqlite3_bind_int64(stmt_, index, value), "bind");
    return *this;
  }
  Statement& bind(int index, double value) override {
    reset_if_stepped();
    check(sqlite3_bind_double(stmt_, index, value), "bind");
    return *this;
  }
  Statement& bind(int index, std::string_view text) override {
    reset_if_stepped();
    check(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), "bind");
    return *this;
  }
  Statement& bind_blob(int index, std::string_view bytes) override {
    reset_if_stepped();
    // A zero-length blob must still be a blob, not NULL: sqlite3_bind_blob64 with a null pointer binds NULL.
    check(sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(), SQLITE_TRANSIENT),
          "bind");
    return *this;
  }
  Statement& bind_null(int index) override {
    reset_if_stepped();
    check(sqlite3_bind_null(stmt_, index), "bind");
    return *this;
  }

  bool step() override {
    if (done_) return false;
    stepped_ = true;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
      done_ = true;
      return false;
    }
    fail(rc, "step");
  }
  int64_t run() override {
    while (step()) {
    }
    return sqlite3_changes64(db_);
  }

  bool is_null(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  int64_t int64(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string text(int column) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
  }
  std::string blob(int column) const override {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
  }

 private:
  void reset_if_stepped() {
    if (!stepped_) return;
    sqlite3_reset(stmt_);
    stepped_ = false;
    done_ = false;
  }
  void check(int rc, const char* what) {
    if (rc != SQLITE_OK) fail(rc, what);
  }
  [[noreturn]] void fail(int rc, const char* what) const {
    throw_sqlite(db_, rc, "db: '" + path_ + "': sqlite " + what + " failed: " + sqlite3_errmsg(db_) +
                              " in: " + sqlite3_sql(stmt_));
  }

  sqlite3* db_;
  const std::string& path_;
  sqlite3_stmt* stmt_ = nullptr;
  bool stepped_ = false;
  bool done_ = false;
};

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path, int busy_timeout_ms) : path_(path) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw IoError("db: cannot open database '" + path + "': " + msg);
  }
  try {
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    // WAL + FULL: a committed transaction survives kill -9 and power loss; readers never block the writer.
    // The first statement reads the header, so a file that is not a database fails here.
    // Switching a new file to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at once, without the
    // busy handler, while another process opening the same new file holds it: retry for the busy timeout.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
    for (;;) {
      const int wal = sqlite3_exec(db_, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
      if ((wal & 0xff) != SQLITE_BUSY && (wal & 0xff) != SQLITE_LOCKED) break;
      if (std::chrono::steady_clock::now() >= give_up) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    exec("PRAGMA journal_mode = WAL");  // reports a lasting failure (not a database, still busy) as IoError
    exec("PRAGMA synchronous = FULL");
    exec("PRAGMA foreign_keys = ON");
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SqliteConnection::~SqliteConnection() {
  if (db_) sqlite3_close(db_);
}

std::unique_ptr<Statement> SqliteConnection::prepare(std::string_view sql) {
  return std::make_unique<SqliteStatement>(db_, path_, sql);
}

void SqliteConnection::exec(std::string_view sql) {
  const std::string text(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw_sqlite(db_, rc, "db: '" + path_ + "': " + msg + " in: " + text);
  }
}

void SqliteConnection::begin_write() { exec("BEGIN IMMEDIATE"); }

void SqliteConnection::commit() {
  // A statement stepped to a row but not to its end (an INSERT ... RETURNING read once, a SELECT read for its
  // first row) keeps the statement open, and SQLite refuses COMMIT with "SQL statements in progress". Its
  // changes are complete after the first step, so finish every open statement of this connection first; the
  // statement objects stay usable (the next bind or step starts them afresh). PostgreSQL has no such state.
  for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s != nullptr; s = sqlite3_next_stmt(db_, s)) {
    if (sqlite3_stmt_busy(s)) sqlite3_reset(s);
  }
  exec("COMMIT");
}

void SqliteConnection::rollback() {
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteConnection::lock(std::string_view /*key*/) {}

}  // namespace hirelm::db
