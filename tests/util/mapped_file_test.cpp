#include "util/mapped_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "util/error.h"

namespace hirelm {
namespace {

TEST(MappedFile, MapsWholeFile) {
  std::string path = ::testing::TempDir() + "/mapped_file_test.bin";
  {
    std::ofstream out(path, std::ios::binary);
    out << "hello\0world";
  }
  MappedFile f(path);
  EXPECT_EQ(f.view(), std::string("hello"));
  MappedFile moved(std::move(f));
  EXPECT_EQ(moved.size(), 5u);
  EXPECT_EQ(f.data(), nullptr);
  std::remove(path.c_str());
}

TEST(MappedFile, MissingFileIsNotFound) {
  try {
    MappedFile f("/nonexistent/hirelm/file");
    FAIL() << "expected NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/hirelm/file"), std::string::npos);
    EXPECT_EQ(exit_code_for(e.kind()), kExitBadInput);
  }
}

TEST(MappedFile, DirectoryIsInvalidInput) { EXPECT_THROW(MappedFile f("/tmp"), InvalidInputError); }

TEST(ReadFile, ReadsBytesExactly) {
  std::string path = ::testing::TempDir() + "/read_file_test.bin";
  std::string bytes("a\0b\xff", 4);
  {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  EXPECT_EQ(read_file(path), bytes);
  std::remove(path.c_str());
  EXPECT_THROW(read_file(path), NotFoundError);
}

}  // namespace
}  // namespace hirelm
