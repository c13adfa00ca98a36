// Helpers shared by the store tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace hirelm::store::test {

// A fresh database path in the test temp dir (the file and its -wal/-shm removed).
inline std::string fresh_db(const std::string& name) {
  const std::string path = ::testing::TempDir() + "/hirelm_store_" + std::to_string(::getpid()) + "_" + name + ".db";
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix);
  return path;
}

}  // namespace hirelm::store::test
