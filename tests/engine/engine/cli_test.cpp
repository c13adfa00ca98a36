// The `hirelm run` and `hirelm chat` command-line contracts: exit codes and reproducible output.
#include <gtest/gtest.h>

#include <string>

#include "support/reference.h"

namespace hirelm::test {
namespace {

int hirelm(const std::string& args, std::string* out = nullptr, const std::string& stdin_text = "") {
  std::string ignored;
  return run_command(hirelm_binary() + " " + args + " 2>/dev/null", stdin_text, out ? out : &ignored);
}

std::string model_a() { return reference_path("tiny-qwen2/gguf/tiny-qwen2-A-F32.gguf"); }
std::string model_r() { return reference_path("tiny-qwen2/gguf/tiny-qwen2-R-F16.gguf"); }

TEST(RunCli, BadUsageExitsWithTwo) {
  EXPECT_EQ(hirelm("run --bogus"), 2);
  EXPECT_EQ(hirelm("run --prompt hi"), 2);                  // no --model
  EXPECT_EQ(hirelm("run --model x.gguf"), 2);               // no --prompt
  EXPECT_EQ(hirelm("run --model x.gguf --prompt hi --temp hot"), 2);
  EXPECT_EQ(hirelm("run --model x.gguf --prompt hi --top-p 1.5"), 2);
  EXPECT_EQ(hirelm("run --model x.gguf --prompt hi -n -3"), 2);
}

TEST(RunCli, MissingModelExitsWithTwo) {
  EXPECT_EQ(hirelm("run --model /nonexistent/model.gguf --prompt hi"), 2);
  EXPECT_EQ(hirelm("chat --model /nonexistent/model.gguf"), 2);
}

TEST(RunCli, HelpExitsWithZero) {
  std::string out;
  EXPECT_EQ(hirelm("run --help", &out), 0);
  EXPECT_NE(out.find("--prompt"), std::string::npos);
}

TEST(RunCli, SameSeedPrintsTheSameCompletion) {
  HIRELM_REQUIRE_REFERENCE();
  const std::string cmd = "run --model " + model_a() + " --prompt 'Once upon a time' -n 12 --ignore-eos -t 1 --temp 0.9";
  std::string a, b, c;
  ASSERT_EQ(hirelm(cmd + " --seed 5", &a), 0);
  ASSERT_EQ(hirelm(cmd + " --seed 5", &b), 0);
  ASSERT_EQ(hirelm(cmd + " --seed 6", &c), 0);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(ChatCli, PipedTurnsShowReasoningPrefixedAndQuitOnExit) {
  HIRELM_REQUIRE_REFERENCE();
  std::string out;
  ASSERT_EQ(hirelm("chat --model " + model_r() + " -n 8 --ignore-eos --seed 1 -t 1", &out,
                   "Hello\n\n/exit\nnot read\n"),
            0);
  // The R1 template opens <think>, and 8 random tokens never close it: every line is reasoning.
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.rfind("thinking: ", 0), 0u) << out;
  size_t line = 0;
  while ((line = out.find('\n', line)) != std::string::npos && line + 1 < out.size()) {
    ++line;
    EXPECT_EQ(out.compare(line, 10, "thinking: "), 0) << out;
  }
}

TEST(ChatCli, EndOfInputQuitsCleanly) {
  HIRELM_REQUIRE_REFERENCE();
  std::string out;
  EXPECT_EQ(hirelm("chat --model " + model_a() + " -t 1", &out, ""), 0);
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace hirelm::test
