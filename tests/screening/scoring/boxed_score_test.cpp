#include <gtest/gtest.h>

#include "screening/scoring/boxed_score.h"

namespace hirelm::screening {
namespace {

std::optional<double> score_of(const std::string& answer) { return parse_boxed_score(answer).score; }

TEST(BoxedScore, EveryForm) {
  EXPECT_EQ(score_of("Final score: \\boxed{8}"), 8.0);
  EXPECT_EQ(score_of("\\boxed{8.5}"), 8.5);
  EXPECT_EQ(score_of("\\boxed{8/10}"), 8.0);
  EXPECT_EQ(score_of("\\boxed{ 7 / 10 }"), 7.0);
  EXPECT_EQ(score_of("\\boxed{\\text{8分}}"), 8.0);
  EXPECT_EQ(score_of("总分：\\boxed{7分}"), 7.0);
  EXPECT_EQ(score_of("\\boxed{\\mathbf{6}}"), 6.0);
  EXPECT_EQ(score_of("\\boxed{８}"), 8.0);               // full-width digit
  EXPECT_EQ(score_of("\\boxed{８．５}"), 8.5);           // full-width digits and full stop
  EXPECT_EQ(score_of("\\boxed{６／１０}"), 6.0);         // full-width slash
  EXPECT_EQ(score_of("\\boxed{85/100}"), 8.5);           // scaled to 10
  EXPECT_EQ(score_of("\\boxed{75\\%}"), 7.5);
  EXPECT_EQ(score_of("\\boxed {9}"), 9.0);
  EXPECT_EQ(score_of("\\boxed{0}"), 0.0);
  EXPECT_EQ(score_of("\\boxed{10}"), 10.0);
}

TEST(BoxedScore, LastBoxInTheAnswerWins) {
  EXPECT_EQ(score_of("skills \\boxed{6}, then overall \\boxed{7}"), 7.0);
}

TEST(BoxedScore, BoxOnlyInReasoningIsNoScore) {
  const BoxedScore b = parse_boxed_score("The candidate is strong overall.", "maybe \\boxed{9}? no, lower");
  EXPECT_FALSE(b.score);
  EXPECT_EQ(b.reason, "boxed_only_in_reasoning");
}

TEST(BoxedScore, Reasons) {
  EXPECT_EQ(parse_boxed_score("").reason, "no_answer");
  EXPECT_EQ(parse_boxed_score("  \n").reason, "no_answer");
  EXPECT_EQ(parse_boxed_score("I think it is an 8.").reason, "no_boxed");
  EXPECT_EQ(parse_boxed_score("\\boxed{high}").reason, "unparseable_boxed");
  EXPECT_EQ(parse_boxed_score("\\boxed{7 or 8}").reason, "unparseable_boxed");
  EXPECT_EQ(parse_boxed_score("\\boxed{11}").reason, "out_of_range");
  EXPECT_EQ(parse_boxed_score("\\boxed{-3}").reason, "out_of_range");
  EXPECT_EQ(parse_boxed_score("\\boxed{8").reason, "no_boxed");  // truncated inside the box
  const BoxedScore ok = parse_boxed_score("\\boxed{\\text{8分}}");
  EXPECT_EQ(ok.reason, "");
  EXPECT_EQ(ok.raw, "\\text{8分}");
}

TEST(BoxedScore, FindBoxedHandlesNestedBraces) {
  EXPECT_EQ(find_boxed("a \\boxed{\\frac{3}{4}} b \\boxed{5}"), (std::vector<std::string>{"\\frac{3}{4}", "5"}));
  EXPECT_TRUE(find_boxed("\\boxed").empty());
}

}  // namespace
}  // namespace hirelm::screening
