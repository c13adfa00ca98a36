// Helpers shared by the store tests: databases on every test backend.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "test_db.h"

namespace hirelm::store::test {

// A fresh SQLite path in the test temp dir (the file and its -wal/-shm removed).
inline std::string fresh_sqlite_path(const std::string& name) {
  const std::string path = ::testing::TempDir() + "/hirelm_store_" + std::to_string(::getpid()) + "_" + name + ".db";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix);
  return path;
}

// Tests that run once per backend (SQLite; PostgreSQL when HIRELM_TEST_POSTGRES_URL is set, see test_db.h).
class StoreBackendTest : public db::testing::BackendTest {
 protected:
  // A fresh empty database of this test's backend: a path or a URL (`name` only labels SQLite files).
  std::string fresh_db(const std::string& /*name*/) const { return db::testing::fresh_database_spec(GetParam()); }
};

}  // namespace hirelm::store::test
