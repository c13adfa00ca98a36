// Regex, choice and GBNF: parsing, refusals with clear errors, and random constrained generations
// checked by an independent matcher (PCRE2, full-match, UTF mode).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <gtest/gtest.h>

#include "grammar_test_util.h"
#include "util/error.h"

namespace hirelm::grammar {
namespace {

using test::matches;

template <typename E, typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no error>";
}

class Pcre {
 public:
  explicit Pcre(const std::string& pattern) {
    int err;
    PCRE2_SIZE offset;
    std::string anchored = "(*LF)(?:" + pattern + ")";
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(anchored.data()), anchored.size(),
                          PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &err, &offset, nullptr);
    data_ = code_ ? pcre2_match_data_create_from_pattern(code_, nullptr) : nullptr;
  }
  ~Pcre() {
    pcre2_match_data_free(data_);
    pcre2_code_free(code_);
  }
  bool ok() const { return code_ != nullptr; }
  bool full_match(const std::string& s) const {
    return pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), 0, 0, data_, nullptr) >= 0;
  }

 private:
  pcre2_code* code_ = nullptr;
  pcre2_match_data* data_ = nullptr;
};

TEST(Regex, MatchesWholeOutput) {
  auto g = compile_regex(R"(^[A-Z][a-z]{2,4}-\d+(\.\d\d)?$)");
  EXPECT_TRUE(matches(g, "Abc-12"));
  EXPECT_TRUE(matches(g, "Abcde-0.50"));
  EXPECT_FALSE(matches(g, "Abcdef-1"));
  EXPECT_FALSE(matches(g, "xAbc-1"));
  EXPECT_FALSE(matches(g, "Abc-1.5"));
  auto cls = compile_regex(R"([^a-c\d]+|(?:x|y)*\s\w\W\S\D.)");
  EXPECT_TRUE(matches(cls, "中文z"));
  EXPECT_FALSE(matches(cls, "ab"));
  EXPECT_TRUE(matches(cls, "xyx\ta!zzq"));
  EXPECT_FALSE(matches(cls, "xyx\ta!zz\n"));
  auto uni = compile_regex("[一-龥]{2}|\\u00e9|\\x41");
  EXPECT_TRUE(matches(uni, "中文"));
  EXPECT_TRUE(matches(uni, "é"));
  EXPECT_TRUE(matches(uni, "A"));
  EXPECT_FALSE(matches(uni, "中"));
}

TEST(Regex, UnsupportedSyntaxIsRefusedByName) {
  auto refuse = [](const char* p) { return error_of<UnsupportedError>([&] { compile_regex(p); }); };
  EXPECT_NE(refuse(R"((a)\1)").find("backreference"), std::string::npos);
  EXPECT_NE(refuse("a(?=b)").find("lookahead"), std::string::npos);
  EXPECT_NE(refuse("a(?!b)").find("lookahead"), std::string::npos);
  EXPECT_NE(refuse("(?<=a)b").find("lookbehind"), std::string::npos);
  EXPECT_NE(refuse(R"(\bword)").find("word boundaries"), std::string::npos);
  EXPECT_NE(refuse("a^b").find("anchor"), std::string::npos);
  EXPECT_NE(refuse("a$b").find("anchor"), std::string::npos);
  EXPECT_NE(refuse(R"(\p{L})").find("property"), std::string::npos);
  EXPECT_NE(refuse("(?i)a").find("flags"), std::string::npos);
  auto invalid = [](const char* p) { return error_of<InvalidInputError>([&] { compile_regex(p); }); };
  EXPECT_NE(invalid("(ab").find("missing ')'"), std::string::npos);
  EXPECT_NE(invalid("ab)").find("unbalanced"), std::string::npos);
  EXPECT_NE(invalid("*a").find("nothing to repeat"), std::string::npos);
  EXPECT_NE(invalid("[abc").find("unterminated"), std::string::npos);
  EXPECT_NE(invalid("a{3,1}").find("n < m"), std::string::npos);
  EXPECT_NE(invalid("[z-a]").find("out of order"), std::string::npos);
  EXPECT_NE(invalid("[^\\x00-\\u{10FFFF}]").find("never be satisfied"), std::string::npos);
}

TEST(Choice, ExactlyOneOfTheStrings) {
  auto g = compile_choice({"yes", "no", "maybe", "是"});
  EXPECT_TRUE(matches(g, "no"));
  EXPECT_TRUE(matches(g, "是"));
  EXPECT_FALSE(matches(g, "yesno"));
  EXPECT_FALSE(matches(g, "may"));
  EXPECT_THROW(compile_choice({}), InvalidInputError);
}

