// Safetensors: the reference HF twins (checked against their GGUF siblings byte for byte), writer
// round trips, sharded directories, and malformed headers.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "engine/formats/gguf.h"
#include "engine/formats/safetensors.h"
#include "engine/formats/temp_dir.h"
#include "support/reference.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace hirelm::formats {
namespace {

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t k = 0; k < n; ++k) v[k] = static_cast<uint8_t>(seed * 7 + k * 13);
  return v;
}

// HF name -> GGUF name, the llama.cpp convert_hf_to_gguf.py renames for qwen2.
std::string gguf_name(std::string hf) {
  const std::pair<const char*, const char*> renames[] = {
      {"model.embed_tokens.weight", "token_embd.weight"}, {"model.norm.weight", "output_norm.weight"},
      {"lm_head.weight", "output.weight"}};
  for (auto [from, to] : renames) {
    if (hf == from) return to;
  }
  const std::string prefix = "model.layers.";
  size_t dot = hf.find('.', prefix.size());
  std::string layer = hf.substr(prefix.size(), dot - prefix.size());
  std::string rest = hf.substr(dot + 1);
  const std::pair<const char*, const char*> parts[] = {
      {"input_layernorm.", "attn_norm."},   {"self_attn.q_proj.", "attn_q."},  {"self_attn.k_proj.", "attn_k."},
      {"self_attn.v_proj.", "attn_v."},     {"self_attn.o_proj.", "attn_output."},
      {"post_attention_layernorm.", "ffn_norm."}, {"mlp.gate_proj.", "ffn_gate."}, {"mlp.up_proj.", "ffn_up."},
      {"mlp.down_proj.", "ffn_down."}};
  for (auto [from, to] : parts) {
    if (rest.rfind(from, 0) == 0) return "blk." + layer + "." + to + rest.substr(std::strlen(from));
  }
  return "?" + hf;
}

TEST(SafetensorsReference, F32TwinHoldsTheSameBytesAsTheF32Gguf) {
  HIRELM_REQUIRE_REFERENCE();
  SafetensorsModel m = SafetensorsModel::open_dir(test::reference_path("tiny-qwen2/hf/tiny-qwen2-A-hf-f32"));
  GgufFile g = GgufFile::open(test::reference_path("tiny-qwen2/gguf/tiny-qwen2-A-F32.gguf"));
  ASSERT_EQ(m.tensors().size(), g.tensors().size());
  for (const SafetensorsTensor* t : m.tensors()) {
    SCOPED_TRACE(t->name);
    EXPECT_EQ(t->type, DType::kF32);
    const GgufTensorInfo* gt = g.find_tensor(gguf_name(t->name));
    ASSERT_NE(gt, nullptr) << gguf_name(t->name);
    // GGUF dims are the safetensors shape reversed.
    EXPECT_EQ(std::vector<uint64_t>(t->shape.rbegin(), t->shape.rend()), gt->ne);
    ASSERT_EQ(t->n_bytes, gt->n_bytes);
    EXPECT_EQ(std::memcmp(t->data, gt->data, t->n_bytes), 0);
    EXPECT_EQ(m.find(t->name), t);
  }
  const SafetensorsTensor* k = m.find("model.layers.1.self_attn.k_proj.weight");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->shape, (std::vector<uint64_t>{128, 256}));
  EXPECT_EQ(m.find("model.layers.2.self_attn.k_proj.weight"), nullptr);
  EXPECT_EQ(m.files()[0].metadata().at("format"), "pt");
}

TEST(SafetensorsReference, Bf16TwinIsAllBf16) {
  HIRELM_REQUIRE_REFERENCE();
  SafetensorsModel m = SafetensorsModel::open_dir(test::reference_path("tiny-qwen2/hf/tiny-qwen2-A-hf-bf16"));
  GgufFile g = GgufFile::open(test::reference_path("tiny-qwen2/gguf/tiny-qwen2-A-BF16.gguf"));
  ASSERT_EQ(m.tensors().size(), 27u);
  for (const SafetensorsTensor* t : m.tensors()) {
    SCOPED_TRACE(t->name);
    EXPECT_EQ(t->type, DType::kBF16);
    const GgufTensorInfo* gt = g.find_tensor(gguf_name(t->name));
    ASSERT_NE(gt, nullptr);
    if (gt->type == DType::kBF16) {
      ASSERT_EQ(t->n_bytes, gt->n_bytes);
      EXPECT_EQ(std::memcmp(t->data, gt->data, t->n_bytes), 0);
    }
  }
}

