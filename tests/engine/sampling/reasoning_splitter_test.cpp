#include "engine/sampling/reasoning_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hirelm::sampling {
namespace {

ReasoningSplitter::Delta feed(ReasoningSplitter& s, const std::vector<std::string>& pieces) {
  ReasoningSplitter::Delta all;
  for (const auto& p : pieces) {
    auto d = s.push(p);
    all.reasoning += d.reasoning;
    all.content += d.content;
  }
  auto d = s.finish();
  all.reasoning += d.reasoning;
  all.content += d.content;
  return all;
}

TEST(ReasoningSplitter, PromptOpenedThinkSplitsAtCloseTag) {
  ReasoningSplitter s(/*starts_in_reasoning=*/true);
  auto d = feed(s, {"Okay, the user wants 2+2.\n", "</think>\n\n", "The answer is 4."});
  EXPECT_EQ(d.reasoning, "Okay, the user wants 2+2.\n");
  EXPECT_EQ(d.content, "The answer is 4.");
  EXPECT_TRUE(s.has_reasoning());
  EXPECT_TRUE(s.reasoning_closed());
}

TEST(ReasoningSplitter, CloseTagSplitAtEveryPointIsRecognised) {
  const std::string text = "\nthink < about </thin it</think>\n\nAnswer </think> stays";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    for (size_t cut2 = cut; cut2 <= text.size(); cut2 += 3) {
      ReasoningSplitter s(true);
      auto d = feed(s, {text.substr(0, cut), text.substr(cut, cut2 - cut), text.substr(cut2)});
      ASSERT_EQ(d.reasoning, "think < about </thin it") << cut << "," << cut2;
      ASSERT_EQ(d.content, "Answer </think> stays") << cut << "," << cut2;
    }
  }
}

TEST(ReasoningSplitter, PartialCloseTagIsHeldBackWhileStreaming) {
  ReasoningSplitter s(true);
  auto a = s.push("step 1</th");
  EXPECT_EQ(a.reasoning, "step 1");
  EXPECT_EQ(a.content, "");
  auto b = s.push("ink>Yes");
  EXPECT_EQ(b.reasoning, "");
  EXPECT_EQ(b.content, "Yes");
}

TEST(ReasoningSplitter, CutBeforeCloseTagIsAllReasoning) {
  ReasoningSplitter s(true);
  auto d = feed(s, {"Hmm, let me think", " more </thi"});
  EXPECT_EQ(d.reasoning, "Hmm, let me think more </thi");
  EXPECT_EQ(d.content, "");
  EXPECT_FALSE(s.reasoning_closed());
}

TEST(ReasoningSplitter, RawOutputOpeningThinkIsReasoning) {
  ReasoningSplitter s(/*starts_in_reasoning=*/false);
  auto d = feed(s, {"  <th", "ink>\nplan", "</think>\n\ndone"});
  EXPECT_EQ(d.reasoning, "plan");
  EXPECT_EQ(d.content, "done");
  EXPECT_TRUE(s.has_reasoning());
}

TEST(ReasoningSplitter, RawOutputWithoutThinkIsAllContentVerbatim) {
  ReasoningSplitter s(false);
  auto d = feed(s, {" Paris", " is </think> the capital"});
  EXPECT_EQ(d.reasoning, "");
  EXPECT_EQ(d.content, " Paris is </think> the capital");
  EXPECT_FALSE(s.has_reasoning());
  EXPECT_TRUE(s.reasoning_closed());
}

TEST(ReasoningSplitter, RawOutputHoldsAPossibleOpenTagAndReleasesItAtTheEnd) {
  ReasoningSplitter s(false);
  auto a = s.push("<thi");
  EXPECT_EQ(a.content, "");
  auto end = s.finish();
  EXPECT_EQ(end.content, "<thi");
  ReasoningSplitter t(false);
  EXPECT_EQ(t.push("<thx").content, "<thx");
}

TEST(ReasoningSplitter, EmptyReasoningAndEmptyAnswer) {
  ReasoningSplitter s(true);
  auto d = feed(s, {"\n</think>\n\n"});
  EXPECT_EQ(d.reasoning, "");
  EXPECT_EQ(d.content, "");
  EXPECT_TRUE(s.reasoning_closed());
}

}  // namespace
}  // namespace hirelm::sampling
