// The reference goldens: Hugging Face tokenizers on the DeepSeek tokenizer.json (tokenizer-golden.jsonl,
// every record, both modes) and llama.cpp on the small-vocab GGUF (tokenize-small-vocab.jsonl).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/formats/gguf.h"
#include "engine/tokenizer/unicode_class.h"
#include "tests/engine/tokenizer/tokenizer_test_util.h"

namespace hirelm {
namespace {

using nlohmann::json;

std::vector<json> read_jsonl(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<json> records;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) records.push_back(json::parse(line));
  }
  return records;
}

TEST(TokenizerGolden, EveryRecordBothModes) {
  HIRELM_REQUIRE_REFERENCE();
  const Tokenizer& tok = test::deepseek_tokenizer();
  auto records = read_jsonl(test::reference_path("tokenizer-golden.jsonl"));
  ASSERT_EQ(records.size(), 205u);
  int mismatches = 0;
  for (const auto& r : records) {
    std::string text = r["text"];
    auto ids = r["ids"].get<std::vector<int32_t>>();
    auto ids_plain = r["ids_plain"].get<std::vector<int32_t>>();
    auto got = tok.encode(text);
    auto got_plain = tok.encode(text, {.parse_special = false});
    if (got != ids) ++mismatches;
    if (got_plain != ids_plain) ++mismatches;
    EXPECT_EQ(got, ids) << "default mode, cat " << r["cat"] << ": " << json(text).dump();
    EXPECT_EQ(got_plain, ids_plain) << "untrusted mode, cat " << r["cat"] << ": " << json(text).dump();
    // Decoding gives back the (NFC) text in both modes.
    EXPECT_EQ(tok.decode(got), tokenizer::nfc(text));
    EXPECT_EQ(tok.decode(got_plain), tokenizer::nfc(text));
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(TokenizerGolden, DefaultHasNoBosAndAddBosPrependsIt) {
  HIRELM_REQUIRE_REFERENCE();
  const Tokenizer& tok = test::deepseek_tokenizer();
  ASSERT_EQ(tok.bos_id(), 151646);
  ASSERT_EQ(tok.eos_id(), 151643);
  EXPECT_TRUE(tok.wants_bos());
  auto plain = tok.encode("Hello");
  auto with_bos = tok.encode("Hello", {.add_bos = true});
  ASSERT_EQ(with_bos.size(), plain.size() + 1);
  EXPECT_EQ(with_bos[0], 151646);
  EXPECT_TRUE(std::equal(plain.begin(), plain.end(), with_bos.begin() + 1));
}

TEST(TokenizerGolden, SmallVocabGgufMatchesLlamaCpp) {
  HIRELM_REQUIRE_REFERENCE();
  auto gguf = formats::GgufFile::open(test::reference_path("tiny-qwen2/gguf/tiny-qwen2-A-F16.gguf"));
  Tokenizer tok = Tokenizer::from_gguf(gguf);
  EXPECT_EQ(tok.vocab_size(), 1024);
  EXPECT_FALSE(tok.wants_bos());
  EXPECT_EQ(tok.eos_id(), 1023);
  EXPECT_TRUE(tok.is_special(1022));
  auto records = read_jsonl(test::reference_path("tiny-qwen2/tokenize-small-vocab.jsonl"));
  ASSERT_EQ(records.size(), 32u);
  for (const auto& r : records) {
    std::string text = r["text"];
    EXPECT_EQ(tok.encode(text), r["ids"].get<std::vector<int32_t>>()) << json(text).dump();
    EXPECT_EQ(tok.encode(text, {.parse_special = false}), r["ids_plain"].get<std::vector<int32_t>>())
        << json(text).dump();
  }
}

TEST(TokenizerGolden, RealVocabGgufAgreesWithTokenizerJson) {
  HIRELM_REQUIRE_REFERENCE();
  Tokenizer gguf_tok = Tokenizer::from_path(test::reference_path("tiny-qwen2/gguf/tiny-qwen2-R-F16.gguf"));
  const Tokenizer& json_tok = test::deepseek_tokenizer();
  EXPECT_EQ(gguf_tok.vocab_size(), 151936);
  EXPECT_EQ(gguf_tok.bos_id(), json_tok.bos_id());
  EXPECT_EQ(gguf_tok.eos_id(), json_tok.eos_id());
  EXPECT_TRUE(gguf_tok.wants_bos());
  auto records = read_jsonl(test::reference_path("tokenizer-golden.jsonl"));
  for (const auto& r : records) {
    std::string text = r["text"];
    EXPECT_EQ(gguf_tok.encode(text), r["ids"].get<std::vector<int32_t>>()) << json(text).dump();
    EXPECT_EQ(gguf_tok.encode(text, {.parse_special = false}), r["ids_plain"].get<std::vector<int32_t>>())
        << json(text).dump();
  }
}

}  // namespace
}  // namespace hirelm
