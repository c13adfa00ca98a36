// The PostgreSQL backend of db::Connection (a postgresql:// or postgres:// URL), through libpq. Internal to
// hirelm_db: callers use db::open.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "screening/db/connection.h"

struct pg_conn;

namespace hirelm::db {

class PostgresConnection final : public Connection {
 public:
  // Connects to `url` (a libpq connection URI). Throws IoError naming the URL without its password when the
  // server cannot be reached or refuses the login.
  explicit PostgresConnection(const std::string& url);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  const std::string& name() const override { return name_; }
  std::unique_ptr<Statement> prepare(std::string_view sql) override;
  void exec(std::string_view sql) override;
  void begin_write() override;
  void commit() override;
  void rollback() override;
  void lock(std::string_view key) override;

 private:
  pg_conn* conn_ = nullptr;
  std::string name_;  // the redacted URL
};

}  // namespace hirelm::db