TEST(Gbnf, ParsesRulesAndMatches) {
  auto g = compile_gbnf(R"(
    # a list of key=value pairs
    root ::= pair ( ";" ws pair )*
    pair ::= key "=" value
    key  ::= [a-z_]+
    value ::= [0-9]{1,3} | "\"" [^"\n]* "\"" | "null"
    ws ::= " "?
  )");
  EXPECT_TRUE(matches(g, "a=1"));
  EXPECT_TRUE(matches(g, "a=1; b_c=\"中 x\";d=null"));
  EXPECT_FALSE(matches(g, "a=1234"));
  EXPECT_FALSE(matches(g, "A=1"));
  EXPECT_FALSE(matches(g, "a=1;"));
  auto first = compile_gbnf("start ::= \"x\" other\nother ::= \"y\"+ .");
  EXPECT_TRUE(matches(first, "xyyz"));
}

TEST(Gbnf, ErrorsNameTheProblemAndLine) {
  auto invalid = [](const char* p) { return error_of<InvalidInputError>([&] { compile_gbnf(p); }); };
  EXPECT_NE(invalid("root ::= foo").find("rule 'foo' is used but never defined"), std::string::npos);
  EXPECT_NE(invalid("root ::= \"a\"\nroot ::= \"b\"").find("defined twice"), std::string::npos);
  EXPECT_NE(invalid("root = \"a\"").find("'::='"), std::string::npos);
  EXPECT_NE(invalid("root ::= \"abc").find("unterminated string"), std::string::npos);
  EXPECT_NE(invalid("root ::= ( \"a\" ").find("missing ')'"), std::string::npos);
  EXPECT_NE(invalid("root ::= \"a\"\nx ::= [b").find("line 2"), std::string::npos);
  EXPECT_NE(invalid("root ::= \"a\" @").find("unexpected character '@'"), std::string::npos);
  EXPECT_NE(invalid("").find("no rules"), std::string::npos);
  EXPECT_NE(invalid("root ::= x\nx ::= \"a\" x").find("never be satisfied"), std::string::npos);
  EXPECT_NE(error_of<UnsupportedError>([] { compile_gbnf("root ::= root \"a\" | \"b\""); }).find("left recursion"),
            std::string::npos);
  // Right recursion and nullable loops are fine.
  EXPECT_NO_THROW(compile_gbnf("root ::= \"a\" root | \"b\"\nz ::= (\"q\"*)*"));
}

// Random constrained generations over the synthetic vocabulary; PCRE2 is the independent judge.
TEST(Regex, RandomGenerationsAlwaysMatchPcre) {
  const auto& sv = test::small_vocab();
  const std::vector<std::string> patterns = {
      R"(\d{3}-\d{4})",  R"([A-Za-z]+( [A-Za-z]+){0,3})", R"((yes|no|maybe)!?)",   R"(\w+@\w+\.(com|cn))",
      R"([^"\\]{0,20})", R"(-?(0|[1-9]\d*)(\.\d+)?)",      R"((ab)+|c{2,5}|本科|硕士)", R"(.{1,8}\n?)",
      R"([一-龥]{1,4}[\s\S]?)"};
  std::mt19937_64 rng(7);
  int completed = 0;
  for (const auto& p : patterns) {
    Pcre pcre(p);
    ASSERT_TRUE(pcre.ok()) << p;
    auto grammar = Grammar::from_regex(p, sv.vocab);
    for (int i = 0; i < 40; ++i) {
      GrammarState state(grammar);
      auto g = test::generate(state, rng, 400);
      ASSERT_FALSE(g.dead_end) << p;
      if (!g.complete) continue;
      ++completed;
      EXPECT_TRUE(pcre.full_match(g.text)) << p << " produced " << g.text;
    }
  }
  EXPECT_GT(completed, 300);
}

TEST(Choice, RandomGenerationsAreOneOfTheChoices) {
  const auto& sv = test::small_vocab();
  std::vector<std::string> choices = {"yes", "no", "maybe", "本科", "硕士研究生", "n/a"};
  auto grammar = Grammar::from_choice(choices, sv.vocab);
  std::mt19937_64 rng(11);
  for (int i = 0; i < 100; ++i) {
    GrammarState state(grammar);
    auto g = test::generate(state, rng, 100);
    ASSERT_TRUE(g.complete);
    EXPECT_NE(std::find(choices.begin(), choices.end(), g.text), choices.end()) << g.text;
  }
}

}  // namespace
}  // namespace hirelm::grammar
