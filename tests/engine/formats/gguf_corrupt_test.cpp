// Malformed GGUF files: each must fail with a clean typed error naming the file and the problem,
// never a crash, a hang or an absurd allocation. Files are built byte by byte so every field can be
// set to a hostile value.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "engine/formats/gguf.h"
#include "engine/formats/temp_dir.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace hirelm::formats {
namespace {

// Little-endian byte builder for hand-made GGUF files.
class Bytes {
 public:
  template <typename T>
  Bytes& put(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof v);
    s_.append(b, sizeof b);
    return *this;
  }
  Bytes& str(const std::string& s) {
    put<uint64_t>(s.size());
    s_ += s;
    return *this;
  }
  Bytes& header(uint32_t version, uint64_t n_tensors, uint64_t n_kv) {
    s_ += "GGUF";
    return put<uint32_t>(version).put<uint64_t>(n_tensors).put<uint64_t>(n_kv);
  }
  Bytes& kv_u32(const std::string& key, uint32_t v) { return str(key).put<uint32_t>(4).put<uint32_t>(v); }
  Bytes& tensor(const std::string& name, std::vector<uint64_t> ne, uint32_t type, uint64_t offset) {
    str(name).put<uint32_t>(static_cast<uint32_t>(ne.size()));
    for (uint64_t d : ne) put<uint64_t>(d);
    return put<uint32_t>(type).put<uint64_t>(offset);
  }
  Bytes& pad(size_t alignment) {
    while (s_.size() % alignment != 0) s_ += '\0';
    return *this;
  }
  Bytes& zeros(size_t n) {
    s_.append(n, '\0');
    return *this;
  }
  const std::string& str() const { return s_; }

 private:
  std::string s_;
};

// Opens `bytes` as a GGUF file and returns the InvalidInputError message ("" if it opened).
std::string invalid_message(const test::TempDir& dir, const std::string& bytes) {
  const std::string path = dir.write("bad.gguf", bytes);
  try {
    GgufFile::open(path);
  } catch (const InvalidInputError& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.rfind(path + ": ", 0), 0u) << "message must start with the path: " << msg;
    return msg;
  }
  return "";
}

#define EXPECT_INVALID(bytes, fragment)                                                  \
  do {                                                                                   \
    std::string msg_ = invalid_message(dir, (bytes));                                    \
    EXPECT_NE(msg_.find(fragment), std::string::npos) << "message was: '" << msg_ << "'"; \
  } while (0)

// A small valid file with metadata of several kinds and three tensors.
std::string valid_file(const test::TempDir& dir) {
  GgufWriter w;
  w.set_string("general.architecture", "qwen2");
  w.set_uint32("qwen2.block_count", 2);
  w.set_float32("eps", 1e-6f);
  w.set_bool("flag", false);
  w.set_string_array("tokens", {"hello", "world", "!"});
  w.set_int32_array("types", {1, 2, 3});
  std::vector<uint8_t> data(34 * 2 * 2, 0x11);
  w.add_tensor("a", DType::kF32, {4, 2}, data.data(), 32);
  w.add_tensor("b", DType::kQ8_0, {64, 2}, data.data(), 34 * 2 * 2);
  w.add_tensor("c", DType::kF16, {3}, data.data(), 6);
  w.write(dir.file("valid.gguf"));
  return read_file(dir.file("valid.gguf"));
}

TEST(GgufCorrupt, EveryTruncationIsAnInvalidInputError) {
  test::TempDir dir;
  const std::string full = valid_file(dir);
  ASSERT_NO_THROW(GgufFile::open(dir.file("valid.gguf")));
  // The last tensor ('c', 6 bytes) is followed by 26 bytes of padding; a file cut inside that
  // padding still holds every tensor byte, so it stays readable (as it does for llama.cpp).
  const size_t last_byte = full.size() - 26;
  for (size_t n = last_byte; n < full.size(); ++n) EXPECT_EQ(invalid_message(dir, full.substr(0, n)), "");
  for (size_t n = 0; n < last_byte; ++n) {
    SCOPED_TRACE("truncated to " + std::to_string(n) + " of " + std::to_string(full.size()) + " bytes");
    std::string msg = invalid_message(dir, full.substr(0, n));
    EXPECT_FALSE(msg.empty());
  }
}

