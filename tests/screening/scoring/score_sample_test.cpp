#include <gtest/gtest.h>

#include "screening/scoring/evidence.h"
#include "screening/scoring/score_sample.h"
#include "screening/scoring/score_summary.h"

namespace hirelm::screening {
namespace {

Job test_job() {
  Job job;
  job.description = "Backend";
  job.criteria = {{"skills", 2}, {"experience", 1}, {"education", 1}};
  job.must_have = {"C++", "Bachelor's degree", "Kubernetes"};
  return job;
}

const char* kResume = "Zhang Wei. 6 years of C++ at Acme Corp, built the order matching engine.\n"
                      "B.Sc. Computer Science, Tsinghua University, 2016.";

llm::ChatResponse reply(const std::string& answer, const std::string& reasoning = "Let me think.") {
  llm::ChatResponse r;
  r.reasoning = reasoning;
  r.content = answer;
  r.finish_reason = "stop";
  r.seed = 42;
  return r;
}

TEST(ScoreSample, ParsesCriteriaEvidenceMustHavesAndTotal) {
  const std::string answer =
      "**Skills**: 8/10\n"
      "evidence: \"6 years of C++ at Acme Corp\"\n"
      "evidence: \"expert in Rust\"\n"
      "- experience: 7\n"
      "  Evidence: \"built the order matching engine\"\n"
      "education：9 分\n"
      "证据：「Computer Science, Tsinghua University」\n"
      "must_have 1: pass\n"
      "must-have 2: PASS\n"
      "must_have 3: unclear\n"
      "Final score: \\boxed{8}\n";
  const ScoreSample s = parse_score_response(reply(answer), test_job(), normalize_for_match(kResume));
  ASSERT_TRUE(s.total);
  EXPECT_EQ(*s.total, 8.0);
  EXPECT_EQ(s.seed, 42u);
  ASSERT_EQ(s.criteria.size(), 3u);
  EXPECT_EQ(s.criteria[0].score, 8.0);
  ASSERT_EQ(s.criteria[0].evidence.size(), 2u);
  EXPECT_TRUE(s.criteria[0].evidence[0].verified);
  EXPECT_FALSE(s.criteria[0].evidence[1].verified);  // not in the resume: never shown as evidence
  EXPECT_EQ(s.criteria[1].score, 7.0);
  ASSERT_EQ(s.criteria[1].evidence.size(), 1u);
  EXPECT_TRUE(s.criteria[1].evidence[0].verified);
  EXPECT_EQ(s.criteria[2].score, 9.0);
  ASSERT_EQ(s.criteria[2].evidence.size(), 1u);
  EXPECT_TRUE(s.criteria[2].evidence[0].verified);
  EXPECT_EQ(s.must_haves[0].result, MustHaveResult::kPass);
  EXPECT_EQ(s.must_haves[1].result, MustHaveResult::kPass);
  EXPECT_EQ(s.must_haves[2].result, MustHaveResult::kUnclear);
}

TEST(ScoreSample, ChineseMustHaveWords) {
  const std::string answer = "必备 1：满足\n必备 2：不满足\n必备3：不确定\n总分：\\boxed{６}";
  const ScoreSample s = parse_score_response(reply(answer), test_job(), normalize_for_match(kResume));
  EXPECT_EQ(s.total, 6.0);
  EXPECT_EQ(s.must_haves[0].result, MustHaveResult::kPass);
  EXPECT_EQ(s.must_haves[1].result, MustHaveResult::kFail);
  EXPECT_EQ(s.must_haves[2].result, MustHaveResult::kUnclear);
}

TEST(ScoreSample, OutOfRangeMustHaveIndexesAreIgnored) {
  // A model may write any number: a huge index (beyond unsigned long) or 0 must neither throw nor land on
  // a real must-have.
  const std::string answer =
      "must_have 99999999999999999999999999: fail\n"
      "must_have 0: fail\n"
      "must_have 4: fail\n"
      "must_have 2: pass\n"
      "\\boxed{7}";
  ScoreSample s;
  ASSERT_NO_THROW(s = parse_score_response(reply(answer), test_job(), normalize_for_match(kResume)));
  EXPECT_EQ(s.total, 7.0);
  ASSERT_EQ(s.must_haves.size(), 3u);
  EXPECT_EQ(s.must_haves[0].result, MustHaveResult::kUnclear);
  EXPECT_EQ(s.must_haves[1].result, MustHaveResult::kPass);
  EXPECT_EQ(s.must_haves[2].result, MustHaveResult::kUnclear);
}

TEST(ScoreSample, NoScoreReasons) {
  const Job job = test_job();
  const std::string norm = normalize_for_match(kResume);
  auto only_reasoning = parse_score_response(reply("Overall a good fit.", "I'd say \\boxed{9}"), job, norm);
  EXPECT_FALSE(only_reasoning.total);
  EXPECT_EQ(only_reasoning.no_score_reason, "boxed_only_in_reasoning");

  llm::ChatResponse cut = reply("", "Skills look strong, experience is");
  cut.finish_reason = "length";
  auto truncated = parse_score_response(cut, job, norm);
  EXPECT_FALSE(truncated.total);
  EXPECT_TRUE(truncated.truncated);
  EXPECT_EQ(truncated.no_score_reason, "truncated");

  llm::ChatResponse failed;
  failed.finish_reason = "error";
  failed.error = "HTTP 500";
  auto err = parse_score_response(failed, job, norm);
  EXPECT_FALSE(err.total);
  EXPECT_EQ(err.no_score_reason, "error: HTTP 500");
  EXPECT_EQ(err.must_haves.size(), 3u);  // still one unclear entry per must-have
  EXPECT_EQ(err.must_haves[0].result, MustHaveResult::kUnclear);

  auto garbage = parse_score_response(reply("%%%% \x01\x02 <|im_end|>"), job, norm);
  EXPECT_FALSE(garbage.total);
  EXPECT_EQ(garbage.no_score_reason, "no_boxed");
}

ScoreSample sample_with(std::optional<double> total, MustHaveResult m) {
  ScoreSample s;
  s.total = total;
  if (!total) s.no_score_reason = "no_boxed";
  s.criteria = {{"skills", total, {{"6 years of C++", true}, {"made up", false}}}};
  s.must_haves = {{"C++", m}};
  return s;
}

TEST(ScoreSummary, MedianMeanRangeAndUnreliable) {
  const auto sum = summarize_samples({sample_with(6, MustHaveResult::kPass), sample_with(9.5, MustHaveResult::kPass),
                                      sample_with(7, MustHaveResult::kFail)});
  EXPECT_EQ(sum.scored, 3u);
  EXPECT_DOUBLE_EQ(*sum.median, 7);
  EXPECT_DOUBLE_EQ(*sum.mean, 7.5);
  EXPECT_DOUBLE_EQ(*sum.min, 6);
  EXPECT_DOUBLE_EQ(*sum.max, 9.5);
  EXPECT_TRUE(sum.unreliable);  // spread 3.5 > 2
  EXPECT_EQ(sum.must_haves[0].result, MustHaveResult::kPass);  // 2 of 3
  ASSERT_EQ(sum.evidence.size(), 1u);                           // verified quotes only, once
  EXPECT_EQ(sum.evidence[0].text, "6 years of C++");
  EXPECT_DOUBLE_EQ(*sum.criteria[0].second, 7);
}

TEST(ScoreSummary, SpreadOfExactlyTwoIsReliableAndMissingSamplesAreSkipped) {
  const auto sum = summarize_samples({sample_with(6, MustHaveResult::kPass), sample_with(std::nullopt, MustHaveResult::kFail),
                                      sample_with(8, MustHaveResult::kUnclear)});
  EXPECT_EQ(sum.scored, 2u);
  EXPECT_DOUBLE_EQ(*sum.median, 7);
  EXPECT_FALSE(sum.unreliable);
  EXPECT_EQ(sum.samples.size(), 3u);
  EXPECT_FALSE(sum.samples[1]);
  EXPECT_EQ(sum.must_haves[0].result, MustHaveResult::kUnclear);  // no majority
}

TEST(ScoreSummary, NothingScoredKeepsReasonsNeverZero) {
  const auto sum = summarize_samples({sample_with(std::nullopt, MustHaveResult::kPass)});
  EXPECT_EQ(sum.scored, 0u);
  EXPECT_FALSE(sum.median);
  EXPECT_FALSE(sum.min);
  EXPECT_EQ(sum.no_score_reason, "no_boxed");
}

}  // namespace
}  // namespace hirelm::screening
