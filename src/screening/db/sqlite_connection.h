// The SQLite backend of db::Connection (a file path). Internal to hirelm_db: callers use db::open.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "screening/db/connection.h"

struct sqlite3;

namespace hirelm::db {

class SqliteConnection final : public Connection {
 public:
  // Opens or creates the file read-write with WAL, synchronous=FULL, foreign keys on and a busy timeout of
  // `busy_timeout_ms` (several processes share the file; a writer waits for another's transaction instead of
  // failing with SQLITE_BUSY). Throws IoError when the file cannot be opened or is not a database.
  SqliteConnection(const std::string& path, int busy_timeout_ms);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  const std::string& name() const override { return path_; }
  std::unique_ptr<Statement> prepare(std::string_view sql) override;
  void exec(std::string_view sql) override;
  void begin_write() override;
  void commit() override;
  void rollback() override;
  void lock(std::string_view key) override;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace hirelm::db