TEST(GgufCorrupt, FlippedBytesNeverCrash) {
  test::TempDir dir;
  const std::string full = valid_file(dir);
  const size_t data_start = full.size() - 32 * 3 - 160;  // roughly where the header ends
  int rejected = 0;
  for (size_t pos = 0; pos < data_start; ++pos) {
    for (uint8_t x : {0x01, 0x80, 0xff}) {
      std::string bad = full;
      bad[pos] = static_cast<char>(bad[pos] ^ x);
      const std::string path = dir.write("flip.gguf", bad);
      try {
        GgufFile g = GgufFile::open(path);
        // Whatever opened must lie inside the file; touching every byte lets ASan catch a lie.
        volatile unsigned sum = 0;
        for (const GgufTensorInfo& t : g.tensors()) {
          ASSERT_LE(t.n_bytes, bad.size());
          for (uint64_t k = 0; k < t.n_bytes; ++k) sum = sum + t.data[k];
        }
      } catch (const Error& e) {
        EXPECT_TRUE(e.kind() == ErrorKind::kInvalidInput || e.kind() == ErrorKind::kUnsupported) << e.what();
        EXPECT_EQ(std::string(e.what()).rfind(path + ": ", 0), 0u) << e.what();
        ++rejected;
      }
    }
  }
  EXPECT_GT(rejected, 0);
}

TEST(GgufCorrupt, BadMagic) {
  test::TempDir dir;
  std::string bytes = Bytes().header(3, 0, 0).str();
  bytes[0] = 'X';
  EXPECT_INVALID(bytes, "bad magic: expected 'GGUF'");
  EXPECT_INVALID("", "truncated while reading magic");
}

TEST(GgufCorrupt, VersionOneAndFutureVersionsAreUnsupported) {
  test::TempDir dir;
  const std::string v1 = dir.write("v1.gguf", Bytes().header(1, 0, 0).str());
  EXPECT_THROW(GgufFile::open(v1), UnsupportedError);
  const std::string v9 = dir.write("v9.gguf", Bytes().header(9, 0, 0).str());
  EXPECT_THROW(GgufFile::open(v9), UnsupportedError);
  const std::string v2 = dir.write("v2.gguf", Bytes().header(2, 0, 1).kv_u32("k", 5).str());
  EXPECT_EQ(GgufFile::open(v2).get_int("k"), 5);
}

TEST(GgufCorrupt, AbsurdCountsFailBeforeAllocating) {
  test::TempDir dir;
  EXPECT_INVALID(Bytes().header(3, 0, uint64_t{1} << 60).str(), "metadata count 1152921504606846976");
  EXPECT_INVALID(Bytes().header(3, UINT64_MAX, 0).str(), "tensor count 18446744073709551615");
  // String length far beyond the file.
  EXPECT_INVALID(Bytes().header(3, 0, 1).put<uint64_t>(UINT64_MAX - 3).zeros(16).str(), "metadata key #0 length 18446744073709551612");
  // Array of 2^62 uint32.
  EXPECT_INVALID(Bytes().header(3, 0, 1).str("arr").put<uint32_t>(9).put<uint32_t>(4).put<uint64_t>(uint64_t{1} << 62).str(),
                 "array length 4611686018427387904");
  // Array of 2^40 strings (each needs at least 8 bytes).
  EXPECT_INVALID(Bytes().header(3, 0, 1).str("arr").put<uint32_t>(9).put<uint32_t>(8).put<uint64_t>(uint64_t{1} << 40).str(),
                 "array length 1099511627776");
}

