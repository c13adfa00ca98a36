// The PostgreSQL backend of db::Connection (a postgresql:// or postgres:// URL), through libpq. Internal to
// hirelm_db: callers use db::open.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "screening/db/connection.h"

struct pg_conn;

namespace hirelm::db {

// Where a postgres URL spells passwords, as (offset, length): the user info's (from its first ':' to the '@')
// and each `password=` query parameter's value, in order of offset. redact_spec replaces them; the connection
// scrubs them from libpq's messages.
std::vector<std::pair<size_t, size_t>> url_password_spans(std::string_view url);

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
