// Databases for tests that run on both backends of src/screening/db (library hirelm_test_db).
//
// PostgreSQL comes from env HIRELM_TEST_POSTGRES_URL (scripts/test.sh starts a throwaway server with
// scripts/postgres.sh and sets it, e.g. postgresql://hirelm@127.0.0.1:55432/hirelm). Without it PostgreSQL
// tests are skipped, unless env HIRELM_REQUIRE_POSTGRES=1 (set by .ci/run), where they fail.
//
//   class MyTest : public db::testing::BackendTest {};
//   TEST_P(MyTest, Works) { const std::string spec = fresh_spec(); ... }
//   INSTANTIATE_TEST_SUITE_P(Backends, MyTest, ::testing::ValuesIn(db::testing::test_backends()),
//                            db::testing::backend_param_name);
//
// The PostgreSQL instances always exist (CTest lists tests when they are built, before scripts/test.sh starts
// the server); BackendTest::SetUp skips or fails them when no URL is set.
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

// SQLite and PostgreSQL: every backend a TEST_P runs on.
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

namespace hirelm::db::testing {

// A test run once per backend: SetUp skips (or, with HIRELM_REQUIRE_POSTGRES=1, fails) the PostgreSQL run when
// no server is configured. Fixtures with their own SetUp call BackendTest::SetUp() first and return when
// IsSkipped() or HasFatalFailure().
class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) HIRELM_REQUIRE_TEST_POSTGRES();
  }
  // A fresh empty database of this test's backend (fresh_database_spec).
  std::string fresh_spec() const { return fresh_database_spec(GetParam()); }
  bool is_sqlite() const { return GetParam() == Backend::kSqlite; }
};

}  // namespace hirelm::db::testing