TEST(GgufCorrupt, BadValues) {
  test::TempDir dir;
  EXPECT_INVALID(Bytes().header(3, 0, 1).str("k").put<uint32_t>(13).put<uint32_t>(0).str(), "unknown value type 13");
  EXPECT_INVALID(Bytes().header(3, 0, 1).str("k").put<uint32_t>(7).put<uint8_t>(2).str(), "bool byte is 2");
  EXPECT_INVALID(Bytes().header(3, 0, 1).str("k").put<uint32_t>(10).put<uint64_t>(UINT64_MAX).str(),
                 "exceeds the supported maximum");
  EXPECT_INVALID(Bytes().header(3, 0, 2).kv_u32("k", 1).kv_u32("k", 2).str(), "duplicate metadata key 'k'");
  EXPECT_INVALID(Bytes().header(3, 0, 1).kv_u32("general.alignment", 48).str(), "expected a power of two");
  EXPECT_INVALID(Bytes().header(3, 0, 1).str("general.alignment").put<uint32_t>(8).str("x").str(),
                 "'general.alignment' has type string, expected uint32");
  const std::string nested = dir.write(
      "nested.gguf",
      Bytes().header(3, 0, 1).str("k").put<uint32_t>(9).put<uint32_t>(9).put<uint64_t>(1).put<uint32_t>(4).put<uint64_t>(0).str());
  EXPECT_THROW(GgufFile::open(nested), UnsupportedError);
}

TEST(GgufCorrupt, BadTensorInfos) {
  test::TempDir dir;
  auto one = [](std::vector<uint64_t> ne, uint32_t type, uint64_t offset, size_t data_bytes) {
    return Bytes().header(3, 1, 0).tensor("t", std::move(ne), type, offset).pad(32).zeros(data_bytes).str();
  };
  EXPECT_NO_THROW(GgufFile::open(dir.write("ok.gguf", one({4, 2}, 0, 0, 32))));
  EXPECT_INVALID(one({1, 1, 1, 1, 1}, 0, 0, 32), "has 5 dims, expected at most 4");
  EXPECT_INVALID(one({uint64_t{1} << 32, uint64_t{1} << 32}, 0, 0, 32), "element count overflows");
  EXPECT_INVALID(one({UINT64_MAX}, 0, 0, 32), "element count overflows");
  EXPECT_INVALID(one({48, 1}, 8, 0, 64), "ne[0] = 48, expected a multiple of the block size 32");
  EXPECT_INVALID(one({4, 2}, 0, 32, 32), "data out of bounds");
  EXPECT_INVALID(one({4, 2}, 0, 0, 31), "data out of bounds");
  EXPECT_INVALID(one({4}, 0, 8, 64), "is misaligned: expected a multiple of 32");
  EXPECT_INVALID(one({uint64_t{1} << 40}, 0, 0, 32), "data out of bounds");

  const std::string unsupported = dir.write("q2k.gguf", one({256}, 10, 0, 256));
  try {
    GgufFile::open(unsupported);
    FAIL() << "expected UnsupportedError";
  } catch (const UnsupportedError& e) {
    EXPECT_NE(std::string(e.what()).find("tensor 't' has tensor type id 10"), std::string::npos) << e.what();
  }

  EXPECT_INVALID(Bytes().header(3, 2, 0).tensor("t", {8}, 0, 0).tensor("t", {8}, 0, 32).pad(32).zeros(64).str(),
                 "duplicate tensor name 't'");
  EXPECT_INVALID(Bytes().header(3, 2, 0).tensor("t", {16}, 0, 0).tensor("u", {8}, 0, 32).pad(32).zeros(96).str(),
                 "tensor 'u' data at offset 32 overlaps tensor 't', which ends at 64");
  // Header claims a tensor but the file ends before the data section.
  EXPECT_INVALID(Bytes().header(3, 1, 0).tensor("t", {8}, 0, 0).str(), "truncated");
}

}  // namespace
}  // namespace hirelm::formats
