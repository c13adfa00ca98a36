// Databases for tests that run on both backends of src/screening/db (library hirelm_test_db).
//
// PostgreSQL comes from env HIRELM_TEST_POSTGRES_URL (scripts/test.sh starts a throwaway server with
// scripts/postgres.sh and sets it, e.g. postgresql://hirelm@127.0.0.1:55432/hirelm). Without it PostgreSQL
// tests are skipped, unless env HIRELM_REQUIRE_POSTGRES=1 (set by .ci/run), where they fail.
//
//   class MyTest : public ::testing::TestWithParam<db::testing::Backend> {};
//   TEST_P(MyTest, Works) { const std::string spec = db::testing::fresh_database_spec(GetParam()); ... }
//   INSTANTIATE_TEST_SUITE_P(Backends, MyTest, ::testing::ValuesIn(db::testing::test_backends()),
//                            db::testing::backend_param_name);
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace hirelm::db::testing {

enum class Backend { kSqlite, kPostgres };

// "sqlite" / "postgres".
std::string backend_name(Backend backend);
// For INSTANTIATE_TEST_SUITE_P's name generator.
std::string backend_param_name(const ::testing::TestParamInfo<Backend>& info);

// The admin URL from HIRELM_TEST_POSTGRES_URL, or nullopt when unset or empty.
std::optional<std::string> postgres_admin_url();
// True when HIRELM_REQUIRE_POSTGRES=1: a PostgreSQL test without a URL fails instead of being skipped.
bool postgres_required();

// SQLite always; PostgreSQL when a URL is set or PostgreSQL is required (its tests then fail in
// fresh_database_spec, naming the missing variable).
std::vector<Backend> test_backends();

// A fresh, empty database: SQLite, a new path in the test temp dir (no file yet); PostgreSQL, a new database
// with a unique name (CREATE DATABASE through the admin URL) whose URL is returned; the process drops the
// databases it made when it exits (HIRELM_TEST_KEEP_DATABASES=1 keeps them for a look). Throws IoError when
// PostgreSQL is asked for without HIRELM_TEST_POSTGRES_URL or the server refuses.
std::string fresh_database_spec(Backend backend);

// The admin URL with its database name replaced by `database`.
std::string with_database(const std::string& url, const std::string& database);

}  // namespace hirelm::db::testing

// In a PostgreSQL-only test: skips when no server is configured, fails when one is required.
#define HIRELM_REQUIRE_TEST_POSTGRES()                                                            \
  do {                                                                                            \
    if (!::hirelm::db::testing::postgres_admin_url()) {                                           \
      if (::hirelm::db::testing::postgres_required()) {                                           \
        FAIL() << "HIRELM_REQUIRE_POSTGRES=1 but HIRELM_TEST_POSTGRES_URL is not set";            \
      }                                                                                           \
      GTEST_SKIP() << "HIRELM_TEST_POSTGRES_URL is not set (scripts/test.sh starts a server)";    \
    }                                                                                             \
  } while (0)
