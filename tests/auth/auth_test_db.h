// Migrated databases for the auth tests, on SQLite and (when configured) PostgreSQL.
#pragma once

#include <memory>
#include <string>

#include "screening/db/connection.h"

namespace hirelm::auth::testing {

// Applies every store migration not yet applied (store::migrate).
void migrate(db::Connection& connection);

// Opens `spec` and migrates it.
std::unique_ptr<db::Connection> open_migrated(const std::string& spec);

}  // namespace hirelm::auth::testing
