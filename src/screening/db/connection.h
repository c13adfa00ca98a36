// The database layer under the store, the queue, the service and auth: one Connection interface with two
// backends, SQLite (a file path; the embedded default) and PostgreSQL (a postgresql:// or postgres:// URL,
// through libpq). docs/store.md describes the schema, docs/queue.md the queue on top.
//
// SQL is written once, portable between the two: `?` placeholders (rewritten to $1, $2, ... for PostgreSQL),
// `INSERT ... RETURNING id`, `ON CONFLICT ... DO NOTHING/UPDATE`, BIGINT epoch seconds or ISO-8601 TEXT for
// times, TEXT for JSON. Where the dialects must differ (FOR UPDATE SKIP LOCKED), callers branch on dialect().
//
// Errors: every failure is an IoError naming the database (path, or URL without its password) and the SQL.
// A unique-constraint violation is a ConstraintError (an IoError) so callers can treat races as "exists".
//
// Threading: a Connection and its statements belong to one thread at a time; open one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace hirelm::db {

enum class Dialect { kSqlite, kPostgres };

// A unique or primary-key constraint was violated (another writer inserted the same key first).
class ConstraintError : public IoError {
 public:
  explicit ConstraintError(const std::string& message) : IoError(message) {}
};

// A prepared statement: bind by 1-based index, step through rows, read columns by 0-based index.
// Binding after stepping resets the statement (it can be run again with new values).
class Statement {
 public:
  virtual ~Statement() = default;

  virtual Statement& bind(int index, int64_t value) = 0;
  virtual Statement& bind(int index, double value) = 0;
  virtual Statement& bind(int index, std::string_view text) = 0;       // TEXT (valid UTF-8 expected)
  virtual Statement& bind_blob(int index, std::string_view bytes) = 0;  // BLOB / BYTEA
  virtual Statement& bind_null(int index) = 0;
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::optional<int64_t>& v) { return v ? bind(index, *v) : bind_null(index); }
  Statement& bind(int index, const std::optional<std::string>& v) { return v ? bind(index, *v) : bind_null(index); }

  // Executes on the first call; true while a row is available.
  virtual bool step() = 0;
  // Steps to the end; returns the number of rows changed (INSERT/UPDATE/DELETE).
  virtual int64_t run() = 0;
  // For `INSERT ... RETURNING id`: runs the statement to its end and returns column 0 of its first row, or
  // nullopt when it returned no row (`ON CONFLICT ... DO NOTHING` that inserted nothing).
  std::optional<int64_t> run_returning_id() {
    std::optional<int64_t> id;
    if (step()) id = int64(0);
    run();
    return id;
  }

  virtual bool is_null(int column) const = 0;
  virtual int64_t int64(int column) const = 0;
  virtual double real(int column) const = 0;
  virtual std::string text(int column) const = 0;
  virtual std::string blob(int column) const = 0;
  std::optional<int64_t> optional_int64(int column) const {
    return is_null(column) ? std::nullopt : std::optional<int64_t>(int64(column));
  }
  std::optional<std::string> optional_text(int column) const {
    return is_null(column) ? std::nullopt : std::optional<std::string>(text(column));
  }
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;
  // The path, or the URL without its password: for messages.
  virtual const std::string& name() const = 0;

  // Prepares one statement with `?` placeholders.
  virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;
  // Runs one or more statements separated by ';', without parameters (DDL, pragmas).
  virtual void exec(std::string_view sql) = 0;

  // Transactions; prefer the Transaction guard below. begin_write takes the write lock up front on SQLite
  // (BEGIN IMMEDIATE, waiting up to the busy timeout) so reads inside see the state the writes act on; on
  // PostgreSQL it is BEGIN (READ COMMITTED) and callers lock rows with SELECT ... FOR UPDATE.
  virtual void begin_write() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;  // never throws

  // Inside a begin_write transaction: waits until no other transaction holds `key`, then holds it until this
  // one ends, so check-then-write sequences on the same key run one at a time. PostgreSQL: a transaction-level
  // advisory lock on a 64-bit hash of the key. SQLite: nothing to do, begin_write already holds the whole
  // database's write lock.
  virtual void lock(std::string_view key) = 0;
};

struct OpenOptions {
  int busy_timeout_ms = 30000;  // SQLite: how long a writer waits for another process's transaction
};

// Opens `spec`: a postgresql:// or postgres:// URL (libpq connection URI), else a SQLite file path (created
// when missing; WAL journal, synchronous=FULL, foreign keys on). Throws IoError when it cannot connect or the
// file is not a database.
std::unique_ptr<Connection> open(const std::string& spec, const OpenOptions& options = {});

// True for postgresql:// and postgres:// URLs.
bool is_postgres_url(std::string_view spec);

// `spec` fit for logs and messages: a URL's password replaced by "***".
std::string redact_spec(const std::string& spec);

// BEGIN ... COMMIT guard: rolled back when destroyed uncommitted (an exception unwinding).
class Transaction {
 public:
  explicit Transaction(Connection& db) : db_(db) { db_.begin_write(); }
  ~Transaction() {
    if (!done_) db_.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.commit();
    done_ = true;
  }

 private:
  Connection& db_;
  bool done_ = false;
};

}  // namespace hirelm::db
