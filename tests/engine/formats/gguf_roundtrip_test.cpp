// GgufWriter -> GgufFile round trips: every metadata kind, every tensor type, alignment and padding.
#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "engine/formats/gguf.h"
#include "engine/formats/temp_dir.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace hirelm::formats {
namespace {

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t k = 0; k < n; ++k) v[k] = static_cast<uint8_t>(seed + k * 31);
  return v;
}

TEST(GgufRoundTrip, MetadataOfEveryKindSurvives) {
  test::TempDir dir;
  GgufWriter w;
  w.set_string("general.architecture", "qwen2");
  w.set_uint32("qwen2.block_count", 28);
  w.set_int32("neg", -7);
  w.set_uint64("big", 1ull << 40);
  w.set_float32("eps", 1e-6f);
  w.set_bool("flag", true);
  w.set_string_array("tokens", {"a", "", "\xe4\xbd\xa0\xe5\xa5\xbd", std::string("nul\0in", 6)});
  w.set_int32_array("types", {1, -2, 3});
  w.set_float32_array("scores", {0.5f, -1.25f});
  w.set_uint32("qwen2.block_count", 2);  // set twice: last value wins
  const std::string path = dir.file("meta.gguf");
  w.write(path);

  GgufFile g = GgufFile::open(path);
  EXPECT_EQ(g.version(), 3u);
  EXPECT_EQ(g.alignment(), 32u);
  EXPECT_EQ(g.metadata().size(), 9u);
  EXPECT_EQ(g.get_string("general.architecture"), "qwen2");
  EXPECT_EQ(g.get_int("qwen2.block_count"), 2);
  EXPECT_EQ(g.find("qwen2.block_count")->type, GgufType::kUint32);
  EXPECT_EQ(g.get_int("neg"), -7);
  EXPECT_EQ(g.get_int("big"), int64_t{1} << 40);
  EXPECT_FLOAT_EQ(static_cast<float>(g.get_float("eps")), 1e-6f);
  EXPECT_DOUBLE_EQ(g.get_float("qwen2.block_count"), 2.0);  // integers widen to float
  EXPECT_TRUE(g.get_bool("flag"));
  EXPECT_EQ(g.get_string_array("tokens"),
            (std::vector<std::string>{"a", "", "\xe4\xbd\xa0\xe5\xa5\xbd", std::string("nul\0in", 6)}));
  EXPECT_EQ(g.get_int_array("types"), (std::vector<int64_t>{1, -2, 3}));
  EXPECT_EQ(g.get_float_array("scores"), (std::vector<double>{0.5, -1.25}));
  EXPECT_TRUE(g.tensors().empty());
  EXPECT_THROW(g.get_bool("neg"), InvalidInputError);
  EXPECT_THROW(g.get_float("tokens"), InvalidInputError);
}

TEST(GgufRoundTrip, TensorsOfEveryTypeArePaddedAndZeroCopy) {
  test::TempDir dir;
  struct Spec {
    std::string name;
    DType type;
    std::vector<uint64_t> ne;
  };
  const std::vector<Spec> specs = {
      {"f32", DType::kF32, {3}},          {"f16", DType::kF16, {5, 3}},     {"bf16", DType::kBF16, {7, 1, 2}},
      {"q8_0", DType::kQ8_0, {64, 3}},    {"q4_0", DType::kQ4_0, {32, 5}},  {"q4_k", DType::kQ4_K, {256, 2}},
      {"q6_k", DType::kQ6_K, {512, 1, 1, 2}},
  };
  GgufWriter w;
  w.set_string("general.architecture", "test");
  std::vector<std::vector<uint8_t>> payloads;
  for (size_t k = 0; k < specs.size(); ++k) {
    const Spec& s = specs[k];
    size_t n = dtype_row_bytes(s.type, s.ne[0]);
    for (size_t d = 1; d < s.ne.size(); ++d) n *= s.ne[d];
    payloads.push_back(pattern(n, static_cast<uint8_t>(k)));
    w.add_tensor(s.name, s.type, s.ne, payloads.back().data(), payloads.back().size());
  }
  const std::string path = dir.file("tensors.gguf");
  w.write(path);

  GgufFile g = GgufFile::open(path);
  MappedFile raw(path);
  ASSERT_EQ(g.tensors().size(), specs.size());
  uint64_t expected_offset = 0;
  for (size_t k = 0; k < specs.size(); ++k) {
    const GgufTensorInfo& t = g.tensors()[k];
    SCOPED_TRACE(t.name);
    EXPECT_EQ(t.name, specs[k].name);
    EXPECT_EQ(t.type, specs[k].type);
    EXPECT_EQ(t.ne, specs[k].ne);
    EXPECT_EQ(t.offset, expected_offset);
    EXPECT_EQ(t.n_bytes, payloads[k].size());
    ASSERT_EQ(std::memcmp(t.data, payloads[k].data(), payloads[k].size()), 0);
    EXPECT_EQ((t.data - g.tensors()[0].data) % 32, 0);
    expected_offset += (t.n_bytes + 31) / 32 * 32;
  }
  // The file ends with the padded last tensor, and the data section starts aligned. (`raw` is a
  // second map of the file, so compare contents at offsets, not pointers.)
  ASSERT_GE(raw.size(), expected_offset);
  const uint64_t data_start = raw.size() - expected_offset;
  EXPECT_EQ(data_start % 32, 0u);
  EXPECT_EQ(std::memcmp(raw.data() + data_start, payloads[0].data(), payloads[0].size()), 0);
}

TEST(GgufRoundTrip, CustomAlignmentIsRespected) {
  test::TempDir dir;
  GgufWriter w;
  w.set_uint32("general.alignment", 64);
  auto a = pattern(12, 1), b = pattern(8, 2);
  w.add_tensor("a", DType::kF32, {3}, a.data(), a.size());
  w.add_tensor("b", DType::kF32, {2}, b.data(), b.size());
  const std::string path = dir.file("align.gguf");
  w.write(path);
  GgufFile g = GgufFile::open(path);
  EXPECT_EQ(g.alignment(), 64u);
  EXPECT_EQ(g.find_tensor("b")->offset, 64u);
  EXPECT_EQ(std::memcmp(g.find_tensor("b")->data, b.data(), b.size()), 0);
}

TEST(GgufRoundTrip, WriterRejectsInconsistentTensors) {
  GgufWriter w;
  std::vector<uint8_t> buf(1024);
  EXPECT_THROW(w.add_tensor("x", DType::kF32, {4}, buf.data(), 15), InvalidInputError);
  EXPECT_THROW(w.add_tensor("x", DType::kQ8_0, {16}, buf.data(), 17), InvalidInputError);
  EXPECT_THROW(w.add_tensor("x", DType::kF32, {1, 1, 1, 1, 1}, buf.data(), 4), InvalidInputError);
  w.add_tensor("x", DType::kF32, {4}, buf.data(), 16);
  EXPECT_THROW(w.add_tensor("x", DType::kF32, {4}, buf.data(), 16), InvalidInputError);
}

TEST(GgufRoundTrip, WriteToUnwritablePathIsIoError) {
  GgufWriter w;
  EXPECT_THROW(w.write("/nonexistent-dir/x.gguf"), IoError);
}

}  // namespace
}  // namespace hirelm::formats
