#include "auth_test_db.h"

#include "screening/store/migrations.h"

namespace hirelm::auth::testing {

void migrate(db::Connection& connection) {
  const auto dialect =
      connection.dialect() == db::Dialect::kPostgres ? store::SqlDialect::kPostgres : store::SqlDialect::kSqlite;
  for (const store::Migration& m : store::migrations()) connection.exec(store::render_migration(m, dialect));
}

std::unique_ptr<db::Connection> open_migrated(const std::string& spec) {
  auto connection = db::open(spec);
  migrate(*connection);
  return connection;
}

}  // namespace hirelm::auth::testing