TEST(Safetensors, WriterRoundTripsEveryDtypeAndMetadata) {
  test::TempDir dir;
  SafetensorsWriter w;
  auto a = pattern(2 * 3 * 4, 1), b = pattern(5 * 2, 2), c = pattern(4 * 2, 3), e = pattern(0, 4);
  w.add_tensor("z.first", DType::kF32, {2, 3}, a.data(), a.size());
  w.add_tensor("a.second", DType::kF16, {5}, b.data(), b.size());
  w.add_tensor("m.third", DType::kBF16, {2, 1, 2}, c.data(), c.size());
  w.add_tensor("empty", DType::kF32, {0, 3}, e.data(), 0);
  w.set_metadata("format", "pt");
  EXPECT_THROW(w.add_tensor("a.second", DType::kF16, {5}, b.data(), b.size()), InvalidInputError);
  EXPECT_THROW(w.add_tensor("bad", DType::kF16, {4}, b.data(), b.size()), InvalidInputError);
  EXPECT_THROW(w.add_tensor("q", DType::kQ8_0, {32}, b.data(), 34), UnsupportedError);
  const std::string path = dir.file("x.safetensors");
  w.write(path);

  MappedFile raw(path);
  uint64_t header_len = 0;
  std::memcpy(&header_len, raw.data(), 8);
  EXPECT_EQ(header_len % 8, 0u);

  SafetensorsFile f = SafetensorsFile::open(path);
  ASSERT_EQ(f.tensors().size(), 4u);
  // Data order is insertion order.
  EXPECT_EQ(f.tensors()[0].name, "z.first");
  const SafetensorsTensor* t = f.find("m.third");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->type, DType::kBF16);
  EXPECT_EQ(t->shape, (std::vector<uint64_t>{2, 1, 2}));
  EXPECT_EQ(std::memcmp(t->data, c.data(), c.size()), 0);
  EXPECT_EQ(std::memcmp(f.find("z.first")->data, a.data(), a.size()), 0);
  EXPECT_EQ(f.find("a.second")->type, DType::kF16);
  EXPECT_EQ(f.find("empty")->n_bytes, 0u);
  EXPECT_EQ(f.metadata().at("format"), "pt");
}

// Writes a two-shard model: shard 1 holds a and b, shard 2 holds c.
void write_sharded(const test::TempDir& dir, const std::string& index_json) {
  auto a = pattern(16, 1), b = pattern(8, 2), c = pattern(12, 3);
  SafetensorsWriter s1, s2;
  s1.add_tensor("a", DType::kF32, {2, 2}, a.data(), a.size());
  s1.add_tensor("b", DType::kF16, {4}, b.data(), b.size());
  s2.add_tensor("c", DType::kF32, {3}, c.data(), c.size());
  s1.write(dir.file("model-00001-of-00002.safetensors"));
  s2.write(dir.file("model-00002-of-00002.safetensors"));
  dir.write("model.safetensors.index.json", index_json);
}

TEST(Safetensors, ShardedDirectoryFollowsTheIndex) {
  test::TempDir dir;
  write_sharded(dir, R"({"metadata": {"total_size": 36}, "weight_map": {
      "a": "model-00001-of-00002.safetensors", "b": "model-00001-of-00002.safetensors",
      "c": "model-00002-of-00002.safetensors"}})");
  SafetensorsModel m = SafetensorsModel::open_dir(dir.path());
  EXPECT_EQ(m.tensors().size(), 3u);
  EXPECT_EQ(m.files().size(), 2u);
  ASSERT_NE(m.find("c"), nullptr);
  auto c = pattern(12, 3);
  EXPECT_EQ(std::memcmp(m.find("c")->data, c.data(), c.size()), 0);
  EXPECT_EQ(m.find("b")->type, DType::kF16);
}

TEST(Safetensors, ShardedDirectoryErrors) {
  {
    test::TempDir dir;
    write_sharded(dir, R"({"weight_map": {"a": "model-00002-of-00002.safetensors", "b": "model-00001-of-00002.safetensors",
        "c": "model-00002-of-00002.safetensors"}})");
    EXPECT_THROW(SafetensorsModel::open_dir(dir.path()), InvalidInputError);  // 'a' is in the other shard
  }
  {
    test::TempDir dir;
    write_sharded(dir, R"({"weight_map": {"a": "model-00001-of-00002.safetensors", "c": "missing.safetensors"}})");
    EXPECT_THROW(SafetensorsModel::open_dir(dir.path()), NotFoundError);
  }
  {
    test::TempDir dir;
    write_sharded(dir, R"({"weight_map": {"a": "../model-00001-of-00002.safetensors"}})");
    EXPECT_THROW(SafetensorsModel::open_dir(dir.path()), InvalidInputError);
  }
  {
    test::TempDir dir;
    write_sharded(dir, R"({"weight_map": [1, 2]})");
    EXPECT_THROW(SafetensorsModel::open_dir(dir.path()), InvalidInputError);
  }
  {
    test::TempDir dir;
    write_sharded(dir, R"({"weight_map": )");
    EXPECT_THROW(SafetensorsModel::open_dir(dir.path()), InvalidInputError);
  }
  {
    test::TempDir dir;  // the same tensor in two shards
    auto a = pattern(16, 1);
    SafetensorsWriter s1;
    s1.add_tensor("a", DType::kF32, {4}, a.data(), a.size());
    s1.write(dir.file("s1.safetensors"));
    s1.write(dir.file("s2.safetensors"));
    dir.write("model.safetensors.index.json", R"({"weight_map": {"a": "s1.safetensors", "b": "s2.safetensors"}})");
    EXPECT_THROW(SafetensorsModel::open_dir(dir.path()), InvalidInputError);
  }
  test::TempDir empty;
  EXPECT_THROW(SafetensorsModel::open_dir(empty.path()), NotFoundError);
}

