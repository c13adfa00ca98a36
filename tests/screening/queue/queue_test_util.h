// Helpers shared by the queue tests: databases on every test backend and a fake clock.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "screening/queue/task_queue.h"
#include "test_db.h"

namespace hirelm::queue::test {

// A fresh SQLite path in the test temp dir (the file and its -wal/-shm removed).
inline std::string fresh_sqlite_path(const std::string& name) {
  const std::string path = ::testing::TempDir() + "/hirelm_queue_" + std::to_string(::getpid()) + "_" + name + ".db";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix);
  return path;
}

// Tests that run once per backend (SQLite; PostgreSQL when HIRELM_TEST_POSTGRES_URL is set, see test_db.h).
class QueueBackendTest : public db::testing::BackendTest {
 protected:
  // A fresh empty database of this test's backend: a path or a URL (`name` only labels SQLite files).
  std::string fresh_db(const std::string& /*name*/) const { return db::testing::fresh_database_spec(GetParam()); }
  // A path for the test's side files (worker logs), unique per process, backend and name.
  std::string side_file(const std::string& name) const {
    return ::testing::TempDir() + "/hirelm_queue_" + std::to_string(::getpid()) + "_" +
           db::testing::backend_name(GetParam()) + "_" + name;
  }
};

// A clock the test moves by hand: seconds since the epoch, starting at `start`.
struct FakeClock {
  explicit FakeClock(int64_t start) : now(std::make_shared<int64_t>(start)) {}
  Clock clock() const {
    return [n = now] { return *n; };
  }
  void advance(int64_t seconds) { *now += seconds; }
  std::shared_ptr<int64_t> now;
};

}  // namespace hirelm::queue::test
