#include <gtest/gtest.h>

#include "screening/job/job.h"
#include "util/error.h"

namespace hirelm::screening {
namespace {

TEST(Job, PlainMarkdownGetsDefaultsAndHeadingTitle) {
  const Job job = parse_job("# Backend Engineer\n\nWe build C++ services.\n", "job.md");
  EXPECT_EQ(job.title, "Backend Engineer");
  EXPECT_EQ(job.description, "# Backend Engineer\n\nWe build C++ services.");
  EXPECT_TRUE(job.must_have.empty());
  ASSERT_EQ(job.criteria.size(), 3u);
  EXPECT_EQ(job.criteria[0].name, "skills");
  EXPECT_EQ(job.criteria[2].name, "education");
  EXPECT_EQ(job.content_hash.rfind("sha256:", 0), 0u);
}

TEST(Job, FrontMatterWithBlockAndFlowForms) {
  const char* text =
      "---\n"
      "title: \"后端工程师: C++\"\n"
      "# a comment\n"
      "must_have:\n"
      "  - 3+ years of C++\n"
      "  - '本科及以上学历'\n"
      "criteria:\n"
      "  - name: skills\n"
      "    weight: 3\n"
      "  - {name: experience, weight: 2.5}\n"
      "  - education\n"
      "---\n"
      "负责高性能服务开发。\n";
  const Job job = parse_job(text, "job.md");
  EXPECT_EQ(job.title, "后端工程师: C++");
  EXPECT_EQ(job.must_have, (std::vector<std::string>{"3+ years of C++", "本科及以上学历"}));
  ASSERT_EQ(job.criteria.size(), 3u);
  EXPECT_EQ(job.criteria[0].name, "skills");
  EXPECT_DOUBLE_EQ(job.criteria[0].weight, 3);
  EXPECT_EQ(job.criteria[1].name, "experience");
  EXPECT_DOUBLE_EQ(job.criteria[1].weight, 2.5);
  EXPECT_EQ(job.criteria[2].name, "education");
  EXPECT_DOUBLE_EQ(job.criteria[2].weight, 1);
  EXPECT_EQ(job.description, "负责高性能服务开发。");
}

TEST(Job, InlineListAndCrlf) {
  const Job job = parse_job("---\r\nmust_have: [Go, \"Kubernetes, on-prem\"]\r\n---\r\nText\r\n", "j");
  EXPECT_EQ(job.must_have, (std::vector<std::string>{"Go", "Kubernetes, on-prem"}));
  EXPECT_EQ(job.description, "Text");
}

std::string error_of(const std::string& text) {
  try {
    parse_job(text, "job.md");
  } catch (const InvalidInputError& e) {
    return e.what();
  }
  return "";
}

TEST(Job, ClearErrorsWithLineNumbers) {
  EXPECT_EQ(error_of("---\ncriteria:\n  - name: skills\n    weight: heavy\n---\nx\n"),
            "job.md:3: criteria[0].weight: expected a positive number, got 'heavy'");
  EXPECT_EQ(error_of("---\nlocation: Beijing\n---\nx\n"),
            "job.md:2: unknown key 'location' (expected title, must_have or criteria)");
  EXPECT_EQ(error_of("---\ntitle: x\nbody without end\n"), "job.md:1: front matter opened by '---' is never closed");
  EXPECT_EQ(error_of("---\ntitle: x\n---\n\n  \n"), "job.md: the job description is empty");
  EXPECT_NE(error_of("---\ncriteria:\n  - skills\n  - skills\n---\nx\n").find("given twice"), std::string::npos);
  EXPECT_NE(error_of("---\nmust_have: Go\n---\nx\n").find("expected a list"), std::string::npos);
  EXPECT_NE(error_of("---\ncriteria:\n  - {name: a, weight: -1}\n---\nx\n").find("positive number"), std::string::npos);
  EXPECT_NE(error_of("---\ncriteria:\n  - {weight: 2}\n---\nx\n").find("missing name"), std::string::npos);
  EXPECT_NE(error_of("---\ntitle: 'open\n---\nx\n").find("unterminated"), std::string::npos);
}

TEST(Job, CorruptFrontMatterIsAnInputErrorWithTheLine) {
  EXPECT_EQ(error_of("---\n\ttitle: x\n---\nx\n"), "job.md:2: tabs are not allowed for indentation");
  EXPECT_EQ(error_of("---\n  title: x\n---\nx\n"), "job.md:2: expected a top-level 'key: value', got an indented line");
  EXPECT_EQ(error_of("---\ntitle: a\ntitle: b\n---\nx\n"), "job.md:3: key 'title' given twice");
  EXPECT_EQ(error_of("---\njust words\n---\nx\n"), "job.md:2: expected 'key: value', got 'just words'");
  EXPECT_EQ(error_of("---\n: value\n---\nx\n"), "job.md:2: expected 'key: value', got ': value'");
  EXPECT_EQ(error_of("---\nmust_have:\n---\nx\n"),
            "job.md:2: must_have: expected a list ('- item' lines or [a, b]) after 'must_have:'");
  EXPECT_EQ(error_of("---\nmust_have:\n  - \"\"\n---\nx\n"), "job.md:2: must_have: empty requirement");
  EXPECT_EQ(error_of("---\nmust_have:\n  - a: 1\n    b: 2\n---\nx\n"), "job.md:3: must_have: expected a string per item");
  EXPECT_EQ(error_of("---\nmust_have: [Go, \"open]\n---\nx\n"), "job.md:2: unterminated quoted string in a list");
  EXPECT_EQ(error_of("---\ncriteria:\n  - {name: a, weight: 2\n---\nx\n"), "job.md:3: criteria[0]: unterminated {...}");
  EXPECT_EQ(error_of("---\ncriteria:\n  - {name: a, bonus: 2}\n---\nx\n"),
            "job.md:3: criteria[0]: unknown field 'bonus' (expected name, weight)");
  EXPECT_EQ(error_of("---\ncriteria: [{name: a, weight: 1001}]\n---\nx\n"),
            "job.md:2: criteria[0].weight: expected a positive number, got '1001'");
  EXPECT_EQ(error_of("---\ncriteria: [{name: a, weight: nan}]\n---\nx\n"),
            "job.md:2: criteria[0].weight: expected a positive number, got 'nan'");
  EXPECT_EQ(error_of("---\ncriteria: [{name: a, weight: 2x}]\n---\nx\n"),
            "job.md:2: criteria[0].weight: expected a positive number, got '2x'");
  EXPECT_EQ(error_of("---\ncriteria:\n  -\n---\nx\n"), "job.md:3: criteria[0]: missing name");
  EXPECT_EQ(error_of("---\n"), "job.md:1: front matter opened by '---' is never closed");
  EXPECT_EQ(error_of(""), "job.md: the job description is empty");
  EXPECT_EQ(error_of("\xEF\xBB\xBF \r\n\t\n"), "job.md: the job description is empty");
  EXPECT_EQ(error_of("---\ntitle: x\n---\n"), "job.md: the job description is empty");
}

TEST(Job, ByteOrderMarkStillOpensFrontMatter) {
  const Job job = parse_job("\xEF\xBB\xBF---\ntitle: SRE\n---\nRun production.\n", "job.md");
  EXPECT_EQ(job.title, "SRE");
  EXPECT_EQ(job.description, "Run production.");
  // The hash covers the file as written (BOM included), so an edited file is a new job.
  EXPECT_NE(job.content_hash, parse_job("---\ntitle: SRE\n---\nRun production.\n", "job.md").content_hash);
}

TEST(Job, CommentsAndBlankLinesInFrontMatterAreSkipped) {
  const Job job = parse_job("---\n# hiring 2026\n\ntitle: SRE\n   # indented comment\nmust_have: [Linux]\n---\nText\n", "j");
  EXPECT_EQ(job.title, "SRE");
  EXPECT_EQ(job.must_have, (std::vector<std::string>{"Linux"}));
}

TEST(Job, HashChangesWithContent) {
  EXPECT_NE(parse_job("a", "j").content_hash, parse_job("b", "j").content_hash);
  EXPECT_EQ(parse_job("a", "j").content_hash, parse_job("a", "k").content_hash);
}

TEST(Job, MissingFileIsNotFound) { EXPECT_THROW(load_job("/nonexistent/job.md"), NotFoundError); }

}  // namespace
}  // namespace hirelm::screening