// A file with the given header text (padded to 8) followed by `data_bytes` zero bytes.
std::string with_header(const std::string& header, size_t data_bytes) {
  std::string h = header;
  while (h.size() % 8 != 0) h += ' ';
  uint64_t len = h.size();
  std::string out(reinterpret_cast<const char*>(&len), 8);
  return out + h + std::string(data_bytes, '\0');
}

std::string invalid_message(const test::TempDir& dir, const std::string& bytes) {
  const std::string path = dir.write("bad.safetensors", bytes);
  try {
    SafetensorsFile::open(path);
  } catch (const InvalidInputError& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.rfind(path + ": ", 0), 0u) << msg;
    return msg;
  }
  return "";
}

#define EXPECT_INVALID(bytes, fragment)                                                  \
  do {                                                                                   \
    std::string msg_ = invalid_message(dir, (bytes));                                    \
    EXPECT_NE(msg_.find(fragment), std::string::npos) << "message was: '" << msg_ << "'"; \
  } while (0)

TEST(SafetensorsCorrupt, MalformedHeaders) {
  test::TempDir dir;
  const std::string t = R"("t": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]})";
  EXPECT_EQ(invalid_message(dir, with_header("{" + t + "}", 16)), "");
  EXPECT_INVALID(std::string(5, '\0'), "truncated while reading header length");
  EXPECT_INVALID(std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8) + "{}", "header length 9223372036854775807 exceeds");
  EXPECT_INVALID(with_header("{" + t, 16), "not valid JSON");
  EXPECT_INVALID(with_header("[1, 2]", 0), "expected an object");
  EXPECT_INVALID(with_header("{" + t + "," + t + "}", 16), "duplicate tensor name 't'");
  EXPECT_INVALID(with_header("{" + t + "}", 20), "trailing garbage");
  EXPECT_INVALID(with_header("{" + t + "}", 15), "out of bounds");
  EXPECT_INVALID(with_header(R"({"t": {"dtype": "F32", "shape": [3, 2], "data_offsets": [0, 16]}})", 16),
                 "needs 24 bytes, but data_offsets span 16");
  EXPECT_INVALID(with_header(R"({"t": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 16]}})", 16),
                 "overflows");
  EXPECT_INVALID(with_header(R"({"t": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", 4),
                 "expected a non-negative integer");
  EXPECT_INVALID(with_header(R"({"t": {"dtype": "X9", "shape": [1], "data_offsets": [0, 4]}})", 4), "unknown dtype 'X9'");
  EXPECT_INVALID(with_header(R"({"t": {"dtype": "F32", "shape": [1]}})", 4), "'data_offsets' missing");
  EXPECT_INVALID(with_header(R"({"t": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}})", 8), "out of bounds");
  EXPECT_INVALID(with_header(R"({"t": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", 8), "gap before it");
  EXPECT_INVALID(with_header(R"({"t": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                 "u": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", 8), "overlaps");
  EXPECT_INVALID(with_header(R"({"__metadata__": {"a": 1}})", 0), "expected a string");
}

TEST(SafetensorsCorrupt, OtherDtypesAreValidatedAndUnsupportedOnAccess) {
  test::TempDir dir;
  const std::string path = dir.write(
      "i64.safetensors",
      with_header(R"({"ids": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]},
                      "w": {"dtype": "F32", "shape": [1], "data_offsets": [16, 20]}})", 20));
  SafetensorsFile f = SafetensorsFile::open(path);
  EXPECT_EQ(f.tensors().size(), 1u);
  EXPECT_EQ(f.unsupported().at("ids"), "I64");
  EXPECT_THROW(f.find("ids"), UnsupportedError);
  EXPECT_NE(f.find("w"), nullptr);
}

TEST(SafetensorsCorrupt, EveryTruncationAndByteFlipIsClean) {
  test::TempDir dir;
  SafetensorsWriter w;
  auto a = pattern(24, 1);
  w.add_tensor("a", DType::kF32, {2, 3}, a.data(), a.size());
  w.add_tensor("b", DType::kBF16, {4}, a.data(), 8);
  w.write(dir.file("ok.safetensors"));
  const std::string full = read_file(dir.file("ok.safetensors"));
  for (size_t n = 0; n < full.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_FALSE(invalid_message(dir, full.substr(0, n)).empty());
  }
  const size_t header_end = full.size() - 32;
  for (size_t pos = 0; pos < header_end; ++pos) {
    for (uint8_t x : {0x01, 0x20, 0x80}) {
      std::string bad = full;
      bad[pos] = static_cast<char>(bad[pos] ^ x);
      const std::string path = dir.write("flip.safetensors", bad);
      try {
        SafetensorsFile f = SafetensorsFile::open(path);
        for (const SafetensorsTensor& t : f.tensors()) ASSERT_LE(t.n_bytes, bad.size());
      } catch (const Error& e) {
        EXPECT_TRUE(e.kind() == ErrorKind::kInvalidInput) << e.what();
      }
    }
  }
}

}  // namespace
}  // namespace hirelm::formats
