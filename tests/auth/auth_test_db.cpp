#include "auth_test_db.h"

#include "screening/store/migrations.h"

namespace hirelm::auth::testing {

void migrate(db::Connection& connection) { store::migrate(connection); }

std::unique_ptr<db::Connection> open_migrated(const std::string& spec) {
  auto connection = db::open(spec);
  migrate(*connection);
  return connection;
}

}  // namespace hirelm::auth::testing
