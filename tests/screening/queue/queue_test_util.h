// Helpers shared by the queue tests: fresh database paths and a fake clock.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "screening/queue/task_queue.h"

namespace hirelm::queue::test {

// A fresh database path in the test temp dir (the file and its -wal/-shm removed).
inline std::string fresh_db(const std::string& name) {
  const std::string path = ::testing::TempDir() + "/hirelm_queue_" + std::to_string(::getpid()) + "_" + name + ".db";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix);
  return path;
}

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
