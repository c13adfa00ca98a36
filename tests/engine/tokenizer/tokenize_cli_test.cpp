// `hirelm tokenize`: JSON lines in, {"ids": [...]} lines out, in order; bad input exits 2 with the line.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/engine/tokenizer/tokenizer_test_util.h"

namespace hirelm {
namespace {

using nlohmann::json;

std::vector<std::vector<int32_t>> parse_output(const std::string& out) {
  std::vector<std::vector<int32_t>> rows;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) rows.push_back(json::parse(line).at("ids").get<std::vector<int32_t>>());
  return rows;
}

TEST(TokenizeCli, GoldenLinesInOrderBothModes) {
  HIRELM_REQUIRE_REFERENCE();
  std::ifstream golden(test::reference_path("tokenizer-golden.jsonl"));
  std::string input, line;
  std::vector<std::vector<int32_t>> ids, ids_plain;
  while (std::getline(golden, line)) {
    json r = json::parse(line);
    input += json{{"text", r["text"]}}.dump() + "\n";
    ids.push_back(r["ids"].get<std::vector<int32_t>>());
    ids_plain.push_back(r["ids_plain"].get<std::vector<int32_t>>());
  }
  std::string out;
  std::string cmd = test::hirelm_binary() + " tokenize --tokenizer '" + test::deepseek_dir() + "'";
  ASSERT_EQ(test::run_command(cmd, input, &out), 0);
  EXPECT_EQ(parse_output(out), ids);
  ASSERT_EQ(test::run_command(cmd + " --no-special", input, &out), 0);
  EXPECT_EQ(parse_output(out), ids_plain);
  // The tokenizer.json path and the GGUF give the same ids.
  std::string gguf = test::reference_path("tiny-qwen2/gguf/tiny-qwen2-R-F16.gguf");
  ASSERT_EQ(test::run_command(test::hirelm_binary() + " tokenize --tokenizer '" + gguf + "'", input, &out), 0);
  EXPECT_EQ(parse_output(out), ids);
}

TEST(TokenizeCli, BadLineExitsTwoNamingTheLine) {
  HIRELM_REQUIRE_REFERENCE();
  std::string cmd = test::hirelm_binary() + " tokenize --tokenizer '" + test::deepseek_dir() + "/tokenizer.json' 2>&1";
  std::string out;
  int status = test::run_command(cmd, "{\"text\": \"ok\"}\n{\"text\": 5}\n", &out);
  EXPECT_EQ(status, 2);
  EXPECT_NE(out.find("stdin line 2"), std::string::npos) << out;
  status = test::run_command(cmd, "{\"text\": \"ok\"}\n\nnot json\n", &out);
  EXPECT_EQ(status, 2);
  EXPECT_NE(out.find("stdin line 3"), std::string::npos) << out;
  // A number too large for a double is bad input too (it was an internal error, exit 1).
  status = test::run_command(cmd, "{\"text\": 1e999}\n", &out);
  EXPECT_EQ(status, 2);
  EXPECT_NE(out.find("stdin line 1: invalid JSON"), std::string::npos) << out;
}

TEST(TokenizeCli, CorruptTokenizerExitsTwoNamingTheField) {
  std::string path = std::string(HIRELM_BINARY_DIR) + "/tokenize_cli_test_bad_tokenizer.json";
  std::ofstream(path) << R"({"model": {"vocab": {}}})";
  std::string out;
  int status = test::run_command(test::hirelm_binary() + " tokenize --tokenizer '" + path + "' 2>&1", "{\"text\": \"a\"}\n", &out);
  EXPECT_EQ(status, 2);
  EXPECT_NE(out.find("field 'model.merges' missing"), std::string::npos) << out;
}

}  // namespace
}  // namespace hirelm
