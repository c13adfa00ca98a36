#include "engine/engine/completion_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hirelm::engine {
namespace {

struct Collected {
  std::string reasoning, content;
};

Collected feed(CompletionText& t, const std::vector<std::string>& pieces) {
  Collected c;
  for (const auto& p : pieces) {
    auto d = t.push(p);
    c.reasoning += d.reasoning;
    c.content += d.content;
  }
  auto d = t.finish();
  c.reasoning += d.reasoning;
  c.content += d.content;
  return c;
}

TEST(CompletionText, StreamedDeltasEqualTheAccumulatedResult) {
  CompletionText t({}, true);
  auto c = feed(t, {"Let me", " think.\n</th", "ink>\n\n", "It is ", "4."});
  EXPECT_EQ(c.reasoning, "Let me think.\n");
  EXPECT_EQ(c.content, "It is 4.");
  EXPECT_EQ(t.reasoning(), c.reasoning);
  EXPECT_EQ(t.content(), c.content);
  EXPECT_TRUE(t.reasoning_closed());
}

TEST(CompletionText, StopStringInsideTheAnswerEndsItAndFlushesTheSplitter) {
  CompletionText t({"\nQ:"}, true);
  auto c = feed(t, {"hmm</think>", "A: yes", "\nQ", ": next"});
  EXPECT_TRUE(t.stopped());
  EXPECT_EQ(t.matched_stop(), "\nQ:");
  EXPECT_EQ(c.reasoning, "hmm");
  EXPECT_EQ(c.content, "A: yes");
}

TEST(CompletionText, StopStringInsideReasoningLeavesContentEmpty) {
  CompletionText t({"STOP"}, true);
  auto c = feed(t, {"thinking ST", "OP more</think>answer"});
  EXPECT_TRUE(t.stopped());
  EXPECT_EQ(c.reasoning, "thinking ");
  EXPECT_EQ(c.content, "");
  EXPECT_FALSE(t.reasoning_closed());
}

TEST(CompletionText, StopStringSpanningTheCloseTagIsMatchedOnRawText) {
  // Stop strings see the raw output, tags included (as vLLM does).
  CompletionText t({"</think>\n\nNo"}, true);
  auto c = feed(t, {"r</think>", "\n\nNo way"});
  EXPECT_TRUE(t.stopped());
  EXPECT_EQ(c.reasoning, "r");
  EXPECT_EQ(c.content, "");
}

TEST(CompletionText, RawPromptWithoutReasoningIsVerbatimContent) {
  CompletionText t({}, false);
  auto c = feed(t, {" Paris", "."});
  EXPECT_EQ(c.reasoning, "");
  EXPECT_EQ(c.content, " Paris.");
  EXPECT_FALSE(t.has_reasoning());
}

TEST(PromptOpensReasoning, DetectsTheR1GenerationPrompt) {
  EXPECT_TRUE(prompt_opens_reasoning("<｜User｜>hi<｜Assistant｜><think>\n"));
  EXPECT_TRUE(prompt_opens_reasoning("<think>"));
  EXPECT_FALSE(prompt_opens_reasoning("<｜User｜>hi<｜Assistant｜>"));
  EXPECT_FALSE(prompt_opens_reasoning("a</think>\n"));
  EXPECT_FALSE(prompt_opens_reasoning(""));
}

}  // namespace
}  // namespace hirelm::engine
